"""Hand-ins for the instructor's tests: today's exports from the learner's own writers, and
exports in the older format built explicitly (the learner side no longer writes them).

A test of the current format must go through :func:`current_csv` (the real
:func:`course_lib.store.make_record` and :func:`course_lib.exports.records_to_csv`), so that a
change to what learners hand in breaks the instructor's tests instead of passing unnoticed. A
test of an older export must say so by calling :func:`legacy_csv`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from course_lib.exports import records_to_csv
from course_lib.questions import QuestionBank, check_answer, describe_response
from course_lib.store import make_record

#: The columns of the answers CSV before learner ids (course versions up to the store rebuild).
LEGACY_COLUMNS = [
    "learner",
    "qid",
    "lesson",
    "skill",
    "type",
    "response",
    "answer_text",
    "correct",
    "score",
    "saved_at",
]
#: The older formula guard: an apostrophe before these, and a leading apostrophe left alone.
_LEGACY_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _legacy_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_LEGACY_FORMULA_START) else text


def legacy_csv(
    bank: QuestionBank,
    learner: str,
    answers: Mapping[str, Any],
    saved_at: str = "2026-09-01T10:00:00Z",
) -> bytes:
    """An answers CSV as the course wrote it before learner ids: :data:`LEGACY_COLUMNS`.

    Parameters
    ----------
    bank : QuestionBank
    learner : str
        The name typed (``""`` for none).
    answers : mapping
        Question id to response.
    saved_at : str

    Returns
    -------
    bytes
        UTF-8, in bank order, guarded as the older export guarded (name, response and answer
        text only).
    """
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(LEGACY_COLUMNS)
    for qid in sorted(answers, key=bank.ids.index):
        q = bank.get(qid)
        result = check_answer(q, answers[qid])
        response = result["response"]
        raw = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
        correct = result["correct"]
        writer.writerow(
            [
                _legacy_cell(learner),
                qid,
                q["lesson"],
                q["skill"],
                q["type"],
                _legacy_cell(raw),
                _legacy_cell(describe_response(q, response)),
                "" if correct is None else str(bool(correct)).lower(),
                "" if result["score"] is None else result["score"],
                saved_at,
            ]
        )
    return buf.getvalue().encode("utf-8")


def current_records(
    bank: QuestionBank,
    learner_id: str,
    name: str,
    answers: Mapping[str, Any],
    saved_at: str = "2026-09-01T10:00:00Z",
    **extra: Any,
) -> list[dict[str, Any]]:
    """Records as the question widgets save them (:func:`course_lib.store.make_record`).

    Parameters
    ----------
    bank, learner_id, name, answers, saved_at
        As for :func:`current_csv`.
    **extra
        ``revealed``, ``attempts``, ``hints_used``, ``first_try_correct``.

    Returns
    -------
    list of dict
    """
    return [
        make_record(
            check_answer(bank.get(qid), response),
            bank.get(qid),
            name,
            saved_at,
            learner_id=learner_id or None,
            **extra,
        )
        for qid, response in answers.items()
    ]


def current_csv(
    bank: QuestionBank,
    learner_id: str,
    name: str,
    answers: Mapping[str, Any],
    saved_at: str = "2026-09-01T10:00:00Z",
    **extra: Any,
) -> bytes:
    """An answers CSV exactly as a learner exports it today.

    Parameters
    ----------
    bank : QuestionBank
    learner_id : str
        The profile's id (``""``: the profile could not be kept).
    name : str
        The name typed.
    answers : mapping
        Question id to response.
    saved_at : str
    **extra
        ``revealed``, ``attempts``, ``hints_used``, ``first_try_correct`` for every record.

    Returns
    -------
    bytes
        :func:`course_lib.exports.records_to_csv`'s text, UTF-8.
    """
    records = current_records(bank, learner_id, name, answers, saved_at, **extra)
    return records_to_csv(records, bank, name, learner_id=learner_id).encode("utf-8")
