"""One registry entry per question type, and the functions that dispatch to it.

A question type is one subclass of :class:`QuestionType` with a ``name`` (the bank's ``type``);
defining the class registers it. The class holds everything that differs between types:

- :meth:`~QuestionType.normalize` -- a raw response to its canonical, saved form;
- :meth:`~QuestionType.check` -- correct, score, per-option feedback and a one-line message;
- :meth:`~QuestionType.label` and :meth:`~QuestionType.describe` -- options and responses as text
  (the widget, the feedback, the CSV and the portfolio all use these);
- :meth:`~QuestionType.display_order` -- the order a learner sees the options in;
- :meth:`~QuestionType.feedback_items` and :meth:`~QuestionType.answer_labels` -- what the
  feedback shows before and after the explanation is due;
- :meth:`~QuestionType.problems` -- the type's consistency rules the bank's schema cannot express;
- :attr:`~QuestionType.control` -- the kind of control the widget builds (``"radio"``,
  ``"checkboxes"``, ``"order"``, ``"text"``; see :mod:`course_lib.widgets.questions.controls`),
  and :attr:`~QuestionType.marked` (whether "Show the answer" applies).

The widget layer names a control kind rather than being imported here, so this package never
imports ipywidgets; a type that reuses a control kind is one class, and a type that needs a new
kind of control adds one :class:`~course_lib.widgets.questions.controls.Control` subclass too.

Everything here is pure: a question is a ``dict`` from the bank, nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from course_lib.questions.order import shuffled_options

__all__ = [
    "REGISTRY",
    "AnswerError",
    "QuestionType",
    "check_answer",
    "describe_response",
    "normalize_response",
    "option_label",
    "option_order",
    "question_type",
    "score_percent",
]


class AnswerError(ValueError):
    """A response that cannot be checked (unknown option, wrong shape, empty text...)."""


#: Question type name (the bank's ``type``) to its handler, in the order the classes were defined.
REGISTRY: dict[str, QuestionType] = {}


def score_percent(score: float) -> int:
    """A score from 0 to 1 as the whole percentage every view shows (pure).

    The feedback, the CSV and the portfolio all round the same way, so they never disagree.

    Parameters
    ----------
    score : float

    Returns
    -------
    int
    """
    return round(100 * float(score))


class QuestionType:
    """Base class of the question types; a subclass with a ``name`` registers itself.

    Subclasses override what differs. The defaults suit a question whose options are chosen
    (single or multiple choice).
    """

    #: The bank's ``type`` value.
    name: ClassVar[str] = ""
    #: The kind of control the widget builds for this type.
    control: ClassVar[str] = "radio"
    #: Heading of the right answer, shown once the explanation is due.
    answer_heading: ClassVar[str] = "The answer"
    #: Whether the order of a response matters (the right answer is then shown numbered).
    ordered: ClassVar[bool] = False
    #: Whether answers are marked right or wrong (a short answer is self-assessed).
    marked: ClassVar[bool] = True
    #: Whether an option marked ``"pin": true`` keeps its bank position when options are shuffled.
    honours_pins: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            if cls.name in REGISTRY:
                raise TypeError(f"question type {cls.name!r} is registered twice")
            REGISTRY[cls.name] = cls()

    def __repr__(self) -> str:
        return f"<question type {self.name}>"

    # ---------------------------------------------------------------- shared helpers
    @staticmethod
    def option_ids(question: Mapping[str, Any]) -> list[str]:
        """The question's option ids in bank order."""
        return [o["id"] for o in question.get("options", [])]

    @staticmethod
    def options_by_id(question: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
        """The question's options keyed by id."""
        return {o["id"]: o for o in question.get("options", [])}

    @classmethod
    def chosen_ids(cls, question: Mapping[str, Any], response: Any) -> list[str]:
        """A raw response as a list of this question's option ids, or a clear error.

        Parameters
        ----------
        question : dict
        response : object
            ``None``, an option id, or an iterable of option ids.

        Returns
        -------
        list of str

        Raises
        ------
        AnswerError
        """
        items: list[object]
        if isinstance(response, str) or response is None:
            items = [] if response is None or response == "" else [response]
        elif isinstance(response, Iterable) and not isinstance(response, Mapping | bytes):
            items = list(response)
        else:
            raise AnswerError(f"Cannot read this answer ({type(response).__name__}).")
        valid = set(cls.option_ids(question))
        chosen: list[str] = []
        for item in items:
            if not isinstance(item, str) or item not in valid:
                raise AnswerError(f"{str(item)[:40]!r} is not one of this question's options.")
            chosen.append(item)
        return chosen

    @staticmethod
    def feedback_entry(option: Mapping[str, Any], *, chosen: bool = True) -> dict[str, Any]:
        """One option's entry in a result's ``feedback`` list."""
        return {
            "option": option["id"],
            "text": option["text"],
            "turn": option.get("turn"),
            "chosen": chosen,
            "correct": bool(option.get("correct", False)),
            "feedback": option["feedback"],
        }

    # ---------------------------------------------------------------- what a type defines
    def problems(self, question: Mapping[str, Any]) -> list[str]:
        """Consistency rules of this type that the bank's schema cannot express.

        Parameters
        ----------
        question : dict
            Already valid against the schema.

        Returns
        -------
        list of str
            One message per problem (the caller names the question).
        """
        return []

    def normalize(self, question: Mapping[str, Any], response: Any) -> Any:
        """The canonical form of a response (see :func:`normalize_response`)."""
        raise NotImplementedError

    def check(self, question: Mapping[str, Any], value: Any) -> dict[str, Any]:
        """Judge a canonical response.

        Returns
        -------
        dict
            ``correct``, ``score``, ``feedback``, ``missed`` and ``message`` (any subset; the
            rest keep :func:`check_answer`'s defaults).
        """
        raise NotImplementedError

    def label(self, question: Mapping[str, Any], option: Mapping[str, Any]) -> str:
        """Plain text for one option, as the learner sees it."""
        return str(option["text"])

    def describe(self, question: Mapping[str, Any], response: Any) -> str:
        """A saved response as readable text (exports and portfolios)."""
        items = [response] if isinstance(response, str) else list(response or [])
        by_id = self.options_by_id(question)
        labels = [self.label(question, by_id[i]) if i in by_id else str(i) for i in items]
        if not labels:
            return "" if response is None else "(no option chosen)"
        if len(labels) == 1:
            return labels[0]
        return "\n".join(f"• {text}" for text in labels)

    def display_order(self, question: Mapping[str, Any], learner_key: str) -> list[str]:
        """Option ids in the order this learner sees them (see :func:`option_order`)."""
        return shuffled_options(question, learner_key, honour_pins=self.honours_pins)

    def feedback_items(
        self, question: Mapping[str, Any], result: Mapping[str, Any], explain: bool
    ) -> list[dict[str, Any]]:
        """What the feedback says about each part of the response.

        Parameters
        ----------
        question : dict
        result : dict
            From :func:`check_answer`.
        explain : bool
            Whether the explanation is due (right, out of tries, or shown on request).

        Returns
        -------
        list of dict
            ``label``, ``mark`` (``"right"`` or ``"wrong"``), ``note`` (the option's feedback,
            or ``""``) and ``position`` (``0`` unless the order matters). The default never
            comments on an option the learner did not choose, so a wrong answer never names a
            right one. While the explanation is not due, a wrong answer gets comments on its
            wrong choices only (what is wrong with the choice made); which of its choices are
            right is left for the learner to work out, and the message only counts them.
        """
        by_id = self.options_by_id(question)
        hold_back = not explain and result.get("correct") is False
        return [
            {
                "label": self.label(question, by_id[f["option"]]),
                "mark": "right" if f.get("correct") else "wrong",
                "note": f.get("feedback", ""),
                "position": 0,
            }
            for f in result.get("feedback") or []
            if f.get("option") in by_id and not (hold_back and f.get("correct"))
        ]

    def answer_labels(self, question: Mapping[str, Any]) -> list[str]:
        """The right answer as a list of labels (shown only once the explanation is due)."""
        return [self.label(question, o) for o in question.get("options", []) if o.get("correct")]


def question_type(question: Mapping[str, Any]) -> QuestionType:
    """The registry entry for a question.

    Parameters
    ----------
    question : dict

    Returns
    -------
    QuestionType

    Raises
    ------
    AnswerError
        If the question's type is not registered.
    """
    qtype = question.get("type")
    if not isinstance(qtype, str) or qtype not in REGISTRY:
        raise AnswerError(f"Unknown question type {qtype!r}.")
    return REGISTRY[qtype]


def normalize_response(question: Mapping[str, Any], response: Any) -> Any:
    """Turn a raw response into its canonical form, or explain why it cannot be checked (pure).

    Parameters
    ----------
    question : dict
    response : object
        See the package docstring for the shape each type expects.

    Returns
    -------
    str or list of str
        An option id (single choice), a list of ids in bank order (multiple choice, evidence),
        the ordered list of ids (ordering), or the stripped text (short answer).

    Raises
    ------
    AnswerError
        With a message a learner can act on.
    """
    return question_type(question).normalize(question, response)


def check_answer(question: Mapping[str, Any], response: Any) -> dict[str, Any]:
    """Check a response to a question (pure).

    Parameters
    ----------
    question : dict
        A question from the bank.
    response : object
        See :func:`normalize_response`.

    Returns
    -------
    dict
        ``qid``, ``type``, ``response`` (canonical), ``correct`` (bool, or ``None`` for a short
        answer, which the learner assesses against the rubric), ``score`` (0-1, or ``None``),
        ``feedback`` (one entry per chosen option, or per item for ordering), ``missed``
        (correct options not chosen), ``message`` (one sentence, without a verdict word),
        ``explanation``, and for short answers ``model_answer`` and ``rubric``.

    Raises
    ------
    AnswerError
        If the response cannot be checked.

    Notes
    -----
    Multiple choice and evidence score ``(right picks - wrong picks) / number of right
    options``, floored at 0. Ordering scores the share of item pairs in the right relative
    order. Only a perfect answer counts as correct.
    """
    handler = question_type(question)
    value = handler.normalize(question, response)
    result: dict[str, Any] = {
        "qid": question["id"],
        "type": handler.name,
        "response": value,
        "correct": None,
        "score": None,
        "feedback": [],
        "missed": [],
        "message": "",
        "explanation": question["explanation"],
    }
    result.update(handler.check(question, value))
    return result


def describe_response(question: Mapping[str, Any], response: Any) -> str:
    """A readable rendering of a saved response, for exports and portfolios (pure).

    Parameters
    ----------
    question : dict
    response : object
        A canonical response as stored.

    Returns
    -------
    str
        The chosen option's text; several options one per line, each after a bullet;
        an ordering numbered one item per line; the text of a short answer. Evidence options
        read ``Turn 24 (Kim): “...”`` as in the widget. Unknown ids are shown as they are.
    """
    return question_type(question).describe(question, response)


def option_label(question: Mapping[str, Any], option: Mapping[str, Any]) -> str:
    """Plain-text label for an option, the same in the widget, the feedback and the exports.

    Parameters
    ----------
    question : dict
    option : dict

    Returns
    -------
    str
    """
    return question_type(question).label(question, option)


def option_order(question: Mapping[str, Any], learner_key: str) -> list[str]:
    """The option ids in the order one learner sees them (pure).

    Parameters
    ----------
    question : dict
        A question from the bank.
    learner_key : str
        The learner's stable id: ``load_profile(folder).learner_id``.

    Returns
    -------
    list of str
        A permutation of the option ids, the same for the same learner and question every
        time. Options with ``"pin": true`` keep their bank position; an ordering question's
        items never start in the right order; a short answer has none (``[]``).

    Examples
    --------
    >>> q = {"id": "X", "type": "single_choice", "options": [
    ...     {"id": "a", "text": "A", "correct": True, "feedback": "."},
    ...     {"id": "b", "text": "B", "correct": False, "feedback": "."},
    ...     {"id": "all", "text": "All of them", "correct": False, "feedback": ".", "pin": True}]}
    >>> option_order(q, "learner-1") == option_order(q, "learner-1")
    True
    >>> option_order(q, "learner-1")[-1]
    'all'
    """
    return question_type(question).display_order(question, learner_key)
