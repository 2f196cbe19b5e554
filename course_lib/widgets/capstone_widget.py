"""The capstone widget: pick evidence by turn, write the essay, assess it, hand it in.

Wiring only: every callback calls a pure function of :mod:`course_lib.capstone` (checking),
:mod:`course_lib.capstone_draft` (the draft, saved field by field and merged with what other
widgets saved) or :mod:`course_lib.capstone_export` (the file to hand in).

The essay is saved while the learner types, at most a second behind
(:class:`course_lib.debounce.Debouncer`), and at once when they use any other control of the
widget (the box has lost focus). The evidence, the rubric and the name are saved on each change.
Each change carries its own time, so a second widget on the same folder (a re-run cell, another
notebook) never erases this one's work, nor this one the other's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd

from course_lib import capstone as cap
from course_lib import capstone_draft as drafts
from course_lib import capstone_export as cx
from course_lib import debounce
from course_lib.localtime import readable, utc_now
from course_lib.templating import render_macro, status_html, style_tag
from course_lib.widgets._common import Kit
from course_lib.widgets._mirror import BrowserMirror

__all__ = ["CapstoneView", "capstone"]

_MAX_LABEL = 100
_PARTS = "capstone_parts.html.j2"


def _part(name: str, *args: Any) -> str:
    return render_macro(_PARTS, name, *args)


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
    return _part(
        "evidence", [{"text": cap.format_evidence(x), "problem": x.problem} for x in items]
    )


def _check_html(report: dict[str, Any]) -> str:
    cited = ", ".join(map(str, report["cited_turns"])) or "none yet"
    return _part("check", {**report, "cited": cited})


def _record_options() -> list[tuple[str, str]]:
    """``(label, doc_id)`` for each record of the corroboration set; none if it cannot load."""
    try:
        from course_lib.data import to_records
        from course_lib.documents import load_documents

        return [
            (f"{r['date']} · {r['side']} · {r['title']}", str(r["doc_id"]))
            for r in to_records(load_documents())
        ]
    except Exception:  # a missing or damaged editorial table must not break the capstone
        return []


def _record_citation(doc_id: str) -> str:
    from course_lib.documents import cite_document

    return cite_document(doc_id)


class CapstoneView:
    """The capstone's controls and their wiring. Build it with :func:`capstone`.

    Parameters
    ----------
    turns : DataFrame
    folder : Path
        The answers folder.
    save_delay : float
        The most the saved essay may lag behind the typing (seconds).
    clock, schedule
        For the :class:`course_lib.debounce.Debouncer` (tests pass fakes).
    """

    def __init__(
        self,
        turns: pd.DataFrame,
        folder: Path,
        save_delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        schedule: Callable[[float, Callable[[], None]], debounce.Handle] | None = None,
    ) -> None:
        self.turns = turns
        self.folder = folder
        self.syncing = False
        self.problems: list[str] = []
        draft = self._read()
        self.fields: drafts.Fields = dict(draft.fields)
        self.state = draft.state
        self.learner_id = self._profile_id()
        self.debouncer = debounce.Debouncer(
            self._flush,
            save_delay,
            clock=clock,
            schedule=schedule or debounce.default_schedule,
        )
        self.kit = Kit()  # shared layouts and styles: no callback below changes one
        self._build_picker()
        self._build_writing()
        self._build_rubric()
        self._build_handin()
        self._wire()
        self.notice.value = status_html(" ".join([draft.message(), *self.problems]).strip())
        self._show_score()
        self._show_downloads()
        self.portfolio.refresh()

    # -- reading what is saved

    def _read(self) -> drafts.Draft:
        try:
            return drafts.read_draft(self.folder, self.turns)
        except OSError as exc:
            self.problems.append(
                f"Your saved draft could not be opened ({exc.strerror or exc}); what you write "
                "now is kept in this notebook only until the folder can be used."
            )
            return drafts.Draft()

    def _profile_id(self) -> str:
        from course_lib.profile import load_profile, set_learner_name

        try:
            profile = load_profile(self.folder)
            if not profile.name and self.state.name:  # a name kept in an older draft
                profile = set_learner_name(self.state.name, self.folder)
        except OSError:
            return ""
        self.state.name = profile.name
        return profile.learner_id

    # -- building

    def _build_picker(self) -> None:
        kit, n = self.kit, int(self.turns["turn"].max())
        self.question = kit.html(_part("intro", cap.QUESTION, *cap.WORD_RANGE))
        self.notice = kit.html()
        self.turn = kit.make(
            w.BoundedIntText, value=1, min=1, max=n, description="Turn", layout={"width": "150px"}
        )
        self.sentence = kit.make(
            w.Dropdown,
            options=_sentence_options(self.turns, 1),
            value=-1,
            description="Sentence",
            layout={"width": "95%"},
        )
        self.quote = kit.make(
            w.Text,
            description="Or quote",
            placeholder="optional: paste a shorter span of this turn, word for word",
            layout={"width": "95%"},
        )
        auto = {"width": "auto"}
        self.add = kit.make(
            w.Button,
            description="Add to evidence",
            icon="plus",
            tooltip="Add this quotation",
            layout=auto,
        )
        self.remove = kit.make(
            w.Button,
            description="Remove last",
            icon="minus",
            tooltip="Remove the last item",
            layout=auto,
        )
        self.insert = kit.make(
            w.Button,
            description="Insert last into essay",
            tooltip="Append the last quotation to the essay",
            layout=auto,
        )
        # Other records of the corroboration set: cite one in the essay, beside the minutes.
        self.record = kit.make(
            w.Dropdown,
            options=[("(choose another record to cite)", ""), *_record_options()],
            value="",
            description="Other records",
            style={"description_width": "initial"},
            layout={"width": "auto", "max_width": "100%"},
        )
        self.cite = kit.make(
            w.Button,
            description="Insert its citation into essay",
            tooltip="Append the chosen record's citation to the essay",
            layout=auto,
        )
        self.picker_status = kit.html(status_html(""))
        self.evidence = kit.html(_evidence_html(self.state.evidence))
        self.copy = kit.make(
            w.Textarea,
            value=cap.evidence_lines(self.state.evidence),
            description="Copy from here",
            style={"description_width": "initial"},
            layout={"width": "95%", "height": "6em"},
        )

    def _build_writing(self) -> None:
        self.essay = self.kit.make(
            w.Textarea,
            value=self.state.essay,
            description="Essay",
            placeholder="Your answer, with quotations cited as (Minutes, turn N)",
            continuous_update=True,
            layout={"width": "95%", "height": "18em"},
        )
        self.check = self.kit.html(_check_html(cap.check_essay(self.state.essay, self.turns)))
        self.saved = self.kit.html()

    def _build_rubric(self) -> None:
        kit = self.kit
        self.rubric = {
            key: kit.make(
                w.Checkbox,
                value=bool(self.state.checks.get(key)),
                description=cap.RUBRIC_TITLES.get(key, key),
                tooltip=text,
                indent=False,
                layout={"width": "12em"},
            )
            for key, text in cap.RUBRIC
        }
        self.rubric_rows = [
            kit.make(w.HBox, children=[self.rubric[key], kit.html(_part("text", text))])
            for key, text in cap.RUBRIC
        ]
        self.score = kit.html()

    def _build_handin(self) -> None:
        from course_lib.store import describe_folder, on_binder
        from course_lib.widgets.handin import HandinPanel, name_box

        kit = self.kit
        self.where = kit.html(
            _part("where", describe_folder(self.folder), drafts.DRAFT_NAME, on_binder())
        )
        self.name = name_box(self.folder, kit, initial=self.state.name)
        self.format = kit.make(
            w.Dropdown,
            options=[(label, key) for key, (label, _ext, _mime) in cx.FORMATS.items()],
            description="Format",
        )
        self.download = kit.html()
        self.export = kit.make(
            w.Button,
            description="Also save a copy in my answers folder",
            icon="save",
            tooltip="Write the essay as a file in the answers folder's exports",
            layout={"width": "auto"},
        )
        self.export_status = kit.html(status_html(""))
        self.portfolio = HandinPanel(self.folder, lesson=None, kit=kit, turns=self.turns)

    def _wire(self) -> None:
        self.turn.observe(self._on_turn, names="value")
        self.add.on_click(self._on_add)
        self.remove.on_click(self._on_remove)
        self.insert.on_click(self._on_insert)
        self.cite.on_click(self._on_cite)
        self.essay.observe(self._on_essay, names="value")
        self.name.observe(self._on_name, names="value")
        self.format.observe(self._on_format, names="value")
        for box in self.rubric.values():
            box.observe(self._on_rubric, names="value")
        self.export.on_click(self._on_export)
        for control in (self.sentence, self.quote):
            control.observe(lambda _c: self._blur(), names="value")

    def layout(self) -> w.VBox:
        """The widget's root container."""
        kit = self.kit
        box = kit.make(
            w.VBox,
            children=[
                kit.html(style_tag()),
                kit.guard(),
                self.question,
                self.notice,
                BrowserMirror(self.folder, on_restore=self._save_now, kit=kit).panel,
                kit.html("<h4>1. Gather evidence</h4>"),
                self.turn,
                self.sentence,
                self.quote,
                kit.make(w.HBox, children=[self.add, self.remove, self.insert]),
                kit.make(w.HBox, children=[self.record, self.cite]),
                self.picker_status,
                self.evidence,
                self.copy,
                kit.html("<h4>2. Write</h4>"),
                self.essay,
                self.saved,
                self.check,
                kit.html("<h4>3. Assess your essay against the rubric</h4>"),
                *self.rubric_rows,
                self.score,
                kit.html("<h4>4. Hand in</h4>"),
                self.where,
                self.name,
                kit.make(w.HBox, children=[self.format, self.download]),
                self.portfolio.html,
                self.export,
                self.export_status,
            ],
            layout={"border": "1px solid var(--jp-border-color1, #bdbdbd)", "padding": "0.5em"},
        )
        box.add_class("p63")
        box.add_class("p63-capstone")
        return box

    # -- saving

    def _stamp(self, key: str, value: Any) -> None:
        self.fields[key] = (value, utc_now(precise=True))

    def _flush(self) -> None:
        """Save every field, merged with the disk's (the debouncer's action)."""
        from course_lib.widgets.handin import notify

        before = dict(self.fields)
        try:
            draft = drafts.save_fields(before, self.folder, self.turns)
        except OSError as exc:
            self.saved.value = status_html(
                f"Could not save your draft ({exc.strerror or exc}); copy your essay elsewhere "
                "until this is fixed.",
                live="assertive",
            )
            self.export_status.value = self.saved.value
            return
        self.fields = draft.fields
        self._sync(draft.state, changed={k for k, v in draft.fields.items() if before.get(k) != v})
        self.saved.value = _part("saved", f"Draft saved {readable(utc_now())}.")
        self.check.value = _check_html(cap.check_essay(self.state.essay, self.turns))
        if draft.problem:
            self.notice.value = status_html(draft.message())
        self._show_downloads()
        notify(self.folder, "draft")

    def _save_now(self) -> None:
        self.debouncer.pending = True
        self.debouncer.flush()

    def _blur(self) -> None:
        """Another control was used: the essay box has lost focus, so save what is pending."""
        self.debouncer.flush()

    def _sync(self, merged: cap.CapstoneState, changed: set[str]) -> None:
        """Show what another widget saved more recently than this one changed it."""
        if not changed:
            return
        self.syncing = True
        try:
            if "essay" in changed:
                self.state.essay = merged.essay
                self.essay.value = merged.essay
            if "evidence" in changed:
                self.state.evidence[:] = merged.evidence
                self._show_evidence()
            for key, box in self.rubric.items():
                if f"checks.{key}" in changed:
                    self.state.checks[key] = merged.checks.get(key, False)
                    box.value = bool(self.state.checks[key])
            self._show_score()
        finally:
            self.syncing = False

    # -- showing

    def _show_evidence(self) -> None:
        self.evidence.value = _evidence_html(self.state.evidence)
        self.copy.value = cap.evidence_lines(self.state.evidence)

    def _show_score(self) -> None:
        ticked, total = cap.rubric_score(self.state.checks)
        self.score.value = status_html(f"Self-assessment: {ticked} of {total} criteria ticked.")

    def _show_downloads(self) -> None:
        from course_lib.downloads import download_link
        from course_lib.exports import export_name

        label, ext, mime = cx.FORMATS[self.format.value]
        when = datetime.now(UTC)
        render = cx.to_html if ext == "html" else cx.to_markdown
        text = render(self.state, when, learner_id=self.learner_id)
        name = export_name("essay", ext, self.state.name, self.learner_id, cx.LESSON, when)
        self.download.value = download_link(text, name, f"Download your essay ({label})", mime)

    # -- callbacks

    def _on_turn(self, change: dict[str, Any]) -> None:
        self._blur()
        self.sentence.options = _sentence_options(self.turns, int(change["new"]))
        self.sentence.value = -1
        self.quote.value = ""

    def _on_add(self, _button: Any) -> None:
        row = self.turns[self.turns["turn"] == self.turn.value]
        chosen: str | None = self.quote.value if self.quote.value.strip() else None
        index = self.sentence.value
        if chosen is None and index is not None and index >= 0 and len(row):
            chosen = cap.sentences(row.iloc[0]["text"])[index]
        try:
            item = cap.make_evidence(self.turns, self.turn.value, chosen)
        except ValueError as exc:
            self.picker_status.value = status_html(f"Not added: {exc}.")
            self._blur()
            return
        if item in self.state.evidence:
            self.picker_status.value = status_html("Already in your evidence.")
            self._blur()
            return
        self.state.evidence.append(item)
        self._evidence_changed(f"Added: {cap.format_evidence(item)}")

    def _on_remove(self, _button: Any) -> None:
        if not self.state.evidence:
            self.picker_status.value = status_html("There is no evidence to remove.")
            self._blur()
            return
        gone = self.state.evidence.pop()
        self._evidence_changed(f"Removed: {cap.format_evidence(gone)}")

    def _evidence_changed(self, message: str) -> None:
        self._stamp("evidence", drafts.fields_from_state(self.state)["evidence"][0])
        self._show_evidence()
        self._save_now()
        self.picker_status.value = status_html(message)

    def _on_insert(self, _button: Any) -> None:
        if not self.state.evidence:
            self.picker_status.value = status_html("Add a quotation first.")
            self._blur()
            return
        line = cap.format_evidence(self.state.evidence[-1])
        self.essay.value = (self.essay.value.rstrip() + " " + line).strip()
        self._save_now()

    def _on_cite(self, _button: Any) -> None:
        if not self.record.value:
            self.picker_status.value = status_html("Choose a record to cite first.")
            self._blur()
            return
        line = f"({_record_citation(self.record.value)})"
        self.essay.value = (self.essay.value.rstrip() + " " + line).strip()
        self.picker_status.value = status_html("Citation added to the end of your essay.")
        self._save_now()

    def _on_essay(self, change: dict[str, Any]) -> None:
        if self.syncing:
            return
        with self.debouncer.lock:
            self.state.essay = change["new"] if isinstance(change["new"], str) else ""
            self._stamp("essay", self.state.essay)
            self.debouncer.touch()
        # The word count and quotation check follow the typing at once; only saving waits.
        self.check.value = _check_html(cap.check_essay(self.state.essay, self.turns))

    def _on_format(self, _change: dict[str, Any]) -> None:
        self._blur()
        self._show_downloads()

    def _on_name(self, change: dict[str, Any]) -> None:
        self.state.name = change["new"] if isinstance(change["new"], str) else ""
        self._blur()
        self._show_downloads()
        self.portfolio.changed("name")

    def _on_rubric(self, _change: dict[str, Any]) -> None:
        if self.syncing:
            return
        for key, box in self.rubric.items():
            if bool(self.state.checks.get(key)) != box.value:
                self.state.checks[key] = box.value
                self._stamp(f"checks.{key}", box.value)
        self._show_score()
        self._save_now()

    def _on_export(self, _button: Any) -> None:
        from course_lib.store import describe_folder

        self._blur()
        try:
            path = cx.export(self.state, self.format.value, self.folder, learner_id=self.learner_id)
        except (OSError, ValueError) as exc:
            self.export_status.value = status_html(f"Not saved: {exc}")
            return
        where = describe_folder(path.parent)
        self.export_status.value = status_html(f"Saved a copy as {where}{path.name}")
        self._show_downloads()


def capstone(
    turns: pd.DataFrame | None = None,
    folder: str | Path | None = None,
    *,
    save_delay: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    schedule: Callable[[float, Callable[[], None]], debounce.Handle] | None = None,
) -> w.VBox:
    """Build the capstone widget.

    Parameters
    ----------
    turns : DataFrame, optional
        The turns table; loaded with :func:`course_lib.load_turns` if not given.
    folder : str or Path, optional
        Where the draft and exports go; default :func:`course_lib.store.default_folder`
        (``my_answers/`` in the course folder, or ``$PYONGYANG1963_ANSWERS``).
    save_delay : float
        The most the saved essay may lag behind the typing, in seconds.
    clock, schedule
        The debouncer's clock and scheduler (tests pass fakes).

    Returns
    -------
    ipywidgets.VBox
        Its ``controls`` attribute (a dict) names the parts: ``turn``, ``sentence``, ``quote``,
        ``add``, ``remove``, ``insert``, ``picker_status``, ``evidence``, ``copy``, ``essay``,
        ``saved``, ``check``, ``name``, ``rubric`` (a dict of checkboxes), ``score``,
        ``format``, ``download``, ``portfolio``, ``export``, ``export_status``, ``notice``,
        ``binder_note``. Its ``state`` attribute is the current
        :class:`course_lib.capstone.CapstoneState`; ``view`` is the :class:`CapstoneView`.
    """
    if turns is None:
        from course_lib.data import load_turns

        turns = load_turns()
    where = Path(folder) if folder is not None else drafts.answers_dir()
    view = CapstoneView(turns, where, save_delay, clock, schedule)
    box = view.layout()
    box.controls = {
        "turn": view.turn,
        "sentence": view.sentence,
        "quote": view.quote,
        "add": view.add,
        "remove": view.remove,
        "insert": view.insert,
        "record": view.record,
        "cite": view.cite,
        "picker_status": view.picker_status,
        "evidence": view.evidence,
        "copy": view.copy,
        "essay": view.essay,
        "saved": view.saved,
        "check": view.check,
        "name": view.name,
        "rubric": view.rubric,
        "score": view.score,
        "format": view.format,
        "download": view.download,
        "portfolio": view.portfolio.html,
        "export": view.export,
        "export_status": view.export_status,
        "notice": view.notice,
        "binder_note": view.where,
    }
    box.state = view.state
    box.view = view
    return box
