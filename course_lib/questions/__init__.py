"""The question bank, one registry entry per question type, answer checking, option order.

- :mod:`~course_lib.questions.bank` -- the bank as data: schema, validation, loading, quotations;
- :mod:`~course_lib.questions.registry` -- :class:`QuestionType` (one subclass per type) and the
  functions that dispatch to it: :func:`check_answer`, :func:`normalize_response`,
  :func:`describe_response`, :func:`option_label`, :func:`option_order`;
- :mod:`~course_lib.questions.choice`, :mod:`~course_lib.questions.ordering`,
  :mod:`~course_lib.questions.short_answer` -- the types;
- :mod:`~course_lib.questions.order` -- the per-learner shuffle;
- :mod:`~course_lib.questions.attempts` -- attempts, hints, and when the explanation is due.

Everything is pure: a question is a ``dict`` from the bank. The answer store is
:mod:`course_lib.store`; the widgets are :mod:`course_lib.widgets.questions`.

Response shapes, by question type:

==================  ===================================================================
``single_choice``   one option id (``"b"``), or a one-item list
``multiple_choice`` a list (or set) of option ids; an empty list is a valid, wrong answer
``evidence``        a list of option ids (``"t22"``, ...), one per chosen turn
``ordering``        the list of every item id, in the learner's order
``short_answer``    the learner's text
==================  ===================================================================

A new type is one new subclass of :class:`QuestionType` in a module imported here (and its
``type`` value in the bank's schema); see :mod:`~course_lib.questions.registry`.
"""

from __future__ import annotations

from course_lib.questions.attempts import MAX_TRIES, Attempts, feedback_view, hint_label
from course_lib.questions.bank import (
    SKILLS,
    QuestionBank,
    bank_from_data,
    check_quotes,
    load_bank,
    load_schema,
)
from course_lib.questions.choice import Evidence, MultipleChoice, SingleChoice
from course_lib.questions.ordering import Ordering
from course_lib.questions.registry import (
    REGISTRY,
    AnswerError,
    QuestionType,
    check_answer,
    describe_response,
    normalize_response,
    option_label,
    option_order,
    question_type,
    score_percent,
)
from course_lib.questions.short_answer import MAX_ANSWER_CHARS, ShortAnswer

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_TRIES",
    "REGISTRY",
    "SKILLS",
    "TYPES",
    "AnswerError",
    "Attempts",
    "Evidence",
    "MultipleChoice",
    "Ordering",
    "QuestionBank",
    "QuestionType",
    "ShortAnswer",
    "SingleChoice",
    "bank_from_data",
    "check_answer",
    "check_quotes",
    "describe_response",
    "feedback_view",
    "hint_label",
    "load_bank",
    "load_schema",
    "normalize_response",
    "option_label",
    "option_order",
    "question_type",
    "score_percent",
]

#: Every registered question type, in the order they were defined.
TYPES = tuple(REGISTRY)
