"""One question's wiring: its control, the buttons, and what each button does.

Every callback calls pure functions (:func:`course_lib.questions.check_answer`,
:class:`course_lib.questions.Attempts`, the HTML helpers in :mod:`.parts`) and then the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from course_lib.questions import (
    AnswerError,
    Attempts,
    check_answer,
    hint_label,
    option_order,
    question_type,
)
from course_lib.store import AnswerStore, StoreError, make_record
from course_lib.templating import status_html
from course_lib.widgets._common import Kit
from course_lib.widgets.questions.controls import Control, make_control
from course_lib.widgets.questions.parts import (
    feedback_html,
    head_html,
    hint_html,
    restored_html,
    saved_html,
    warn_html,
)

__all__ = ["QuestionView"]


class QuestionView:
    """Wiring for one question. Build it with :func:`course_lib.widgets.question`.

    Parameters
    ----------
    q : dict
        The question.
    store : AnswerStore
    record : dict, optional
        The latest saved answer, shown again.
    learner : callable
        Returns the learner's name when an answer is saved.
    on_save : callable, optional
        Called with each saved record.
    kit : Kit, optional
        Shares layouts and styles with the other questions of a set.
    learner_key : str
        The learner's stable id; seeds the order of the options.

    Attributes
    ----------
    control : Control
        The answer control (``control.widget`` is what is shown).
    state : Attempts
        Attempts, hints and whether the answer was shown.
    result : dict or None
        The checked answer on show (``None`` while the learner changes it).
    """

    def __init__(
        self,
        q: Mapping[str, Any],
        store: AnswerStore,
        record: Mapping[str, Any] | None = None,
        learner: Callable[[], str] = lambda: "",
        on_save: Callable[[dict[str, Any]], None] | None = None,
        kit: Kit | None = None,
        learner_key: str = "",
    ) -> None:
        kit = Kit() if kit is None else kit
        self.question = q
        self.store = store
        self.learner = learner
        self.on_save = on_save
        self.handler = question_type(q)
        self.hint_texts = [str(h) for h in q.get("hints") or []]
        self.order = option_order(q, learner_key)
        self.state = Attempts()
        self.result: dict[str, Any] | None = None
        self.last_result: dict[str, Any] | None = None
        self.locked = False
        self.prompt = kit.html(head_html(q))
        self.control: Control = make_control(q, self.order, kit)
        self._make_buttons(kit)
        self.hints = kit.html()
        self.feedback = kit.html()
        self.saved = kit.html()
        buttons = [self.check_button, self.hint_button, self.reveal_button, self.retry_button]
        self.box = kit.make(
            w.VBox,
            children=[
                self.prompt,
                self.control.widget,
                kit.make(w.HBox, children=[b for b in buttons if b is not None]),
                self.hints,
                self.feedback,
                self.saved,
            ],
        )
        self.box.add_class("p63-q")
        self.box.view = self
        self._refresh_buttons()
        if record is not None:
            self.restore(record)

    def _make_buttons(self, kit: Kit) -> None:
        self.check_button = kit.make(
            w.Button,
            description="Check answer",
            button_style="primary",
            tooltip="Check and save your answer",
        )
        self.check_button.on_click(lambda _b: self.check())
        self.hint_button: Any = None
        if self.hint_texts:
            self.hint_button = kit.make(
                w.Button, description=hint_label(0, len(self.hint_texts)), tooltip="Show a hint"
            )
            self.hint_button.on_click(lambda _b: self.hint())
        self.reveal_button: Any = None
        if self.handler.marked:
            self.reveal_button = kit.make(
                w.Button,
                description="Show the answer",
                tooltip="Show the right answer and the explanation (this is recorded)",
            )
            self.reveal_button.on_click(lambda _b: self.reveal())
        self.retry_button = kit.make(
            w.Button, description="Try again", tooltip="Change your answer"
        )
        self.retry_button.on_click(lambda _b: self.try_again())

    # -- state of the controls
    def response(self) -> Any:
        """The learner's current response, in the shape :func:`check_answer` expects."""
        return self.control.value()

    def _refresh_buttons(self) -> None:
        self.check_button.disabled = self.locked
        self.retry_button.disabled = not self.locked
        if self.reveal_button is not None:
            self.reveal_button.disabled = not self.state.attempts or self.state.explain
        if self.hint_button is not None:
            total = len(self.hint_texts)
            self.hint_button.description = hint_label(self.state.hints_used, total)
            self.hint_button.disabled = self.state.hints_used >= total

    def _lock(self, locked: bool) -> None:
        self.locked = locked
        self.control.lock(locked)
        self._refresh_buttons()

    def _show(self, result: dict[str, Any]) -> None:
        self.result = self.last_result = result
        self.feedback.value = feedback_html(self.question, result, self.state)

    # -- actions (each calls pure functions, then the store)
    def check(self) -> dict[str, Any] | None:
        """Check the current response, save it, show feedback. Returns the result or None."""
        try:
            result = check_answer(self.question, self.response())
        except AnswerError as exc:
            self.feedback.value = status_html(str(exc))
            return None
        self.state = self.state.checked(result)
        self._show(result)
        self._lock(True)
        self._save(result)
        return result

    def hint(self) -> None:
        """Show the next hint (one at a time)."""
        self.state = self.state.hint(len(self.hint_texts))
        self.hints.value = hint_html(self.hint_texts, self.state.hints_used)
        if self.result is not None:  # the next step no longer offers a hint when none is left
            self._show(self.result)
        self._refresh_buttons()

    def reveal(self) -> None:
        """Show the right answer and the explanation for the last checked answer; save that."""
        if self.last_result is None or self.state.explain:
            return
        self.state = self.state.reveal()
        self.control.set(self.last_result["response"])
        self._show(self.last_result)
        self._lock(True)
        self._save(self.last_result)

    def try_again(self) -> None:
        """Clear the feedback and let the learner change the answer."""
        self.result = None
        self.feedback.value = ""
        self.saved.value = ""
        self._lock(False)

    def _save(self, result: Mapping[str, Any]) -> None:
        record = {
            **make_record(result, self.question, self.learner()),
            **self.state.record_fields(),
        }
        try:
            self.store.append(record)
        except StoreError as exc:
            self.saved.value = warn_html(exc, "Your answer could not be saved:")
            return
        self.saved.value = saved_html(record["saved_at"], self.store.folder)
        if self.on_save is not None:
            self.on_save(record)

    def restore(self, record: Mapping[str, Any]) -> None:
        """Show a saved answer as it was checked, with the attempts and hints it records."""
        try:
            result = check_answer(self.question, record.get("response"))
        except AnswerError:
            self.saved.value = warn_html(
                "A saved answer no longer fits this question; please answer again."
            )
            return
        self.state = Attempts.from_record(record)
        self.control.set(result["response"])
        self._show(result)
        self.hints.value = hint_html(self.hint_texts, self.state.hints_used)
        self._lock(True)
        self.saved.value = restored_html(record.get("saved_at", ""))
