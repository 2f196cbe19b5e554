"""Feedback that teaches before it reveals: attempts, hints, and when the explanation is due.

A learner's work on one question is an :class:`Attempts` value, changed only by pure steps
(:meth:`~Attempts.checked`, :meth:`~Attempts.hint`, :meth:`~Attempts.reveal`). What the feedback
shows follows from it (:func:`feedback_view`):

- a wrong answer gets what is wrong with the choice made -- each chosen option's own feedback
  -- and never names an option the learner did not choose;
- hints come on request, one at a time, in the bank's order (from method to nudge);
- the explanation, the sources and the right answer appear only once the learner is right, or
  after :data:`MAX_TRIES` checked answers, or on an explicit "Show the answer";
- ``attempts``, ``hints_used``, ``revealed`` and ``first_try_correct`` go into the saved record
  (:meth:`~Attempts.record_fields`) and come back from it (:meth:`~Attempts.from_record`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from course_lib.questions.registry import question_type

__all__ = ["MAX_TRIES", "Attempts", "feedback_view", "hint_label"]

#: Checked answers after which the explanation is shown even if none was right.
MAX_TRIES = 3


def _count(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return default
    return value


@dataclass(frozen=True)
class Attempts:
    """What a learner has done on one question.

    Attributes
    ----------
    attempts : int
        Answers checked so far.
    hints_used : int
        Hints shown so far.
    revealed : bool
        The learner asked to see the answer.
    solved : bool
        A checked answer was right (or, for a short answer, was saved).
    first_try_correct : bool or None
        Whether the first checked answer was right; ``None`` before any check and for short
        answers, which are not marked.
    """

    attempts: int = 0
    hints_used: int = 0
    revealed: bool = False
    solved: bool = False
    first_try_correct: bool | None = None

    @property
    def explain(self) -> bool:
        """Whether the explanation (and the right answer) may be shown."""
        return self.solved or self.revealed or self.attempts >= MAX_TRIES

    @property
    def tries_left(self) -> int:
        """Checked answers left before the explanation is shown anyway (0 once it is due)."""
        return 0 if self.explain else MAX_TRIES - self.attempts

    def checked(self, result: Mapping[str, Any]) -> Attempts:
        """The state after one more checked answer.

        Parameters
        ----------
        result : dict
            From :func:`course_lib.questions.check_answer`.

        Returns
        -------
        Attempts
        """
        correct = result.get("correct")
        first = (
            self.first_try_correct
            if self.attempts
            else (None if correct is None else bool(correct))
        )
        return replace(
            self,
            attempts=self.attempts + 1,
            solved=self.solved or correct is not False,
            first_try_correct=first,
        )

    def hint(self, available: int) -> Attempts:
        """The state after asking for the next hint (no change once all ``available`` are shown)."""
        return replace(self, hints_used=min(self.hints_used + 1, max(0, available)))

    def reveal(self) -> Attempts:
        """The state after "Show the answer"."""
        return replace(self, revealed=True)

    def record_fields(self) -> dict[str, Any]:
        """The keys this adds to a saved answer record."""
        return {
            "attempts": self.attempts,
            "hints_used": self.hints_used,
            "revealed": self.revealed,
            "first_try_correct": self.first_try_correct,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Attempts:
        """The state a saved record describes; records saved before these keys existed count as
        one attempt with no hints.

        Parameters
        ----------
        record : dict

        Returns
        -------
        Attempts
        """
        first = record.get("first_try_correct")
        return cls(
            attempts=max(1, _count(record.get("attempts"), 1)),
            hints_used=_count(record.get("hints_used"), 0),
            revealed=record.get("revealed") is True,
            solved=record.get("correct") is not False,
            first_try_correct=first if isinstance(first, bool) else None,
        )


def hint_label(shown: int, total: int) -> str:
    """The hint button's text: ``"Hint (1 of 2)"`` names the hint it will show (pure).

    Parameters
    ----------
    shown : int
        Hints already shown.
    total : int

    Returns
    -------
    str
    """
    if total <= 0:
        return "No hints"
    if shown >= total:
        return "No more hints"
    return f"Hint ({shown + 1} of {total})"


def _next_step(question: Mapping[str, Any], state: Attempts) -> str:
    """What a learner with a wrong answer can do next (only while the explanation is not due)."""
    n = state.tries_left
    hints = len(question.get("hints") or []) > state.hints_used
    tries = "one more try" if n == 1 else f"{n} more tries"
    return (
        "Choose Try again to change your answer"
        + (", or ask for a hint" if hints else "")
        + f". The explanation appears when you get it right, after {tries}, or when you "
        "choose Show the answer."
    )


def _reason(state: Attempts, correct: object) -> str:
    """Why the explanation is shown for an answer that is not right."""
    if correct is not False:
        return ""
    if state.revealed:
        return "You asked to see the answer."
    if state.attempts >= MAX_TRIES:
        return f"After {MAX_TRIES} tries, here is the answer and why."
    return ""


def feedback_view(
    question: Mapping[str, Any], result: Mapping[str, Any], state: Attempts
) -> dict[str, Any]:
    """Everything the feedback shows for one checked answer, as plain data (pure).

    Parameters
    ----------
    question : dict
    result : dict
        From :func:`course_lib.questions.check_answer`.
    state : Attempts
        After this answer was counted.

    Returns
    -------
    dict
        ``tone`` (``"ok"``, ``"no"``, ``"self"``), ``verdict``, ``message``, ``items`` (see
        :meth:`QuestionType.feedback_items`), ``next_step``, ``reason``, ``answer_heading`` and
        ``answer`` (the right answer, only when due and not already given), ``answer_numbered``,
        ``model_answer``,
        ``rubric``, ``explanation`` and ``sources`` (empty until the explanation is due).
    """
    handler = question_type(question)
    correct = result.get("correct")
    explain = state.explain or correct is not False
    tone = "self" if correct is None else ("ok" if correct else "no")
    give_answer = explain and correct is False
    return {
        "tone": tone,
        "verdict": {"self": "Saved.", "ok": "Correct.", "no": "Not yet."}[tone],
        "message": str(result.get("message", "")),
        "items": handler.feedback_items(question, result, explain),
        "next_step": "" if explain else _next_step(question, state),
        "reason": _reason(state, correct) if explain else "",
        "answer_heading": handler.answer_heading if give_answer else "",
        "answer": handler.answer_labels(question) if give_answer else [],
        "answer_numbered": handler.ordered,
        "model_answer": str(result.get("model_answer") or ""),
        "rubric": [dict(r) for r in result.get("rubric") or []],
        "explanation": str(question.get("explanation", "")) if explain else "",
        "sources": [dict(s) for s in question.get("sources") or []] if explain else [],
    }
