"""The reader: the minutes turn by turn or whole, searchable, with insertions marked or hidden.

The builder only wires controls; every callback calls a pure function of :mod:`course_lib.reader`
(:func:`~course_lib.reader.render_view`, :func:`~course_lib.reader.explain_html`,
:func:`~course_lib.reader.step_match`) and copies the result into the widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from course_lib.data import load_glossary, load_people, load_turns
from course_lib.reader import (
    ReaderData,
    clamp_turn,
    explain_html,
    render_view,
    step_match,
)
from course_lib.templating import render, render_macro, status_html
from course_lib.widgets._common import Kit

__all__ = ["reader"]

_NO_MATCH = ("(choose a matching turn)", 0)
_NO_EXPLAIN = ("(choose a person or term)", "")
_NO_SUGGESTION = ("(choose a spelling)", "")


def _optional_table(load: Callable[[], pd.DataFrame]) -> pd.DataFrame | None:
    try:
        return load()
    except Exception:  # a missing editorial table must not break the reader
        return None


class _Reader:
    """The reader's controls and what each one does. Build it with :func:`reader`.

    Every callback calls a pure function of :mod:`course_lib.reader` and copies its result into
    the controls; ``busy`` keeps the changes a refresh makes from triggering the callbacks.
    """

    def __init__(
        self,
        turns: pd.DataFrame,
        people: pd.DataFrame | None,
        glossary: pd.DataFrame | None,
        start: int,
        view: str,
        mode: str,
        query: str | None,
        match: str,
    ) -> None:
        self.n = int(turns["turn"].max())
        self.data = ReaderData.from_frames(turns, people, glossary)
        self.people = people
        self.glossary = glossary
        self.busy = False
        self.match_turns: list[int] = []
        # Shared layouts and styles; widgets whose layout changes later get their own.
        self.kit = Kit()
        self._make_navigation(start, view, mode)
        self._make_search(query, match)
        self._make_text()
        self._wire()
        self.on_search()
        self.box = self._layout()
        self.box.controls = {
            "previous": self.previous,
            "next": self.following,
            "turn": self.turn_box,
            "view": self.view_toggle,
            "mode": self.mode_toggle,
            "search": self.search,
            "match": self.match_mode,
            "previous_match": self.previous_match,
            "next_match": self.next_match,
            "status": self.status,
            "matches": self.matches,
            "suggestions": self.suggestions,
            "text": self.text,
            "citation": self.citation,
            "explain": self.explain,
            "explanation": self.explanation,
        }

    # -- the controls
    def _make_navigation(self, start: int, view: str, mode: str) -> None:
        kit, auto = self.kit, {"width": "auto"}
        self.previous = kit.make(
            w.Button,
            description="Previous turn",
            icon="arrow-left",
            tooltip="Previous turn",
            layout=auto,
        )
        self.following = kit.make(
            w.Button, description="Next turn", icon="arrow-right", tooltip="Next turn", layout=auto
        )
        self.turn_box = kit.make(
            w.BoundedIntText,
            value=clamp_turn(start, self.n),
            min=1,
            max=self.n,
            description="Turn",
            style={"description_width": "initial"},
            layout={"width": "9em"},
        )
        self.view_toggle = kit.make(
            w.ToggleButtons,
            options=[("One turn", "turn"), ("Whole conversation", "whole")],
            value=view if view in ("turn", "whole") else "turn",
            description="Show",
            style={"button_width": "auto"},
        )
        self.mode_toggle = kit.make(
            w.ToggleButtons,
            options=[("Marked", "marked"), ("Hidden", "hidden")],
            value=mode if mode in ("marked", "hidden") else "marked",
            description="Insertions",
            tooltip="The translators' [insertions]: kept and marked, or hidden",
            style={"button_width": "auto"},
        )

    def _make_search(self, query: str | None, match: str) -> None:
        kit, auto = self.kit, {"width": "auto"}
        self.search = kit.make(
            w.Text,
            value=query if isinstance(query, str) else "",
            description="Search",
            placeholder="a word or name, e.g. Stalin (press Enter)",
            continuous_update=False,
            layout={"width": "26em", "max_width": "100%"},
        )
        self.match_mode = kit.make(
            w.Dropdown,
            options=[("Whole words", "word"), ("Word starts", "start")],
            value=match if match in ("word", "start") else "word",
            description="Match",
            layout=auto,
        )
        self.previous_match = kit.make(
            w.Button, description="Previous match", icon="chevron-up", layout=auto
        )
        self.next_match = kit.make(
            w.Button, description="Next match", icon="chevron-down", layout=auto
        )
        self.matches = kit.make(
            w.Dropdown,
            options=[_NO_MATCH],
            value=0,
            description="Matches",
            layout=auto,
        )
        self.status = kit.html(status_html(""))
        # "Did you mean ...?" spellings from the minutes; shown (through its own layout) only
        # when a search finds nothing and the minutes have a close spelling.
        self.suggestions = w.Dropdown(
            options=[_NO_SUGGESTION],
            value="",
            description="Did you mean",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", display="none"),
        )

    def _make_text(self) -> None:
        kit = self.kit
        self.citation = w.HTML()  # not from the kit: refresh() shows and hides it by its layout
        self.text = kit.html()
        self.explain = kit.make(
            w.Dropdown,
            options=[_NO_EXPLAIN],
            value="",
            description="Explain",
            layout={"width": "auto"},
        )
        self.explanation = kit.html(explain_html("", self.people, self.glossary))
        self.help_html = kit.html(render("reader_help.html.j2"))

    def _wire(self) -> None:
        self.previous.on_click(lambda _b: self.go(-1))
        self.following.on_click(lambda _b: self.go(+1))
        self.previous_match.on_click(lambda _b: self.step(-1))
        self.next_match.on_click(lambda _b: self.step(+1))
        self.suggestions.observe(self.on_suggestion, names="value")
        for control in (self.turn_box, self.view_toggle, self.mode_toggle):
            control.observe(self.refresh, names="value")
        for control in (self.search, self.match_mode):
            control.observe(self.on_search, names="value")
        self.matches.observe(self.on_match, names="value")
        self.explain.observe(self.on_explain, names="value")

    def _layout(self) -> w.VBox:
        row = self._row
        return self.kit.root(
            [
                row(self.previous, self.turn_box, self.following),
                self.view_toggle,
                self.mode_toggle,
                row(self.search, self.match_mode),
                row(self.previous_match, self.next_match, self.matches),
                self.status,
                self.suggestions,
                self.help_html,
                self.text,
                self.citation,
                row(self.explain),
                self.explanation,
            ],
            "reader",
            padding="0.5em",
        )

    def _row(self, *children: w.Widget) -> w.HBox:
        box = self.kit.make(w.HBox, children=list(children))
        box.add_class("p63-row")
        return box

    # -- showing a view
    def refresh(self, *_: Any) -> None:
        """Render the view the controls ask for and show it."""
        if self.busy:
            return
        self.busy = True
        try:
            result = render_view(
                self.data,
                self.turn_box.value,
                self.view_toggle.value,
                self.mode_toggle.value,
                self.search.value,
                match=self.match_mode.value,
            )
            self._show_text(result)
            self._show_matches(result)
            self._show_suggestions_and_explain(result)
        finally:
            self.busy = False

    def _show_text(self, result: Any) -> None:
        whole = self.view_toggle.value == "whole"
        self.turn_box.value = result.turn
        self.text.value = result.text_html
        self.status.value = status_html(result.status)
        self.citation.value = render_macro("reader_fragments.html.j2", "citation", result.citation)
        # one turn already shows its citation under the text; the whole view needs the note
        self.citation.layout.display = None if whole else "none"
        self.previous.disabled = whole or result.turn <= 1
        self.following.disabled = whole or result.turn >= self.n

    def _show_matches(self, result: Any) -> None:
        self.match_turns = result.match_turns
        self.matches.options = [_NO_MATCH] + [(f"Turn {t}", t) for t in result.match_turns]
        self.matches.value = 0
        has_matches = bool(result.match_turns)
        self.previous_match.disabled = self.next_match.disabled = not has_matches

    def _show_suggestions_and_explain(self, result: Any) -> None:
        self.suggestions.options = [_NO_SUGGESTION] + [(word, word) for word in result.suggestions]
        self.suggestions.value = ""
        self.suggestions.layout.display = None if result.suggestions else "none"
        self.explain.options = [_NO_EXPLAIN, *result.explain]
        self.explain.value = ""
        self.explanation.value = explain_html("", self.people, self.glossary)

    # -- the callbacks
    def on_search(self, *_: Any) -> None:
        """Search; a new search jumps to its first match (in the one-turn view), unless the
        turn shown already matches."""
        self.refresh()
        found = self.match_turns
        if found and self.view_toggle.value == "turn" and self.turn_box.value not in found:
            self.turn_box.value = found[0]

    def go(self, delta: int) -> None:
        """Move ``delta`` turns, staying within the conversation."""
        self.turn_box.value = max(1, min(self.n, self.turn_box.value + delta))

    def step(self, direction: int) -> None:
        """Show the next (``+1``) or previous (``-1``) matching turn, wrapping round."""
        target = step_match(self.match_turns, self.turn_box.value, direction)
        if target is None:
            return
        self.view_toggle.value = "turn"
        self.turn_box.value = target

    def on_match(self, change: dict[str, Any]) -> None:
        """Show the matching turn chosen in the list."""
        if self.busy or not change["new"]:
            return
        self.view_toggle.value = "turn"
        self.turn_box.value = int(change["new"])

    def on_explain(self, change: dict[str, Any]) -> None:
        """Explain the person or term chosen."""
        if self.busy:
            return
        self.explanation.value = explain_html(change["new"], self.people, self.glossary)

    def on_suggestion(self, change: dict[str, Any]) -> None:
        """Search for the spelling chosen."""
        if self.busy or not change["new"]:
            return
        self.search.value = change["new"]


def reader(
    turns: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
    glossary: pd.DataFrame | None = None,
    start: int = 1,
    view: str = "turn",
    mode: str = "marked",
    query: str | None = "",
    match: str = "word",
) -> w.VBox:
    """Build the reader widget.

    Parameters
    ----------
    turns : DataFrame, optional
        The turns table; loaded with :func:`course_lib.load_turns` if not given.
    people, glossary : DataFrame, optional
        For "Explain"; loaded with :func:`course_lib.load_people` and
        :func:`course_lib.load_glossary` if not given (the reader works without them).
    start : int, default 1
        The turn shown first.
    view : {"turn", "whole"}, default "turn"
        One turn at a time, or the whole conversation.
    mode : {"marked", "hidden"}, default "marked"
        The translators' insertions kept and marked, or hidden (only what was said).
    query : str, optional
        An initial search (none by default).
    match : {"word", "start"}, default "word"
        Whole words, or word starts.

    Returns
    -------
    ipywidgets.VBox
        The reader. Its ``controls`` attribute (a dict) names the parts, for tests and for
        lessons that want to set them: ``previous``, ``next``, ``turn``, ``view``, ``mode``,
        ``search``, ``match``, ``previous_match``, ``next_match``, ``status``, ``matches``,
        ``suggestions``, ``text``, ``citation``, ``explain``, ``explanation``.
    """
    if turns is None:
        turns = load_turns()
    if people is None:
        people = _optional_table(load_people)
    if glossary is None:
        glossary = _optional_table(load_glossary)
    box: w.VBox = _Reader(turns, people, glossary, start, view, mode, query, match).box
    return box
