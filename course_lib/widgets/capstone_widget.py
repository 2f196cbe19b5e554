"""The capstone widget: pick evidence by turn, write the essay, assess it, export it.

Wiring only: every callback calls a pure function of :mod:`course_lib.capstone` (or its I/O
functions to save the draft and export). The draft is saved in the answers folder whenever the
essay, the evidence, the name or a rubric box changes, and restored when the widget is built.
"""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as w
import pandas as pd

from course_lib import capstone as cap
from course_lib.widgets._common import Kit, esc

__all__ = ["capstone"]

_MAX_LABEL = 100


def _status_html(message: str) -> str:
    return f'<p role="status" aria-live="polite">{esc(message)}</p>'


def _sentence_options(turns: pd.DataFrame, turn: int) -> list[tuple[str, int]]:
    row = turns[turns["turn"] == turn]
    if row.empty:
        return [("(no such turn)", -1)]
    out = [("(the whole turn)", -1)]
    for i, s in enumerate(cap.sentences(row.iloc[0]["text"])):
        label = s if len(s) <= _MAX_LABEL else s[: _MAX_LABEL - 3] + "..."
        out.append((f"{i + 1}. {label}", i))
    return out


def _evidence_html(items: list[cap.Evidence]) -> str:
    if not items:
        return "<p><em>No evidence yet: choose a turn and a sentence, then press Add.</em></p>"
    rows = "".join(f"<li>{esc(cap.format_evidence(x))}</li>" for x in items)
    return f'<ol aria-label="Your evidence">{rows}</ol>'


def _check_html(report: dict[str, Any]) -> str:
    cited = ", ".join(map(str, report["cited_turns"])) or "none yet"
    parts = [
        f"<p>{report['words']} words; turns cited: {esc(cited)}; "
        f"quotations checked word for word: {report['quotes_ok']}.</p>"
    ]
    if report["problems"]:
        items = "".join(f"<li>{esc(p)}</li>" for p in report["problems"])
        parts.append(f"<p><strong>To check:</strong></p><ul>{items}</ul>")
    return "".join(parts)


def _download_html(text: str, filename: str, mime: str) -> str:
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<a download="{esc(filename)}" href="data:{mime};charset=utf-8;base64,{data}">'
        f"Download {esc(filename)} to your computer</a>"
    )


def capstone(turns: pd.DataFrame | None = None, folder: str | None = None) -> w.VBox:
    """Build the capstone widget.

    Parameters
    ----------
    turns : DataFrame, optional
        The turns table; loaded with :func:`course_lib.load_turns` if not given.
    folder : str, optional
        Where the draft and exports go; default :func:`course_lib.capstone.answers_dir`
        (``$PYONGYANG1963_ANSWERS``).

    Returns
    -------
    ipywidgets.VBox
        Its ``controls`` attribute (a dict) names the parts: ``turn``, ``sentence``, ``quote``,
        ``add``, ``remove``, ``insert``, ``picker_status``, ``evidence``, ``copy``, ``essay``,
        ``check``, ``name``, ``rubric`` (a dict of checkboxes), ``score``, ``format``,
        ``export``, ``export_status``, ``download``. Its ``state`` attribute is the current
        :class:`course_lib.capstone.CapstoneState`.
    """
    if turns is None:
        from course_lib.data import load_turns

        turns = load_turns()
    where = cap.answers_dir() if folder is None else folder
    state = cap.load_draft(where, turns)
    n = int(turns["turn"].max())

    kit = Kit()  # shared layouts and styles: no callback below changes one
    question = kit.html(
        f"<p><strong>Question:</strong> {esc(cap.QUESTION)}</p>"
        f"<p>Write {cap.WORD_RANGE[0]} to {cap.WORD_RANGE[1]} words. Quote the minutes word for "
        "word and cite each quotation as (Minutes, turn N): the evidence picker does it for you."
        "</p>"
    )
    turn_box = kit.make(
        w.BoundedIntText, value=1, min=1, max=n, description="Turn", layout={"width": "150px"}
    )
    sentence = kit.make(
        w.Dropdown,
        options=_sentence_options(turns, 1),
        value=-1,
        description="Sentence",
        layout={"width": "95%"},
    )
    quote = kit.make(
        w.Text,
        description="Or quote",
        placeholder="optional: paste a shorter span of this turn, word for word",
        layout={"width": "95%"},
    )
    add = kit.make(
        w.Button,
        description="Add to evidence",
        icon="plus",
        tooltip="Add this quotation",
        layout={"width": "auto"},
    )
    remove = kit.make(
        w.Button,
        description="Remove last",
        icon="minus",
        tooltip="Remove the last item",
        layout={"width": "auto"},
    )
    insert = kit.make(
        w.Button,
        description="Insert last into essay",
        tooltip="Append the last quotation to the essay",
        layout={"width": "auto"},
    )
    picker_status = kit.html(_status_html(""))
    evidence = kit.html(_evidence_html(state.evidence))
    copy = kit.make(
        w.Textarea,
        value=cap.evidence_lines(state.evidence),
        description="Copy from here",
        style={"description_width": "initial"},
        layout={"width": "95%", "height": "6em"},
    )
    essay = kit.make(
        w.Textarea,
        value=state.essay,
        description="Essay",
        placeholder="Your answer, with quotations cited as (Minutes, turn N)",
        continuous_update=False,
        layout={"width": "95%", "height": "18em"},
    )
    check = kit.html(_check_html(cap.check_essay(state.essay, turns)))
    name = kit.make(w.Text, value=state.name, description="Your name", continuous_update=False)
    rubric = {
        key: kit.make(
            w.Checkbox,
            value=bool(state.checks.get(key)),
            description=cap.RUBRIC_TITLES.get(key, key),
            tooltip=text,
            indent=False,
            layout={"width": "12em"},
        )
        for key, text in cap.RUBRIC
    }
    rubric_rows = [
        kit.make(w.HBox, children=[rubric[key], kit.html(f"<span>{esc(text)}</span>")])
        for key, text in cap.RUBRIC
    ]
    score = kit.html()
    fmt = kit.make(
        w.Dropdown, options=[("HTML page", "html"), ("Markdown", "md")], description="Format"
    )
    export_button = kit.make(w.Button, description="Save my essay", icon="save", tooltip="Export")
    export_status = kit.html(_status_html(""))
    download = kit.html()
    from course_lib.store import on_binder

    binder_note = kit.html(
        "<p><strong>On Binder, this session and every file in it are deleted after a short "
        "idle time.</strong> After saving, use the download link to keep your essay.</p>"
        if on_binder()
        else f"<p>Your draft is saved as you work, in <code>{esc(where)}</code>.</p>"
    )

    def save() -> None:
        try:
            cap.save_draft(state, where)
        except OSError as exc:
            export_status.value = _status_html(
                f"Could not save your draft ({exc.strerror or exc}); copy your essay elsewhere."
            )

    def show_evidence() -> None:
        evidence.value = _evidence_html(state.evidence)
        copy.value = cap.evidence_lines(state.evidence)

    def show_score() -> None:
        ticked, total = cap.rubric_score(state.checks)
        score.value = _status_html(f"Self-assessment: {ticked} of {total} criteria ticked.")

    def on_turn(change: dict[str, Any]) -> None:
        sentence.options = _sentence_options(turns, int(change["new"]))
        sentence.value = -1
        quote.value = ""

    def on_add(_b: Any) -> None:
        row = turns[turns["turn"] == turn_box.value]
        chosen: str | None = quote.value if quote.value.strip() else None
        if chosen is None and sentence.value is not None and sentence.value >= 0 and len(row):
            chosen = cap.sentences(row.iloc[0]["text"])[sentence.value]
        try:
            item = cap.make_evidence(turns, turn_box.value, chosen)
        except ValueError as exc:
            picker_status.value = _status_html(f"Not added: {exc}.")
            return
        if item in state.evidence:
            picker_status.value = _status_html("Already in your evidence.")
            return
        state.evidence.append(item)
        show_evidence()
        save()
        picker_status.value = _status_html(f"Added: {cap.format_evidence(item)}")

    def on_remove(_b: Any) -> None:
        if state.evidence:
            gone = state.evidence.pop()
            show_evidence()
            save()
            picker_status.value = _status_html(f"Removed: {cap.format_evidence(gone)}")
        else:
            picker_status.value = _status_html("There is no evidence to remove.")

    def on_insert(_b: Any) -> None:
        if not state.evidence:
            picker_status.value = _status_html("Add a quotation first.")
            return
        line = cap.format_evidence(state.evidence[-1])
        essay.value = (essay.value.rstrip() + " " + line).strip()

    def on_essay(change: dict[str, Any]) -> None:
        state.essay = change["new"] if isinstance(change["new"], str) else ""
        check.value = _check_html(cap.check_essay(state.essay, turns))
        save()

    def on_name(change: dict[str, Any]) -> None:
        state.name = change["new"] if isinstance(change["new"], str) else ""
        save()

    def on_rubric(change: dict[str, Any]) -> None:
        state.checks = {key: box.value for key, box in rubric.items()}
        show_score()
        save()

    def on_export(_b: Any) -> None:
        try:
            path = cap.export(state, fmt.value, where)
        except (OSError, ValueError) as exc:
            export_status.value = _status_html(f"Not saved: {exc}")
            return
        export_status.value = _status_html(f"Saved to {path}")
        text = path.read_text(encoding="utf-8")
        mime = "text/html" if fmt.value == "html" else "text/markdown"
        download.value = _download_html(text, path.name, mime)

    turn_box.observe(on_turn, names="value")
    add.on_click(on_add)
    remove.on_click(on_remove)
    insert.on_click(on_insert)
    essay.observe(on_essay, names="value")
    name.observe(on_name, names="value")
    for box in rubric.values():
        box.observe(on_rubric, names="value")
    export_button.on_click(on_export)
    show_score()

    box = kit.make(
        w.VBox,
        children=[
            question,
            kit.html("<h4>1. Gather evidence</h4>"),
            turn_box,
            sentence,
            quote,
            kit.make(w.HBox, children=[add, remove, insert]),
            picker_status,
            evidence,
            copy,
            kit.html("<h4>2. Write</h4>"),
            essay,
            check,
            kit.html("<h4>3. Assess your essay against the rubric</h4>"),
            *rubric_rows,
            score,
            kit.html("<h4>4. Save and hand in</h4>"),
            binder_note,
            name,
            kit.make(w.HBox, children=[fmt, export_button]),
            export_status,
            download,
        ],
        layout={"border": "1px solid #ccc", "padding": "0.5em"},
    )
    box.add_class("p63-capstone")
    box.controls = {  # type: ignore[attr-defined]
        "turn": turn_box,
        "sentence": sentence,
        "quote": quote,
        "add": add,
        "remove": remove,
        "insert": insert,
        "picker_status": picker_status,
        "evidence": evidence,
        "copy": copy,
        "essay": essay,
        "check": check,
        "name": name,
        "rubric": rubric,
        "score": score,
        "format": fmt,
        "export": export_button,
        "export_status": export_status,
        "download": download,
        "binder_note": binder_note,
    }
    box.state = state  # type: ignore[attr-defined]
    return box
