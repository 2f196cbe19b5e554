"""The short answer: written text, self-assessed against a model answer and a rubric."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course_lib.questions.registry import AnswerError, QuestionType

__all__ = ["MAX_ANSWER_CHARS", "ShortAnswer"]

#: The longest short answer accepted (characters); longer text is refused with a clear message.
MAX_ANSWER_CHARS = 10_000


class ShortAnswer(QuestionType):
    """Free text. Response: the learner's text. Not marked: ``correct`` and ``score`` are None."""

    name = "short_answer"
    control = "text"
    answer_heading = "Model answer"
    marked = False

    def normalize(self, question: Mapping[str, Any], response: Any) -> str:
        if not isinstance(response, str):
            raise AnswerError("Please type your answer as text.")
        text = response.strip()
        if not text:
            raise AnswerError("Your answer is empty. Write a few sentences first.")
        if len(text) > MAX_ANSWER_CHARS:
            raise AnswerError(
                f"Your answer is {len(text):,} characters long; the limit is {MAX_ANSWER_CHARS:,}. "
                "Please shorten it."
            )
        return text

    def check(self, question: Mapping[str, Any], value: str) -> dict[str, Any]:
        return {
            "model_answer": question["model_answer"],
            "rubric": [dict(r) for r in question["rubric"]],
            "message": "Compare your answer with the model answer and the rubric below.",
        }

    def describe(self, question: Mapping[str, Any], response: Any) -> str:
        return "" if response is None else str(response)

    def display_order(self, question: Mapping[str, Any], learner_key: str) -> list[str]:
        return []

    def feedback_items(
        self, question: Mapping[str, Any], result: Mapping[str, Any], explain: bool
    ) -> list[dict[str, Any]]:
        return []

    def answer_labels(self, question: Mapping[str, Any]) -> list[str]:
        return []  # the model answer is shown in its own place
