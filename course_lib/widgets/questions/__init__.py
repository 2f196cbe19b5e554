"""Question widgets: options in a per-learner order, feedback that teaches before it reveals,
hints one at a time, saved answers, progress and export.

``question(qid)`` builds one question; ``question_set(lesson)`` builds every question of a
lesson (or of the whole course) with a progress line and download buttons. Both return an
ipywidgets container and never call ``display()``. Every callback calls a pure function
(:func:`course_lib.questions.check_answer`, :class:`course_lib.questions.Attempts`,
:func:`feedback_html`, :func:`course_lib.store.portfolio_html`...); the store does the I/O.

The container carries its view object as ``.view`` so tests (and curious learners) can reach the
controls: ``box.view.control``, ``box.view.check_button`` and so on.

- :mod:`.parts` -- the HTML, from templates;
- :mod:`.controls` -- one control class per kind of answer (radio, checkboxes, order, text);
- :mod:`.view` -- one question's wiring.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from course_lib.profile import load_profile
from course_lib.questions import QuestionBank, load_bank, option_label, option_order
from course_lib.store import (
    AnswerStore,
    LoadReport,
    StoreError,
    on_binder,
    portfolio_html,
    records_to_csv,
)
from course_lib.templating import style_tag
from course_lib.widgets._common import MAX_INPUT, Kit, clean_input
from course_lib.widgets._mirror import BrowserMirror
from course_lib.widgets.handin import HandinPanel, name_box
from course_lib.widgets.questions.parts import (
    binder_notice_html,
    download_link_html,
    download_offer_html,
    feedback_html,
    hint_html,
    portfolio_name,
    progress_html,
    progress_text,
    set_title_html,
    warn_html,
)
from course_lib.widgets.questions.view import QuestionView

__all__ = [
    "QuestionSetView",
    "QuestionView",
    "binder_notice_html",
    "download_link_html",
    "feedback_html",
    "hint_html",
    "learner_key",
    "option_label",
    "option_order",
    "progress_text",
    "question",
    "question_set",
]


def learner_key(folder: str | Path) -> str:
    """The stable key that seeds a learner's option order: the profile's learner id.

    Parameters
    ----------
    folder : str or Path
        The answers folder.

    Returns
    -------
    str
        ``load_profile(folder).learner_id``; if the folder cannot hold a profile (it cannot be
        written either, and the widget says so when an answer is saved), a key derived from the
        folder's path, which is still the same on every reload.
    """
    try:
        return load_profile(folder).learner_id
    except OSError:
        return "folder-" + hashlib.sha256(str(folder).encode()).hexdigest()[:32]


def _bank(bank: QuestionBank | None) -> QuestionBank:
    return load_bank() if bank is None else bank


def _load(store: AnswerStore) -> tuple[LoadReport, str]:
    """Load saved answers; a problem with the folder becomes a message, not a traceback."""
    try:
        report = store.load()
    except StoreError as exc:
        return LoadReport(), warn_html(exc)
    msg = report.message()
    return report, (warn_html(msg) if msg else "")


def _binder_link(records: list[dict[str, Any]], bank: QuestionBank, name: str, **kw: Any) -> str:
    html = portfolio_html(records, bank, name, **kw)
    label = "Download your portfolio (HTML) now" if "lesson" in kw else "Download your portfolio"
    return download_link_html(html, portfolio_name(name, kw.get("lesson")), "text/html", label)


def question(
    qid: str,
    folder: str | Path | None = None,
    learner: str = "",
    bank: QuestionBank | None = None,
    env: Mapping[str, str] | None = None,
) -> w.VBox:
    """Build one question with feedback, hints, "Show the answer" and a saved answer.

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
    if qid not in bank:  # None, a number, a list ... are not in it either
        raise ValueError(
            f"There is no question {str(qid)[:40]!r}. Ids look like 'L01-01'; "
            f"this bank has {len(bank)} questions."
        )
    store = AnswerStore(folder)
    report, problem = _load(store)
    name = clean_input(learner, MAX_INPUT)
    kit = Kit()
    view = QuestionView(
        bank.get(qid),
        store,
        report.answers.get(qid),
        learner=lambda: name,
        kit=kit,
        learner_key=learner_key(store.folder),
    )
    mirror = BrowserMirror(store.folder, kit=kit)  # keeps a copy of each answer in the browser
    view.on_save = mirror.saved
    extra: list[Any] = [kit.html(style_tag()), kit.guard(), mirror.panel]
    if problem:
        extra.append(kit.html(problem))
    if on_binder(env):
        link = kit.html(_binder_link(report.records, bank, name))

        def refresh(_record: dict[str, Any]) -> None:
            mirror.saved()
            link.value = _binder_link(store.load().records, bank, name)

        view.on_save = refresh
        extra += [kit.html(binder_notice_html()), link]
    box = view.box
    box.children = tuple(extra) + tuple(box.children)
    box.add_class("p63")
    return box


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
        kit = Kit()
        self._make_header(kit, learner, problem)
        key = learner_key(store.folder)
        self.views = [
            QuestionView(
                q,
                store,
                report.answers.get(q["id"]),
                learner=self.learner,
                on_save=self._saved,
                kit=kit,
                learner_key=key,
            )
            for q in self.questions
        ]
        top: list[Any] = [kit.html(style_tag()), kit.guard(), self.title]
        top.append(BrowserMirror(store.folder, kit=kit).panel)  # answers copied in the browser
        if binder:
            top += [kit.html(binder_notice_html()), self.binder_link]
        top += [self.notice, self.name, self.progress]
        bottom = [
            self.handin.html,
            kit.make(w.HBox, children=[self.csv_button, self.html_button]),
            self.downloads,
        ]
        self.box = kit.make(w.VBox, children=top + [v.box for v in self.views] + bottom)
        self.box.add_class("p63")
        self.box.add_class("p63-qset")
        self.box.view = self
        self._update()

    def _make_header(self, kit: Kit, learner: str, problem: str) -> None:
        saved_name = next(
            (r.get("learner") for r in reversed(self.records) if r.get("learner")), ""
        )
        self.name = name_box(self.store.folder, kit, initial=clean_input(learner or saved_name))
        title = "All questions" if self.lesson is None else f"Lesson {self.lesson:02d} questions"
        self.title = kit.html(set_title_html(title, self.store.folder))
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
        self.handin = HandinPanel(
            self.store.folder, self.bank, self.lesson, kit, learner=self.learner, delay=2.0
        )
        self.csv_button.on_click(lambda _b: self.export_csv())
        self.html_button.on_click(lambda _b: self.export_html())

    def learner(self) -> str:
        """The name in the name box, cleaned."""
        return clean_input(self.name.value, MAX_INPUT)

    def _saved(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.answered.add(record["qid"])
        self._update()

    def _update(self) -> None:
        self.progress.value = progress_html(len(self.answered), len(self.questions))
        self.handin.answers_saved(self.records)
        if self.binder:
            self.binder_link.value = _binder_link(
                self.records, self.bank, self.learner(), lesson=self.lesson
            )

    def _offer(self, path: Path, filename: str, mime: str, label: str) -> None:
        text = path.read_text(encoding="utf-8")
        self.downloads.value = download_offer_html(text, filename, mime, label, path)

    def export_csv(self) -> Path | None:
        """Write the CSV next to the answers and offer it for download."""
        try:
            path = self.store.export_csv(self.bank, learner=self.learner(), lesson=self.lesson)
        except StoreError as exc:
            self.downloads.value = warn_html(exc)
            return None
        self._offer(path, path.name, "text/csv", f"Save {path.name}")
        return path

    def export_html(self) -> Path | None:
        """Write the portfolio next to the answers and offer it for download."""
        try:
            path = self.store.export_html(self.bank, learner=self.learner(), lesson=self.lesson)
        except StoreError as exc:
            self.downloads.value = warn_html(exc)
            return None
        self._offer(path, path.name, "text/html", "Save your portfolio")
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
