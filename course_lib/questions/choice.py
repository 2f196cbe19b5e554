"""Question types whose answer is a choice of options: single choice, multiple choice, evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from course_lib.questions.registry import AnswerError, QuestionType, score_percent

__all__ = ["Evidence", "MultipleChoice", "SingleChoice", "speaker_of_turn"]


def speaker_of_turn(turn: int) -> str:
    """Liu speaks the odd turns, Kim the even ones (the course's turn numbering)."""
    return "Liu" if turn % 2 else "Kim"


class SingleChoice(QuestionType):
    """One option is the best answer. Response: one option id (or a one-item list)."""

    name = "single_choice"
    control = "radio"
    answer_heading = "The best answer"

    def normalize(self, question: Mapping[str, Any], response: Any) -> str:
        items = self.chosen_ids(question, response)
        if len(items) != 1:
            raise AnswerError("Choose exactly one option." if items else "Choose an option first.")
        return items[0]

    def check(self, question: Mapping[str, Any], value: str) -> dict[str, Any]:
        chosen = self.options_by_id(question)[value]
        right = bool(chosen["correct"])
        return {
            "correct": right,
            "score": 1.0 if right else 0.0,
            "feedback": [self.feedback_entry(chosen)],
            "message": "That is the best answer." if right else "That is not the best answer.",
        }


class MultipleChoice(QuestionType):
    """Every right option must be chosen. Response: a list (or set) of option ids.

    Scores ``(right picks - wrong picks) / number of right options``, floored at 0.
    """

    name = "multiple_choice"
    control = "checkboxes"
    answer_heading = "The right options"
    #: What the options are called in messages.
    noun: ClassVar[str] = "options"

    def normalize(self, question: Mapping[str, Any], response: Any) -> list[str]:
        items = self.chosen_ids(question, response)
        if len(set(items)) != len(items):
            raise AnswerError("An option was chosen twice.")
        order = self.option_ids(question)
        return sorted(items, key=order.index)

    def check(self, question: Mapping[str, Any], value: list[str]) -> dict[str, Any]:
        options = question["options"]
        picked = set(value)
        right = {o["id"] for o in options if o["correct"]}
        hits = len(picked & right)
        wrong = len(picked - right)
        score = round(max(0.0, (hits - wrong) / len(right)), 4)
        return {
            "correct": picked == right,
            "score": score,
            "feedback": [self.feedback_entry(o) for o in options if o["id"] in picked],
            "missed": [o["id"] for o in options if o["correct"] and o["id"] not in picked],
            "message": self.message(hits, wrong, len(right), score),
        }

    def message(self, hits: int, wrong: int, right: int, score: float) -> str:
        """One sentence on a checked choice; it counts, and never names, the right options.

        Parameters
        ----------
        hits : int
            Right options chosen.
        wrong : int
            Wrong options chosen.
        right : int
            Right options in all.
        score : float

        Returns
        -------
        str
        """
        if hits == right and not wrong:
            return f"You chose exactly the right {self.noun}."
        if not hits and not wrong:
            return f"You chose no {self.noun} (score 0%)."
        mistakes = f" and {wrong} wrong {'one' if wrong == 1 else 'ones'}" if wrong else ""
        return (
            f"You chose {hits} of the {right} right {self.noun}{mistakes} "
            f"(score {score_percent(score)}%)."
        )


class Evidence(MultipleChoice):
    """Choose the turns that support (or refute) a claim. Options quote one turn each."""

    name = "evidence"
    noun = "turns"
    answer_heading = "The right turns"

    def problems(self, question: Mapping[str, Any]) -> list[str]:
        return [
            f"option {o['id']} should be named t{o['turn']}"
            for o in question["options"]
            if o["id"] != f"t{o['turn']}"
        ]

    def label(self, question: Mapping[str, Any], option: Mapping[str, Any]) -> str:
        if "turn" not in option:
            return str(option["text"])
        turn = int(option["turn"])
        return f"Turn {turn} ({speaker_of_turn(turn)}): “{option['text']}”"
