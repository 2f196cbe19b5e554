"""The reader: the minutes turn by turn or whole, searchable, with insertions marked or hidden.

The builder only wires controls; every callback calls a pure function of :mod:`course_lib.reader`
(:func:`~course_lib.reader.render_view`, :func:`~course_lib.reader.explain_html`,
:func:`~course_lib.reader.step_match`) and copies the result into the widgets.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

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


def _optional_table(loader: str) -> pd.DataFrame | None:
    import course_lib

    try:
        return getattr(course_lib, loader)()  # type: ignore[no-any-return]
    except Exception:  # a missing editorial table must not break the reader
        return None


def reader(
    turns: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
    glossary: pd.DataFrame | None = None,
    start: int = 1,
    view: str = "turn",
    mode: str = "marked",
    query: str = "",
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
    query : str, default ""
        An initial search.
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
        from course_lib.data import load_turns

        turns = load_turns()
    if people is None:
        people = _optional_table("load_people")
    if glossary is None:
        glossary = _optional_table("load_glossary")
    n = int(turns["turn"].max())
    data = ReaderData.from_frames(turns, people, glossary)

    # Shared layouts and styles; widgets whose layout changes later get their own.
    kit = Kit()
    auto = {"width": "auto"}
    previous = kit.make(
        w.Button,
        description="Previous turn",
        icon="arrow-left",
        tooltip="Previous turn",
        layout=auto,
    )
    following = kit.make(
        w.Button, description="Next turn", icon="arrow-right", tooltip="Next turn", layout=auto
    )
    turn_box = kit.make(
        w.BoundedIntText,
        value=clamp_turn(start, n),
        min=1,
        max=n,
        description="Turn",
        style={"description_width": "initial"},
        layout={"width": "9em"},
    )
    view_toggle = kit.make(
        w.ToggleButtons,
        options=[("One turn", "turn"), ("Whole conversation", "whole")],
        value=view if view in ("turn", "whole") else "turn",
        description="Show",
        style={"button_width": "auto"},
    )
    mode_toggle = kit.make(
        w.ToggleButtons,
        options=[("Marked", "marked"), ("Hidden", "hidden")],
        value=mode if mode in ("marked", "hidden") else "marked",
        description="Insertions",
        tooltip="The translators' [insertions]: kept and marked, or hidden",
        style={"button_width": "auto"},
    )
    search = kit.make(
        w.Text,
        value=query if isinstance(query, str) else "",
        description="Search",
        placeholder="a word or name, e.g. Stalin (press Enter)",
        continuous_update=False,
        layout={"width": "26em", "max_width": "100%"},
    )
    match_mode = kit.make(
        w.Dropdown,
        options=[("Whole words", "word"), ("Word starts", "start")],
        value=match if match in ("word", "start") else "word",
        description="Match",
        layout=auto,
    )
    previous_match = kit.make(
        w.Button, description="Previous match", icon="chevron-up", layout=auto
    )
    next_match = kit.make(w.Button, description="Next match", icon="chevron-down", layout=auto)
    matches = kit.make(
        w.Dropdown,
        options=[_NO_MATCH],
        value=0,
        description="Matches",
        layout=auto,
    )
    status = kit.html(status_html(""))
    # "Did you mean ...?" spellings from the minutes; shown (through its own layout) only when a
    # search finds nothing and the minutes have a close spelling.
    suggestions = w.Dropdown(
        options=[_NO_SUGGESTION],
        value="",
        description="Did you mean",
        style={"description_width": "initial"},
        layout=w.Layout(width="auto", display="none"),
    )
    citation = w.HTML()  # not from the kit: refresh() shows and hides it through its layout
    text = kit.html()
    explain = kit.make(
        w.Dropdown, options=[_NO_EXPLAIN], value="", description="Explain", layout=auto
    )
    explanation = kit.html(explain_html("", people, glossary))
    help_html = kit.html(render("reader_help.html.j2"))

    busy = {"on": False}
    state: dict[str, Any] = {"turns": []}

    def refresh(*_: Any) -> None:
        if busy["on"]:
            return
        busy["on"] = True
        try:
            result = render_view(
                data,
                turn_box.value,
                view_toggle.value,
                mode_toggle.value,
                search.value,
                match=match_mode.value,
            )
            turn_box.value = result.turn
            text.value = result.text_html
            status.value = status_html(result.status)
            citation.value = render_macro("reader_fragments.html.j2", "citation", result.citation)
            # one turn already shows its citation under the text; the whole view needs the note
            citation.layout.display = None if view_toggle.value == "whole" else "none"
            state["turns"] = result.match_turns
            matches.options = [_NO_MATCH] + [(f"Turn {t}", t) for t in result.match_turns]
            matches.value = 0
            has_matches = bool(result.match_turns)
            previous_match.disabled = next_match.disabled = not has_matches
            previous.disabled = view_toggle.value == "whole" or result.turn <= 1
            following.disabled = view_toggle.value == "whole" or result.turn >= n
            suggestions.options = [_NO_SUGGESTION] + [(word, word) for word in result.suggestions]
            suggestions.value = ""
            suggestions.layout.display = None if result.suggestions else "none"
            explain.options = [_NO_EXPLAIN, *result.explain]
            explain.value = ""
            explanation.value = explain_html("", people, glossary)
        finally:
            busy["on"] = False

    def on_search(*_: Any) -> None:
        refresh()
        # A new search jumps to its first match (in the one-turn view), unless the turn shown
        # already matches.
        found = state["turns"]
        if found and view_toggle.value == "turn" and turn_box.value not in found:
            turn_box.value = found[0]

    def go(delta: int) -> None:
        turn_box.value = max(1, min(n, turn_box.value + delta))

    def step(direction: int) -> None:
        target = step_match(state["turns"], turn_box.value, direction)
        if target is None:
            return
        view_toggle.value = "turn"
        turn_box.value = target

    def on_match(change: dict[str, Any]) -> None:
        if busy["on"] or not change["new"]:
            return
        view_toggle.value = "turn"
        turn_box.value = int(change["new"])

    def on_explain(change: dict[str, Any]) -> None:
        if busy["on"]:
            return
        explanation.value = explain_html(change["new"], people, glossary)

    def on_suggestion(change: dict[str, Any]) -> None:
        if busy["on"] or not change["new"]:
            return
        search.value = change["new"]

    previous.on_click(lambda _b: go(-1))
    following.on_click(lambda _b: go(+1))
    previous_match.on_click(lambda _b: step(-1))
    next_match.on_click(lambda _b: step(+1))
    suggestions.observe(on_suggestion, names="value")
    for control in (turn_box, view_toggle, mode_toggle):
        control.observe(refresh, names="value")
    for control in (search, match_mode):
        control.observe(on_search, names="value")
    matches.observe(on_match, names="value")
    explain.observe(on_explain, names="value")
    on_search()

    def row(*children: w.Widget) -> w.HBox:
        box = kit.make(w.HBox, children=list(children))
        box.add_class("p63-row")
        return box

    box = kit.root(
        [
            row(previous, turn_box, following),
            view_toggle,
            mode_toggle,
            row(search, match_mode),
            row(previous_match, next_match, matches),
            status,
            suggestions,
            help_html,
            text,
            citation,
            row(explain),
            explanation,
        ],
        "reader",
        padding="0.5em",
    )
    box.controls = {  # type: ignore[attr-defined]
        "previous": previous,
        "next": following,
        "turn": turn_box,
        "view": view_toggle,
        "mode": mode_toggle,
        "search": search,
        "match": match_mode,
        "previous_match": previous_match,
        "next_match": next_match,
        "status": status,
        "matches": matches,
        "suggestions": suggestions,
        "text": text,
        "citation": citation,
        "explain": explain,
        "explanation": explanation,
    }
    return box
