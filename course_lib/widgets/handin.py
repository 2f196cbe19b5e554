"""The hand-in, shared by every widget of a notebook: the learner's name and the download links.

- :func:`name_box` is the one "Your name" box: filled from the learner's profile
  (:mod:`course_lib.profile`), it saves what is typed there once for every lesson and the
  capstone, and every other name box on the same answers folder shows the change.
- :class:`HandinPanel` shows one-click download links (:func:`course_lib.downloads.handin_panel`)
  for this lesson's portfolio, the course portfolio (with the capstone essay) and the answers as
  CSV. It re-renders when an answer is saved (:meth:`HandinPanel.refresh`), and, at most every
  few seconds, when the capstone draft or the name changes in another widget
  (:func:`notify`), so the course portfolio always carries the essay as it is.

Wiring only: the HTML comes from pure functions.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from course_lib.debounce import Debouncer, Handle
from course_lib.templating import status_html

__all__ = ["HandinPanel", "name_box", "notify"]

_LISTENERS: dict[str, weakref.WeakSet[Any]] = {}


def _key(folder: str | Path) -> str:
    return str(Path(folder).expanduser().absolute())


def _listen(folder: str | Path, listener: Any) -> None:
    _LISTENERS.setdefault(_key(folder), weakref.WeakSet()).add(listener)


def notify(folder: str | Path, what: str, source: object = None) -> None:
    """Tell every hand-in widget on ``folder`` that something changed.

    Parameters
    ----------
    folder : str or Path
        The answers folder.
    what : {"name", "draft", "answers"}
    source : object, optional
        The widget that made the change (it is not told).
    """
    for listener in list(_LISTENERS.get(_key(folder), ())):
        if listener is not source:
            listener.changed(what)


class _NameBox:
    """Keeps one Text box in step with the profile's name."""

    def __init__(self, box: w.Text, folder: Path) -> None:
        self.box = box
        self.folder = folder
        self.syncing = False
        box.observe(self._typed, names="value")
        _listen(folder, self)

    def _typed(self, change: dict[str, Any]) -> None:
        if self.syncing:
            return
        from course_lib.profile import set_learner_name

        try:
            set_learner_name(change["new"] if isinstance(change["new"], str) else "", self.folder)
        except OSError:
            return  # the widget that owns the box reports problems with the folder
        notify(self.folder, "name", self)

    def changed(self, what: str) -> None:
        if what != "name":
            return
        from course_lib.profile import load_profile

        try:
            name = load_profile(self.folder).name
        except OSError:
            return
        if name != self.box.value:
            self.syncing = True
            try:
                self.box.value = name
            finally:
                self.syncing = False


def name_box(folder: str | Path, kit: Any = None, initial: str = "", **kwargs: Any) -> w.Text:
    """The learner's name, typed once for the whole course.

    Parameters
    ----------
    folder : str or Path
        The answers folder (where the profile is).
    kit : Kit, optional
        Shares layouts and styles (:class:`course_lib.widgets._common.Kit`).
    initial : str
        Used, and saved to the profile, when the profile has no name yet (an older notebook's
        name, a ``learner=`` argument).
    **kwargs
        More traits for the ``Text`` (``description``...).

    Returns
    -------
    ipywidgets.Text
        Saving to the profile on every change (it sends changes on Enter or when it loses
        focus).
    """
    from course_lib.profile import clean_name, load_profile, set_learner_name

    folder = Path(folder)
    try:
        name = load_profile(folder).name
        if not name and clean_name(initial):
            name = set_learner_name(initial, folder).name
    except OSError:
        name = clean_name(initial)
    traits: dict[str, Any] = {
        "description": "Your name:",
        "placeholder": "Typed once, used in every file you hand in",
        "continuous_update": False,
        **kwargs,
    }
    if kit is not None:
        box = kit.make(w.Text, value=name, style={"description_width": "initial"}, **traits)
    else:
        box = w.Text(value=name, style={"description_width": "initial"}, **traits)
    box._p63_name = _NameBox(box, folder)  # lives with the box
    return box


class HandinPanel:
    """One-click downloads of what a learner hands in (see the module docstring).

    Parameters
    ----------
    folder : str or Path
        The answers folder.
    bank : QuestionBank, optional
        Defaults to the course's bank.
    lesson : int, optional
        ``None`` for the course portfolio and CSV only.
    kit : Kit, optional
    learner : callable, optional
        Returns the learner's name (default: the profile's).
    turns : DataFrame, optional
        To flag essay evidence that is not word for word in its turn.
    delay : float
        At most how often (seconds) changes made elsewhere re-render the links.
    schedule, clock
        For :class:`course_lib.debounce.Debouncer` (tests).

    Attributes
    ----------
    html : ipywidgets.HTML
        The links.
    """

    def __init__(
        self,
        folder: str | Path,
        bank: Any = None,
        lesson: int | None = None,
        kit: Any = None,
        learner: Callable[[], str] | None = None,
        turns: Any = None,
        delay: float = 5.0,
        schedule: Callable[[float, Callable[[], None]], Handle] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from course_lib import debounce

        if bank is None:
            from course_lib.questions import load_bank

            bank = load_bank()
        self.folder = Path(folder)
        self.bank = bank
        self.lesson = lesson
        self.learner = learner
        self.turns = turns
        self.html = kit.html() if kit is not None else w.HTML()
        self.html.add_class("p63")
        self.records: list[dict[str, Any]] | None = None
        self.debouncer = Debouncer(
            self.render, delay, clock=clock, schedule=schedule or debounce.default_schedule
        )
        _listen(self.folder, self)

    def changed(self, what: str) -> None:
        """Another widget changed the draft, the name or the answers: re-render soon."""
        if what == "answers":
            self.records = None
        self.debouncer.touch()

    def answers_saved(self, records: Iterable[Mapping[str, Any]]) -> None:
        """An answer was saved here: re-render with these records (at once, or soon).

        Parameters
        ----------
        records : iterable of dict
            Every saved answer.
        """
        self.records = [dict(r) for r in records]
        self.debouncer.touch()
        notify(self.folder, "answers", self)

    def refresh(self, records: Iterable[Mapping[str, Any]] | None = None) -> None:
        """Re-render now (after an answer was saved here).

        Parameters
        ----------
        records : iterable of dict, optional
            Every saved answer; read from the store if not given.
        """
        if records is not None:
            self.records = [dict(r) for r in records]
        self.debouncer.pending = True
        self.debouncer.flush()

    def render(self) -> None:
        """Build the links from the answers, the profile and the draft on disk."""
        from course_lib.capstone_draft import read_draft
        from course_lib.downloads import handin_panel
        from course_lib.profile import load_profile
        from course_lib.store import AnswerStore, StoreError, describe_folder

        try:
            if self.records is None:
                self.records = AnswerStore(self.folder).load().records
            profile = load_profile(self.folder)
            draft = read_draft(self.folder, self.turns) if self.lesson in (None, 5) else None
        except (OSError, StoreError) as exc:
            self.html.value = status_html(f"The download links cannot be made: {exc}")
            return
        name = self.learner() if self.learner is not None else profile.name
        note = (
            f"Each link downloads the file at once. Your answers are saved as you go in "
            f"{describe_folder(self.folder)}; open that folder from JupyterLab's file browser."
        )
        self.html.value = handin_panel(
            self.records,
            self.bank,
            learner=name or profile.name,
            learner_id=profile.learner_id,
            lesson=self.lesson,
            capstone=draft.state if draft is not None else None,
            note=note,
        )
