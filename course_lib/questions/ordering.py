"""The ordering question: put every item in the right order."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

from course_lib.questions.order import shuffled_unsolved
from course_lib.questions.registry import AnswerError, QuestionType, score_percent

__all__ = ["Ordering"]


class Ordering(QuestionType):
    """Put items in order. Response: the list of every item id, in the learner's order.

    Scores the share of item pairs in the right relative order, so an answer with one item out
    of place scores high; the message says both how many items are in their place and how many
    pairs are in order, with the same score the portfolio shows.
    """

    name = "ordering"
    control = "order"
    answer_heading = "The right order"
    honours_pins = False  # every item moves: a pinned item would give its place away
    ordered = True

    def problems(self, question: Mapping[str, Any]) -> list[str]:
        if sorted(question["correct_order"]) != sorted(self.option_ids(question)):
            return ["correct_order must list every item id exactly once"]
        return []

    def normalize(self, question: Mapping[str, Any], response: Any) -> list[str]:
        items = self.chosen_ids(question, response)
        if sorted(items) != sorted(self.option_ids(question)):
            raise AnswerError("Put every item in order, each exactly once.")
        return items

    def check(self, question: Mapping[str, Any], value: list[str]) -> dict[str, Any]:
        target = list(question["correct_order"])
        rank = {item: i for i, item in enumerate(value)}
        pairs = list(combinations(target, 2))
        good = sum(1 for a, b in pairs if rank[a] < rank[b])
        score = round(good / len(pairs), 4)
        by_id = self.options_by_id(question)
        feedback = [
            {**self.feedback_entry(by_id[item]), "correct": item == target[i], "position": i + 1}
            for i, item in enumerate(value)
        ]
        placed = sum(1 for i, item in enumerate(value) if item == target[i])
        if value == target:
            message = "Every item is in its place."
        else:
            where = "is in its place" if placed == 1 else "are in their place"
            message = (
                f"{placed} of {len(target)} items {where}, and {good} of "
                f"{len(pairs)} pairs of items are in the right order (score "
                f"{score_percent(score)}%)."
            )
        return {
            "correct": value == target,
            "score": score,
            "feedback": feedback,
            "message": message,
        }

    def describe(self, question: Mapping[str, Any], response: Any) -> str:
        by_id = self.options_by_id(question)
        items = [response] if isinstance(response, str) else list(response or [])
        return "\n".join(
            f"{i}. {self.label(question, by_id[item]) if item in by_id else item}"
            for i, item in enumerate(items, 1)
        )

    def display_order(self, question: Mapping[str, Any], learner_key: str) -> list[str]:
        return shuffled_unsolved(question, learner_key)

    def feedback_items(
        self, question: Mapping[str, Any], result: Mapping[str, Any], explain: bool
    ) -> list[dict[str, Any]]:
        """Every item in the learner's order, marked in place or not; the items' own notes
        (which tell where an item belongs) only once the explanation is due."""
        by_id = self.options_by_id(question)
        return [
            {
                "label": self.label(question, by_id[f["option"]]),
                "mark": "right" if f.get("correct") else "wrong",
                "note": f.get("feedback", "") if explain else "",
                "position": f.get("position", 0),
            }
            for f in result.get("feedback") or []
            if f.get("option") in by_id
        ]

    def answer_labels(self, question: Mapping[str, Any]) -> list[str]:
        by_id = self.options_by_id(question)
        return [self.label(question, by_id[i]) for i in question["correct_order"] if i in by_id]
