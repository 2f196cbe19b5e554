"""The reader: the minutes turn by turn or whole, searchable, with insertions marked or hidden.

The builder only wires controls; every callback calls :func:`course_lib.reader.render_view` or
:func:`course_lib.reader.explain_html` and copies the result into the widgets.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

from course_lib.reader import ReaderData, clamp_turn, explain_html, render_view
from course_lib.widgets._common import Kit, esc

__all__ = ["reader"]

_NO_MATCH = ("(choose a matching turn)", 0)
_NO_EXPLAIN = ("(choose a person or term)", "")


def _status_html(message: str) -> str:
    return f'<p role="status" aria-live="polite">{esc(message)}</p>'


def _optional_table(loader: str) -> pd.DataFrame | None:
    import course_lib

    try:
        return getattr(course_lib, loader)()
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

    Returns
    -------
    ipywidgets.VBox
        The reader. Its ``controls`` attribute (a dict) names the parts, for tests and for
        lessons that want to set them: ``previous``, ``next``, ``turn``, ``view``, ``mode``,
        ``search``, ``status``, ``matches``, ``text``, ``citation``, ``explain``, ``explanation``.
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

    # Shared layouts and styles; only the citation's layout changes later, so it has its own.
    kit = Kit()
    previous = kit.make(
        w.Button, description="Previous turn", icon="arrow-left", tooltip="Previous turn"
    )
    following = kit.make(w.Button, description="Next turn", icon="arrow-right", tooltip="Next turn")
    turn_box = kit.make(
        w.BoundedIntText,
        value=clamp_turn(start, n),
        min=1,
        max=n,
        description="Turn",
        layout={"width": "150px"},
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
        placeholder="a word or phrase, e.g. Stalin (press Enter)",
        continuous_update=False,
        layout={"width": "420px"},
    )
    status = kit.html(_status_html(""))
    matches = kit.make(
        w.Dropdown,
        options=[_NO_MATCH],
        value=0,
        description="Go to match",
        style={"description_width": "initial"},
    )
    citation = w.HTML()  # not from the kit: refresh() shows and hides it through its layout
    text = kit.html()
    explain = kit.make(w.Dropdown, options=[_NO_EXPLAIN], value="", description="Explain")
    explanation = kit.html(explain_html("", people, glossary))
    help_html = kit.html(
        "<p style='font-size:90%'>Square brackets mark words the translators added; with "
        "<b>Marked</b> they are kept, in italics with a dotted underline; with <b>Hidden</b> "
        "you read only what was said. Search is not case-sensitive and matches whole words; "
        "separate alternatives with <code>|</code> (for example <code>CPSU | Soviet Party</code>)."
        "</p>"
    )

    busy = {"on": False}

    def refresh(*_: Any) -> None:
        if busy["on"]:
            return
        busy["on"] = True
        try:
            result = render_view(
                data, turn_box.value, view_toggle.value, mode_toggle.value, search.value
            )
            turn_box.value = result.turn
            text.value = result.text_html
            status.value = _status_html(result.status)
            citation.value = f"<p><strong>Cite as:</strong> <cite>{esc(result.citation)}</cite></p>"
            # one turn already shows its citation under the text; the whole view needs the note
            citation.layout.display = None if view_toggle.value == "whole" else "none"
            match_options = [_NO_MATCH] + [(f"Turn {t}", t) for t in result.match_turns]
            matches.options = match_options
            matches.value = 0
            previous.disabled = view_toggle.value == "whole" or result.turn <= 1
            following.disabled = view_toggle.value == "whole" or result.turn >= n
            explain.options = [_NO_EXPLAIN, *result.explain]
            explain.value = ""
            explanation.value = explain_html("", people, glossary)
        finally:
            busy["on"] = False

    def go(delta: int) -> None:
        turn_box.value = max(1, min(n, turn_box.value + delta))

    def on_match(change: dict[str, Any]) -> None:
        if busy["on"] or not change["new"]:
            return
        view_toggle.value = "turn"
        turn_box.value = int(change["new"])

    def on_explain(change: dict[str, Any]) -> None:
        if busy["on"]:
            return
        explanation.value = explain_html(change["new"], people, glossary)

    previous.on_click(lambda _b: go(-1))
    following.on_click(lambda _b: go(+1))
    for control in (turn_box, view_toggle, mode_toggle, search):
        control.observe(refresh, names="value")
    matches.observe(on_match, names="value")
    explain.observe(on_explain, names="value")
    refresh()

    box = kit.make(
        w.VBox,
        children=[
            kit.make(w.HBox, children=[previous, turn_box, following]),
            view_toggle,
            mode_toggle,
            kit.make(w.HBox, children=[search, matches]),
            status,
            help_html,
            text,
            citation,
            kit.make(w.HBox, children=[explain]),
            explanation,
        ],
        layout={"border": "1px solid #ccc", "padding": "0.5em"},
    )
    box.add_class("p63-reader")
    box.controls = {  # type: ignore[attr-defined]
        "previous": previous,
        "next": following,
        "turn": turn_box,
        "view": view_toggle,
        "mode": mode_toggle,
        "search": search,
        "status": status,
        "matches": matches,
        "text": text,
        "citation": citation,
        "explain": explain,
        "explanation": explanation,
    }
    return box
