"""Question widgets: instant feedback, hints, try again, saved answers, progress and export.

``question(qid)`` builds one question; ``question_set(lesson)`` builds every question of a
lesson (or of the whole course) with a progress line and download buttons. Both return an
ipywidgets container and never call ``display()``. Every callback calls a pure function
(:func:`course_lib.questions.check_answer`, :func:`feedback_html`, :func:`progress_text`,
:func:`course_lib.store.portfolio_html`...); the store does the I/O.

The returned container carries its view object as ``.view`` so tests (and curious learners) can
reach the controls: ``box.view.control``, ``box.view.check_button`` and so on.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from course_lib.downloads import download_link
from course_lib.exports import export_name
from course_lib.localtime import readable
from course_lib.questions import AnswerError, QuestionBank, check_answer, load_bank
from course_lib.store import (
    AnswerStore,
    LoadReport,
    StoreError,
    describe_folder,
    make_record,
    on_binder,
    portfolio_html,
    records_to_csv,
)
from course_lib.widgets._common import MAX_INPUT, OKABE_ITO, Kit, clean_input, esc
from course_lib.widgets.handin import HandinPanel, name_box

__all__ = [
    "binder_notice_html",
    "download_link_html",
    "feedback_html",
    "hint_html",
    "initial_order",
    "option_label",
    "progress_text",
    "question",
    "question_set",
]

_STYLE = """<style>
.p63-q .widget-label-basic, .p63-q .widget-radio-box label, .p63-q .widget-label {{
  white-space: normal !important; overflow: visible !important; height: auto !important;
  line-height: 1.35; }}
.p63-q .widget-radio-box label {{ margin-bottom: .35em; }}
.p63-q .widget-checkbox {{ height: auto !important; margin-bottom: .35em; }}
.p63-fb-ok {{ border-left: 4px solid {ok}; padding-left: .6em; }}
.p63-fb-no {{ border-left: 4px solid {no}; padding-left: .6em; }}
.p63-fb-self {{ border-left: 4px solid {self}; padding-left: .6em; }}
.p63-warn {{ border: 2px solid {no}; padding: .4em .8em; border-radius: 4px; }}
.p63-sr {{ position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }}
</style>""".format(
    ok=OKABE_ITO["bluish_green"],
    no=OKABE_ITO["vermillion"],
    self=OKABE_ITO["blue"],
)

# ----------------------------------------------------------------------------- pure helpers


def _speaker(turn: int) -> str:
    """Liu speaks the odd turns, Kim the even ones (see the course's turn numbering)."""
    return "Liu" if turn % 2 else "Kim"


def option_label(question: Mapping[str, Any], option: Mapping[str, Any]) -> str:
    """Plain-text label for an option's control (pure; controls escape their own text).

    Parameters
    ----------
    question : dict
    option : dict

    Returns
    -------
    str
        ``"Turn 22 (Kim): “...”"`` for an evidence option, else the option's text.
    """
    if question["type"] == "evidence" and "turn" in option:
        return f"Turn {option['turn']} ({_speaker(option['turn'])}): “{option['text']}”"
    return str(option["text"])


def initial_order(question: Mapping[str, Any]) -> list[str]:
    """A fixed shuffle of an ordering question's items that is never already solved (pure).

    Parameters
    ----------
    question : dict

    Returns
    -------
    list of str
    """
    ids = [o["id"] for o in question["options"]]
    target = list(question["correct_order"])
    rng = random.Random(question["id"])
    for _ in range(20):
        rng.shuffle(ids)
        if ids != target:
            return ids
    return target[1:] + target[:1]


def progress_text(answered: int, total: int) -> str:
    """``"7 of 12 answered"`` (pure)."""
    return f"{answered} of {total} answered"


def hint_html(hints: list[str], shown: int) -> str:
    """The first ``shown`` hints as an escaped list (pure)."""
    if shown <= 0 or not hints:
        return ""
    items = "".join(f"<li>{esc(h)}</li>" for h in hints[:shown])
    return f'<div class="p63-hints"><strong>Hints</strong><ol>{items}</ol></div>'


def feedback_html(question: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """Render a checked answer: verdict, feedback on each chosen option, what was missed, and
    the explanation. Everything is escaped (pure).

    Parameters
    ----------
    question : dict
    result : dict
        From :func:`course_lib.questions.check_answer`.

    Returns
    -------
    str
    """
    correct = result.get("correct")
    css = "p63-fb-self" if correct is None else ("p63-fb-ok" if correct else "p63-fb-no")
    verdict = "Saved" if correct is None else ("Correct" if correct else "Not yet")
    parts = [
        f'<div class="{css}" role="status" aria-live="polite">',
        f"<p><strong>{esc(verdict)}.</strong> {esc(result.get('message', ''))}</p>",
    ]
    fb = result.get("feedback") or []
    if fb:
        rows = []
        for item in fb:
            mark = "✔" if item.get("correct") else "✘"
            word = "right" if item.get("correct") else "wrong"
            where = f"Position {item['position']}: " if "position" in item else ""
            label = option_label(question, {**item, "id": item.get("option")})
            rows.append(
                f'<li><span aria-hidden="true">{mark}</span> '
                f'<span class="p63-sr">({word})</span> {esc(where)}<em>{esc(label)}</em>: '
                f"{esc(item.get('feedback', ''))}</li>"
            )
        parts.append("<ul>" + "".join(rows) + "</ul>")
    missed = result.get("missed") or []
    if missed:
        by_id = {o["id"]: o for o in question.get("options", [])}
        names = "; ".join(option_label(question, by_id[m]) for m in missed if m in by_id)
        parts.append(f"<p>You left out a right option: {esc(names)}</p>")
    if result.get("model_answer"):
        parts.append(f"<p><strong>Model answer.</strong> {esc(result['model_answer'])}</p>")
        rubric = "".join(
            f"<li>{esc(r['criterion'])} ({int(r['points'])} pt)</li>"
            for r in result.get("rubric", [])
        )
        parts.append(f"<p><strong>Rubric</strong> (check your own answer)</p><ul>{rubric}</ul>")
    parts.append(f"<p><strong>Why.</strong> {esc(result.get('explanation', ''))}</p>")
    sources = question.get("sources") or []
    if sources:
        links = "".join(
            f'<li><a href="{esc(s["url"])}" target="_blank" rel="noopener">{esc(s["title"])}</a>'
            "</li>"
            for s in sources
        )
        parts.append(f"<details><summary>Sources</summary><ul>{links}</ul></details>")
    parts.append("</div>")
    return "".join(parts)


def download_link_html(content: str, filename: str, mime: str, label: str) -> str:
    """An anchor that downloads ``content`` as a file, with no server round trip (pure).

    Parameters
    ----------
    content : str
        The file's text (UTF-8).
    filename : str
    mime : str
    label : str

    Returns
    -------
    str
        ``<a download="..." href="data:...;base64,...">label</a>``, styled as a button
        (:func:`course_lib.downloads.download_link`).
    """
    return download_link(content, filename, label, mime)


def binder_notice_html() -> str:
    """The plain warning shown on Binder (pure)."""
    return (
        '<div class="p63-warn" role="alert"><strong>You are on Binder.</strong> This session '
        "is temporary: when it ends (after a short time without activity) your saved answers "
        "are deleted. Download your portfolio before you leave, and keep the file.</div>"
    )


def _folder_html(store: AnswerStore) -> str:
    return (
        f'<p class="p63-folder">Answers are saved in <code>{esc(describe_folder(store.folder))}'
        "</code> (open it from JupyterLab's file browser).</p>"
    )


def _portfolio_name(learner: str, lesson: int | None = None) -> str:
    return export_name("portfolio", "html", learner, lesson=lesson)


# ----------------------------------------------------------------------------- shared parts

# Every question set shares these looks through one Kit (see course_lib.widgets._common.Kit):
# one Layout per look and one Style per control kind instead of one of each per control.
_WIDE = {"width": "100%"}
_CARD = {"border": "1px solid #ccc", "padding": "0.5em"}


# ----------------------------------------------------------------------------- one question


class QuestionView:
    """Wiring for one question. Build it with :func:`question`."""

    def __init__(
        self,
        q: Mapping[str, Any],
        store: AnswerStore,
        record: Mapping[str, Any] | None = None,
        learner: Callable[[], str] = lambda: "",
        on_save: Callable[[dict[str, Any]], None] | None = None,
        kit: Kit | None = None,
    ) -> None:
        kit = Kit() if kit is None else kit
        self.question = q
        self.store = store
        self.learner = learner
        self.on_save = on_save
        self.hints_shown = 0
        self.result: dict[str, Any] | None = None
        qtype = q["type"]

        head = (
            f"<h4>Question {esc(q['id'])} "
            f'<span style="font-weight:normal">· {esc(q["skill"].replace("_", " "))}</span></h4>'
            f"<p>{esc(q['prompt'])}</p>"
        )
        if qtype == "evidence":
            stance = "support" if q.get("stance") == "support" else "refute"
            head += (
                f"<p><strong>Claim.</strong> {esc(q.get('claim', ''))} "
                f"<em>(choose the turns that {stance} it)</em></p>"
            )
        self.prompt = kit.html(head)
        #: The ordering question's current order as a numbered list (``None`` for other types).
        self.order_view: w.HTML | None = None
        self.move_up = self.move_down = None
        if qtype == "single_choice":
            self.control: Any = kit.make(
                w.RadioButtons,
                options=[(option_label(q, o), o["id"]) for o in q["options"]],
                value=None,
                description="Your answer:",
                style={"description_width": "initial"},
                layout=_WIDE,
            )
            self.inputs: list[Any] = [self.control]
        elif qtype in ("multiple_choice", "evidence"):
            self.boxes = [
                kit.make(
                    w.Checkbox,
                    value=False,
                    description=option_label(q, o),
                    indent=False,
                    layout=_WIDE,
                )
                for o in q["options"]
            ]
            self.control = kit.make(w.VBox, children=self.boxes)
            self.inputs = list(self.boxes)
        elif qtype == "ordering":
            self.labels = {o["id"]: option_label(q, o) for o in q["options"]}
            self.order_view = kit.html()
            self.control = kit.make(
                w.Select,
                options=[(self.labels[i], i) for i in initial_order(q)],
                rows=len(q["options"]),
                description="Order:",
                layout=_WIDE,
            )
            self.move_up = kit.make(
                w.Button,
                description="Move up",
                icon="arrow-up",
                tooltip="Move the selected item up",
            )
            self.move_down = kit.make(
                w.Button,
                description="Move down",
                icon="arrow-down",
                tooltip="Move the selected item down",
            )
            self.move_up.on_click(lambda _b: self._move(-1))
            self.move_down.on_click(lambda _b: self._move(1))
            self.inputs = [self.control, self.move_up, self.move_down]
            self._show_order()
        else:
            self.control = kit.make(
                w.Textarea,
                value="",
                description="Your answer:",
                placeholder="Write your answer here.",
                rows=8,
                style={"description_width": "initial"},
                layout=_WIDE,
            )
            self.inputs = [self.control]
        self.check_button = kit.make(
            w.Button,
            description="Check answer",
            button_style="primary",
            tooltip="Check and save your answer",
        )
        self.hint_button = kit.make(
            w.Button,
            description="Show a hint",
            tooltip="Reveal the next hint",
            disabled=not q.get("hints"),
        )
        self.retry_button = kit.make(
            w.Button, description="Try again", tooltip="Change your answer", disabled=True
        )
        self.hints = kit.html()
        self.feedback = kit.html()
        self.saved = kit.html()
        self.check_button.on_click(lambda _b: self.check())
        self.hint_button.on_click(lambda _b: self.hint())
        self.retry_button.on_click(lambda _b: self.try_again())
        parts: list[Any] = [self.prompt, self.control]
        if self.move_up is not None:
            parts += [kit.make(w.HBox, children=[self.move_up, self.move_down]), self.order_view]
        parts += [
            kit.make(w.HBox, children=[self.check_button, self.hint_button, self.retry_button]),
            self.hints,
            self.feedback,
            self.saved,
        ]
        self.box = kit.make(w.VBox, children=parts, layout=_CARD)
        self.box.add_class("p63-q")
        self.box.view = self  # type: ignore[attr-defined]
        if record is not None:
            self.restore(record)

    # -- reading and setting the controls
    def response(self) -> Any:
        """The learner's current response, in the shape :func:`check_answer` expects."""
        qtype = self.question["type"]
        if qtype == "single_choice":
            return self.control.value
        if qtype in ("multiple_choice", "evidence"):
            ids = [o["id"] for o in self.question["options"]]
            return [i for i, b in zip(ids, self.boxes, strict=True) if b.value]
        if qtype == "ordering":
            return [value for _label, value in self.control.options]
        return self.control.value

    def _set_response(self, response: Any) -> None:
        qtype = self.question["type"]
        if qtype == "single_choice":
            self.control.value = response
        elif qtype in ("multiple_choice", "evidence"):
            chosen = set(response)
            for o, b in zip(self.question["options"], self.boxes, strict=True):
                b.value = o["id"] in chosen
        elif qtype == "ordering":
            self.control.options = [(self.labels[i], i) for i in response]
            self._show_order()
        else:
            self.control.value = response

    def _move(self, step: int) -> None:
        items = [value for _label, value in self.control.options]
        current = self.control.value
        if current is None or current not in items:
            self.feedback.value = (
                '<p role="status">Select an item in the list first, then move it.</p>'
            )
            return
        i = items.index(current)
        j = i + step
        if 0 <= j < len(items):
            items[i], items[j] = items[j], items[i]
            self.control.options = [(self.labels[x], x) for x in items]
            self.control.value = current
            self._show_order()

    def _show_order(self) -> None:
        items = [value for _label, value in self.control.options]
        rows = "".join(f"<li>{esc(self.labels[i])}</li>" for i in items)
        self.order_view.value = f'<ol aria-label="Your current order">{rows}</ol>'

    def _lock(self, locked: bool) -> None:
        for widget in self.inputs:
            widget.disabled = locked
        self.check_button.disabled = locked
        self.retry_button.disabled = not locked

    # -- actions (each calls pure functions, then the store)
    def check(self) -> dict[str, Any] | None:
        """Check the current response, save it, show feedback. Returns the result or None."""
        try:
            result = check_answer(self.question, self.response())
        except AnswerError as exc:
            self.feedback.value = f'<p role="status" aria-live="polite">{esc(exc)}</p>'
            return None
        self.result = result
        self.feedback.value = feedback_html(self.question, result)
        self._lock(True)
        record = make_record(result, self.question, self.learner())
        try:
            self.store.append(record)
        except StoreError as exc:
            self.saved.value = (
                f'<p class="p63-warn" role="alert">Your answer could not be saved: {esc(exc)}</p>'
            )
        else:
            self.saved.value = (
                f'<p class="p63-saved">Saved {esc(readable(record["saved_at"]))} '
                f"in <code>{esc(describe_folder(self.store.folder))}</code>.</p>"
            )
            if self.on_save is not None:
                self.on_save(record)
        return result

    def hint(self) -> None:
        """Reveal the next hint."""
        hints = list(self.question.get("hints") or [])
        self.hints_shown = min(self.hints_shown + 1, len(hints))
        self.hints.value = hint_html(hints, self.hints_shown)
        if self.hints_shown >= len(hints):
            self.hint_button.disabled = True
            self.hint_button.description = "No more hints"

    def try_again(self) -> None:
        """Clear the feedback and let the learner change the answer."""
        self.result = None
        self.feedback.value = ""
        self.saved.value = ""
        self._lock(False)

    def restore(self, record: Mapping[str, Any]) -> None:
        """Show a saved answer as it was checked."""
        try:
            result = check_answer(self.question, record.get("response"))
        except AnswerError:
            self.saved.value = (
                '<p class="p63-saved">A saved answer no longer fits this question; '
                "please answer again.</p>"
            )
            return
        self._set_response(result["response"])
        self.result = result
        self.feedback.value = feedback_html(self.question, result)
        self._lock(True)
        self.saved.value = (
            f'<p class="p63-saved">Restored your answer saved {esc(readable(record.get("saved_at", "")))}.'
            "</p>"
        )


def _bank(bank: QuestionBank | None) -> QuestionBank:
    return load_bank() if bank is None else bank


def _load(store: AnswerStore) -> tuple[LoadReport, str]:
    """Load saved answers; a problem with the folder becomes a message, not a traceback."""
    try:
        report = store.load()
    except StoreError as exc:
        return LoadReport(), f'<p class="p63-warn" role="alert">{esc(exc)}</p>'
    msg = report.message()
    return report, (f'<p class="p63-warn" role="alert">{esc(msg)}</p>' if msg else "")


def question(
    qid: str,
    folder: str | Path | None = None,
    learner: str = "",
    bank: QuestionBank | None = None,
    env: Mapping[str, str] | None = None,
) -> w.VBox:
    """Build one question with instant feedback, hints, try again and a saved answer.

    Parameters
    ----------
    qid : str
        A question id such as ``"L01-01"``.
    folder : str or Path, optional
        Where answers are saved; see :func:`course_lib.store.default_folder`.
    learner : str
        The learner's name, stored with the answer.
    bank : QuestionBank, optional
        Defaults to the course's bank.
    env : mapping, optional
        Environment variables (to detect Binder); defaults to ``os.environ``.

    Returns
    -------
    ipywidgets.VBox
        With ``.view`` (a :class:`QuestionView`).

    Raises
    ------
    ValueError
        If ``qid`` is not a question of the bank.
    """
    bank = _bank(bank)
    if not isinstance(qid, str) or qid not in bank:
        raise ValueError(
            f"There is no question {str(qid)[:40]!r}. Ids look like 'L01-01'; "
            f"this bank has {len(bank)} questions."
        )
    store = AnswerStore(folder)
    report, problem = _load(store)
    name = clean_input(learner, MAX_INPUT)
    kit = Kit()
    view = QuestionView(
        bank.get(qid), store, report.answers.get(qid), learner=lambda: name, kit=kit
    )
    extra: list[Any] = [kit.html(_STYLE)]
    if problem:
        extra.append(kit.html(problem))
    if on_binder(env):
        link = kit.html()

        def refresh(_record: dict[str, Any] | None = None) -> None:
            records = store.load().records if _record is not None else report.records
            html = portfolio_html(records, bank, name)
            link.value = (
                "<p>"
                + download_link_html(
                    html, _portfolio_name(name), "text/html", "Download your portfolio (HTML)"
                )
                + "</p>"
            )

        refresh()
        view.on_save = refresh
        extra += [kit.html(binder_notice_html()), link]
    box = view.box
    box.children = tuple(extra) + tuple(box.children)
    return box


# ----------------------------------------------------------------------------- a set


class QuestionSetView:
    """Wiring for a set of questions. Build it with :func:`question_set`."""

    def __init__(
        self,
        bank: QuestionBank,
        lesson: int | None,
        store: AnswerStore,
        learner: str,
        binder: bool,
    ) -> None:
        self.bank = bank
        self.lesson = lesson
        self.store = store
        self.binder = binder
        self.questions = bank.for_lesson(lesson)
        report, problem = _load(store)
        self.records: list[dict[str, Any]] = list(report.records)
        self.answered = {q["id"] for q in self.questions if q["id"] in report.answers}
        saved_name = next(
            (r.get("learner") for r in reversed(self.records) if r.get("learner")), ""
        )
        kit = Kit()
        self.name = name_box(store.folder, kit, initial=clean_input(learner or saved_name))
        title = "All questions" if lesson is None else f"Lesson {lesson:02d} questions"
        self.title = kit.html(f"<h3>{esc(title)}</h3>" + _folder_html(store))
        self.progress = kit.html()
        self.notice = kit.html(problem)
        self.binder_link = kit.html()
        self.csv_button = kit.make(
            w.Button,
            description="Save a copy of the answers (CSV) in my answers folder",
            icon="save",
            tooltip="Export your answers as CSV",
        )
        self.html_button = kit.make(
            w.Button,
            description="Save a copy of the portfolio (HTML) in my answers folder",
            icon="save",
            tooltip="Export a readable portfolio to hand in",
        )
        self.downloads = kit.html()
        self.handin = HandinPanel(store.folder, bank, lesson, kit, learner=self.learner, delay=2.0)
        self.csv_button.on_click(lambda _b: self.export_csv())
        self.html_button.on_click(lambda _b: self.export_html())
        self.views = [
            QuestionView(
                q,
                store,
                report.answers.get(q["id"]),
                learner=self.learner,
                on_save=self._saved,
                kit=kit,
            )
            for q in self.questions
        ]
        top: list[Any] = [kit.html(_STYLE), self.title]
        if binder:
            top += [kit.html(binder_notice_html()), self.binder_link]
        top += [self.notice, self.name, self.progress]
        bottom = [
            self.handin.html,
            kit.make(w.HBox, children=[self.csv_button, self.html_button]),
            self.downloads,
        ]
        self.box = kit.make(w.VBox, children=top + [v.box for v in self.views] + bottom)
        self.box.add_class("p63-qset")
        self.box.view = self  # type: ignore[attr-defined]
        self._update()

    def learner(self) -> str:
        return clean_input(self.name.value, MAX_INPUT)

    def _saved(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.answered.add(record["qid"])
        self._update()

    def _update(self) -> None:
        self.progress.value = (
            f'<p role="status" aria-live="polite"><strong>'
            f"{esc(progress_text(len(self.answered), len(self.questions)))}</strong></p>"
        )
        self.handin.answers_saved(self.records)
        if self.binder:
            html = portfolio_html(self.records, self.bank, self.learner(), lesson=self.lesson)
            self.binder_link.value = (
                "<p>"
                + download_link_html(
                    html,
                    _portfolio_name(self.learner(), self.lesson),
                    "text/html",
                    "Download your portfolio (HTML) now",
                )
                + "</p>"
            )

    def export_csv(self) -> Path | None:
        """Write the CSV next to the answers and offer it for download."""
        try:
            path = self.store.export_csv(self.bank, learner=self.learner(), lesson=self.lesson)
        except StoreError as exc:
            self.downloads.value = f'<p class="p63-warn" role="alert">{esc(exc)}</p>'
            return None
        text = path.read_text(encoding="utf-8")
        self.downloads.value = (
            "<p>"
            + download_link_html(text, path.name, "text/csv", f"Save {path.name}")
            + f" (also written to <code>{esc(path)}</code>)</p>"
        )
        return path

    def export_html(self) -> Path | None:
        """Write the portfolio next to the answers and offer it for download."""
        try:
            path = self.store.export_html(self.bank, learner=self.learner(), lesson=self.lesson)
        except StoreError as exc:
            self.downloads.value = f'<p class="p63-warn" role="alert">{esc(exc)}</p>'
            return None
        text = path.read_text(encoding="utf-8")
        self.downloads.value = (
            "<p>"
            + download_link_html(text, path.name, "text/html", "Save your portfolio")
            + f" (also written to <code>{esc(path)}</code>)</p>"
        )
        return path

    def csv_text(self) -> str:
        """The CSV the export would write (pure given the records)."""
        return records_to_csv(self.records, self.bank, self.learner())


def question_set(
    lesson: int | None = None,
    folder: str | Path | None = None,
    learner: str = "",
    bank: QuestionBank | None = None,
    env: Mapping[str, str] | None = None,
) -> w.VBox:
    """Build every question of a lesson, or of the course, with progress and export buttons.

    Parameters
    ----------
    lesson : int, optional
        1-5; ``None`` for every question.
    folder : str or Path, optional
        Where answers are saved; see :func:`course_lib.store.default_folder`.
    learner : str
        Pre-fills the name box (otherwise the last saved name is used).
    bank : QuestionBank, optional
    env : mapping, optional
        Environment variables (to detect Binder); defaults to ``os.environ``.

    Returns
    -------
    ipywidgets.VBox
        With ``.view`` (a :class:`QuestionSetView`).

    Raises
    ------
    ValueError
        If ``lesson`` has no questions.
    """
    bank = _bank(bank)
    bank.for_lesson(lesson)  # validates the argument with a clear message
    return QuestionSetView(bank, lesson, AnswerStore(folder), learner, on_binder(env)).box
