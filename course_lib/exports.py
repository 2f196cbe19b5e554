"""What a learner hands in: the CSV of answers, and the names of every exported file.

The CSV's formula guard
-----------------------
A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or a
carriage return) as a formula (OWASP, "CSV Injection"). Every cell the course writes therefore
goes through :func:`guard_cell`, and every cell a reader takes back must go through
:func:`unguard_cell`. The rule, kept here and nowhere else:

- **writing**: a cell whose text starts with one of ``= + - @ TAB CR`` *or with an apostrophe*
  gets one apostrophe in front;
- **reading**: one leading apostrophe, if there is one, is removed; nothing else changes.

Because a text that already starts with an apostrophe is guarded too, the rule is exactly
reversible: ``unguard_cell(guard_cell(s)) == s`` for every string ``s`` (an answer that really
begins ``'=`` is written ``''=`` and read back as ``'=``).

File names
----------
:func:`export_name` names every exported file the same way:
``<learner>_<scope>_<date>_<kind>.<ext>``, for example ``Mina-Park_lesson-05_2026-12-04_essay.html``
or ``Mina-Park_course_2026-12-04_portfolio.html``: the learner (their name, or ``learner-`` and
the start of their id if they gave none), the lesson (``lesson-01``) or ``course``, the local
date and what the file is. Files are never overwritten: a second export the same day is
``...-2.html`` (see :func:`course_lib.fileio.write_new`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from course_lib.localtime import file_date
from course_lib.store import latest_by_question

if TYPE_CHECKING:
    from course_lib.questions import QuestionBank

__all__ = [
    "CSV_COLUMNS",
    "FORMULA_START",
    "export_name",
    "guard_cell",
    "learner_slug",
    "records_to_csv",
    "unguard_cell",
]

#: Columns of the CSV export, in order. ``learner`` is kept for older readers (the same as
#: ``learner_name``); the last four are empty when a record does not carry them.
CSV_COLUMNS = [
    "learner",
    "learner_id",
    "learner_name",
    "qid",
    "lesson",
    "skill",
    "type",
    "response",
    "answer_text",
    "correct",
    "score",
    "saved_at",
    "revealed",
    "attempts",
    "hints_used",
    "first_try_correct",
]
#: First characters that make a spreadsheet read a cell as a formula; the apostrophe is the
#: guard itself, so a cell starting with one is guarded too (that makes the rule reversible).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def guard_cell(value: object) -> str:
    """A cell's text, safe to open in a spreadsheet (the write half of the rule above; pure).

    Parameters
    ----------
    value : object
        ``None`` is an empty cell.

    Returns
    -------
    str

    Examples
    --------
    >>> guard_cell("=1+1"), guard_cell("'=1+1"), guard_cell("plain")
    ("'=1+1", "''=1+1", 'plain')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def unguard_cell(text: str) -> str:
    """A cell's original text (the read half of the rule above; pure).

    Parameters
    ----------
    text : str
        A cell as read from an exported CSV.

    Returns
    -------
    str
        Without the one leading apostrophe :func:`guard_cell` adds: only an apostrophe followed
        by a character the rule guards is taken off, so text from exports made before the rule
        guarded apostrophes (``'tis``) comes back as it was.

    Examples
    --------
    >>> unguard_cell("''=1+1"), unguard_cell("'=1+1"), unguard_cell("plain"), unguard_cell("'tis")
    ("'=1+1", '=1+1', 'plain', "'tis")
    """
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def _flag(value: object) -> str:
    return "" if value is None else str(bool(value)).lower()


def records_to_csv(
    records: Iterable[Mapping[str, Any]],
    bank: QuestionBank | None = None,
    learner: str = "",
    *,
    learner_id: str = "",
    lesson: int | None = None,
) -> str:
    """The latest answer per question as CSV text, in bank order (pure).

    Parameters
    ----------
    records : iterable of dict
        Saved records (all attempts; only the latest per question is kept).
    bank : QuestionBank, optional
        Used to order rows and to spell out answers as option text.
    learner : str
        The learner's name (``learner`` and ``learner_name``); when empty, each record's own.
    learner_id : str
        The profile's id; when empty, each record's own (if any).
    lesson : int, optional
        Only this lesson's answers.

    Returns
    -------
    str
        With the header :data:`CSV_COLUMNS`; every cell guarded by :func:`guard_cell`.
    """
    latest = latest_by_question(records)
    order = {qid: i for i, qid in enumerate(bank.ids)} if bank is not None else {}
    rows = sorted(latest.values(), key=lambda r: (order.get(r["qid"], len(order)), r["qid"]))
    if lesson is not None:
        rows = [r for r in rows if _lesson_of(r, bank) == lesson]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        question = bank.get(r["qid"]) if bank is not None and r["qid"] in bank else None
        response = r.get("response")
        raw = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
        text = raw
        if question is not None:
            from course_lib.questions import describe_response

            text = describe_response(question, response)
        name = " ".join(str(learner or r.get("learner") or "").split())
        cells = [
            name,
            learner_id or r.get("learner_id", ""),
            name,
            r["qid"],
            r.get("lesson", ""),
            r.get("skill", ""),
            r.get("type", ""),
            raw,
            text,
            _flag(r.get("correct")),
            "" if r.get("score") is None else r["score"],
            r.get("saved_at", ""),
            _flag(r.get("revealed")),
            r.get("attempts", ""),
            r.get("hints_used", ""),
            _flag(r.get("first_try_correct")),
        ]
        writer.writerow([guard_cell(c) for c in cells])
    return buf.getvalue()


def _lesson_of(record: Mapping[str, Any], bank: QuestionBank | None) -> object:
    if bank is not None and record["qid"] in bank:
        return bank.get(record["qid"])["lesson"]
    return record.get("lesson")


def learner_slug(name: object, learner_id: str = "") -> str:
    """The learner part of a file name: letters and digits of their name, joined by ``-``.

    Parameters
    ----------
    name : object
        What the learner typed (any script: ``김일성`` stays ``김일성``).
    learner_id : str
        Used when the name gives nothing: ``learner-`` and its first 8 characters.

    Returns
    -------
    str
        At most 40 characters; ``"learner"`` if there is neither a name nor an id.

    Examples
    --------
    >>> learner_slug("  Mina  Park ")
    'Mina-Park'
    >>> learner_slug("../../etc/passwd")
    'etc-passwd'
    >>> learner_slug("", "0123456789abcdef")
    'learner-01234567'
    """
    text = unicodedata.normalize("NFC", name if isinstance(name, str) else "")
    slug = "-".join(re.findall(r"[^\W_]+", text))[:40].strip("-")
    if slug:
        return slug
    short = re.sub(r"[^0-9a-f]", "", str(learner_id).lower())[:8]
    return f"learner-{short}" if short else "learner"


def export_name(
    kind: str,
    ext: str,
    learner: object = "",
    learner_id: str = "",
    lesson: int | None = None,
    when: datetime | None = None,
) -> str:
    """The name of an exported file (pure): ``<learner>_<scope>_<date>_<kind>.<ext>``.

    Parameters
    ----------
    kind : str
        ``"portfolio"``, ``"answers"`` or ``"essay"``.
    ext : str
        ``"html"``, ``"csv"``, ``"md"``.
    learner : object
        The learner's name.
    learner_id : str
        Their id (used when the name is empty).
    lesson : int, optional
        ``None`` names the whole course.
    when : datetime, optional
        Its local date goes in the name; defaults to today.

    Returns
    -------
    str

    Examples
    --------
    >>> export_name("essay", "html", "Mina Park", lesson=5, when=datetime(2026, 12, 4, 14, 5))
    'Mina-Park_lesson-05_2026-12-04_essay.html'
    >>> export_name("portfolio", "html", "Mina Park", when=datetime(2026, 12, 4))
    'Mina-Park_course_2026-12-04_portfolio.html'
    """
    scope = "course" if lesson is None else f"lesson-{int(lesson):02d}"
    kind = re.sub(r"[^a-z0-9-]", "", kind.lower()) or "export"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower()) or "txt"
    return f"{learner_slug(learner, learner_id)}_{scope}_{file_date(when)}_{kind}.{ext}"
