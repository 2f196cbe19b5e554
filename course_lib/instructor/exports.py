"""Parse learners' answer exports and merge them by stable learner id, losing no row (pure).

Two export formats are read:

* **current** -- what :func:`course_lib.exports.records_to_csv` writes today
  (:data:`course_lib.exports.CSV_COLUMNS`): ``learner`` and ``learner_name`` (the name typed,
  twice), ``learner_id`` (32 hex digits made once per answers folder, see
  :mod:`course_lib.profile`), the answer's columns and, per question, ``revealed``,
  ``attempts``, ``hints_used`` and ``first_try_correct`` (empty when the record did not carry
  them: unknown). A row whose ``learner_id`` is empty (the learner's profile could not be kept)
  belongs to its file's anonymous learner;
* **older** -- without ``learner_id`` (the name is in ``learner``): the file is its own anonymous
  learner, never merged with another file.

Every file with anonymous rows is reported once as ``anonymous``.

A column that is absent is unknown (missing values), never a guess. Every row read is kept, with
the file and line it came from; for each learner and question one row is *used* (the one saved
last, by a real, time-zone-aware time: a time that cannot be read, or that lies in the future
like ``9999-12-31``, is reported and never wins). Every anonymous file, duplicate hand-in,
conflicting answer, shared id, repeated name and bad value is reported in ``problems``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any, Literal

import pandas as pd

from course_lib.exports import CSV_COLUMNS
from course_lib.instructor.csvsafe import unguard_cell
from course_lib.instructor.reading import Problem

__all__ = [
    "EXPORT_COLUMNS",
    "ROW_COLUMNS",
    "STUDENT_COLUMNS",
    "merge_rows",
    "normalise_name",
    "parse_export",
    "parse_time",
]

#: The columns of the current learner export, in order (older exports lack some of them): the
#: learner side's own list, so the two cannot drift apart.
EXPORT_COLUMNS = list(CSV_COLUMNS)
#: Columns of :attr:`Collected.rows` and :attr:`Collected.answers`: who and where from, then the
#: learner export's answer columns (from ``qid`` on, taken from that list), then ``used``.
ROW_COLUMNS = [
    "student",
    "student_label",
    "learner_id",
    "learner_name",
    "source_file",
    "line",
    *CSV_COLUMNS[CSV_COLUMNS.index("qid") :],
    "used",
]
#: Columns of :attr:`Collected.students`.
STUDENT_COLUMNS = [
    "student",
    "label",
    "learner_id",
    "name",
    "anonymous",
    "files",
    "rows",
    "questions",
    "last_saved",
]

_ID = re.compile(r"[0-9a-f]{32}")
_INT = re.compile(r"[0-9]{1,6}", re.ASCII)
_LESSON = re.compile(r"[0-9]{1,3}", re.ASCII)
_GENERIC_STEMS = re.compile(
    r"(answers?|export|exports|answers?[ _-]?export|download|capstone|portfolio|"
    r"questions?|hand[ _-]?in|submission)([ _-]*\(?\d+\)?)?",
    re.IGNORECASE,
)
#: A name made by :func:`course_lib.exports.export_name`:
#: ``<learner>_<course|lesson-NN>_<date>_<kind>[-N]``; a learner part of ``learner`` or
#: ``learner-0123abcd`` says the learner typed no name.
_EXPORT_NAME = re.compile(
    r"(?P<learner>.+)_(?:course|lesson-\d{2,})_\d{4}-\d{2}-\d{2}_[a-z0-9-]+?(?:-\d+)?",
    re.ASCII,
)
_NO_NAME = re.compile(r"learner(-[0-9a-f]{1,8})?", re.ASCII)
#: Folders that hold a learner's files without naming the learner.
_GENERIC_FOLDERS = frozenset({"exports", "my_answers", "answers", "capstone", "essays"})
#: Times before this are not believable for a saved answer.
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def normalise_name(name: object) -> str:
    """A learner's typed name for display: NFC, runs of white space as one space, trimmed.

    Parameters
    ----------
    name : object

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_name("  Pak \\u1100\\u1161\\u11a8 ") == "Pak \\uac01"
    True
    """
    if not isinstance(name, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", name).split())[:200]


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name.casefold())


def parse_time(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    """Read a ``saved_at`` value as an aware UTC time (pure).

    Parameters
    ----------
    text : str
    now : datetime
        Aware; times more than a day after it are in the future.

    Returns
    -------
    time : datetime or None
    problem : str or None
        Why the time cannot be used (``None`` when it can): the time is then ``None``.
    """
    value = text.strip()
    if not value:
        return None, "no saved_at time"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None, f"saved_at {value[:40]!r} is not an ISO 8601 time"
    if parsed.tzinfo is None:
        return None, f"saved_at {value[:40]!r} has no time zone"
    try:
        parsed = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None, f"saved_at {value[:40]!r} is out of range"
    if parsed > now + timedelta(days=1):
        return None, f"saved_at {value[:40]!r} is in the future"
    if parsed < _EARLIEST:
        return None, f"saved_at {value[:40]!r} is before {_EARLIEST.year}"
    return parsed, None


def _bool(text: str) -> bool | Literal["bad"] | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return "bad"


def _folder_label(name: str) -> str:
    """A label for a file whose learner typed no name.

    The learner part of a course file name (``Mina-Park_course_2026-12-04_answers.csv``), else
    the stem; a stem that names no one (``answers``, ``learner_course_…``) gives the nearest
    folder that is not a generic one (``carol/exports/answers.csv`` is ``carol``), else the path.
    """
    path = PurePosixPath(name)
    stem = path.stem.strip()
    m = _EXPORT_NAME.fullmatch(stem)
    if m is not None:
        stem = m.group("learner")
        generic = bool(_NO_NAME.fullmatch(stem))
    else:
        generic = bool(_GENERIC_STEMS.fullmatch(stem))
    if not generic:
        return stem
    for folder in path.parents:
        if folder.name and folder.name.casefold() not in _GENERIC_FOLDERS:
            return folder.name
    return name


@dataclass
class _Report:
    """The problems found in one file; each message is led by the file (and the line)."""

    name: str
    found: list[Problem] = field(default_factory=list)

    def __call__(self, kind: str, message: str, line: int | None = None) -> None:
        where = f"{self.name}, line {line}" if line else self.name
        self.found.append(Problem(self.name, line, kind, f"{where}: {message}"))


def _open_export(data: bytes, problem: _Report) -> tuple[Any, list[str]] | None:
    """A CSV reader past the header, and the header; ``None`` (reported) if not an export."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem("not_export", f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line)
        return None
    if not text.strip():
        problem("empty", "the file is empty")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [unguard_cell(h).strip().lower() for h in next(reader)]
    except csv.Error as exc:
        problem("not_export", f"not CSV ({exc})", 1)
        return None
    if "qid" not in header:
        problem("not_export", "not an answers export (no qid column)")
        return None
    if len(set(header)) != len(header):
        twice = sorted(h for h, n in Counter(header).items() if n > 1)
        problem("not_export", f"column {', '.join(twice)} appears twice", 1)
        return None
    return reader, header


def _read_rows(
    reader: Any, header: list[str], now: datetime, problem: _Report
) -> list[dict[str, Any]]:
    """Every data row after the header (blank lines skipped); a CSV error ends the reading."""
    has_ids = "learner_id" in header
    index = {h: i for i, h in enumerate(header)}
    label = _folder_label(problem.name)
    rows: list[dict[str, Any]] = []
    line = 1
    try:
        for raw in reader:
            line = reader.line_num
            if not raw or all(not c.strip() for c in raw):
                continue
            if len(raw) != len(header):
                what = (
                    "missing values are unknown"
                    if len(raw) < len(header)
                    else ("the extra values are not read")
                )
                problem("bad_value", f"{len(raw)} values for {len(header)} columns; {what}", line)
            cell = {h: unguard_cell(raw[i]) if i < len(raw) else "" for h, i in index.items()}
            rows.append(_row(problem.name, line, cell, has_ids, label, now, problem))
    except csv.Error as exc:
        problem(
            "bad_value",
            f"malformed CSV ({exc}); the {len(rows)} rows before it were kept",
            reader.line_num or line,
        )
    return rows


def _report_missing_rows(rows: list[dict[str, Any]], has_ids: bool, problem: _Report) -> None:
    """Report a file with no rows, and one whose rows (some or all) name no learner."""
    if not rows:
        problem("empty", "no answers in the file")
    anonymous = sum(1 for r in rows if not r["learner_id"])
    if not has_ids and rows:
        problem(
            "anonymous",
            "no learner_id column (an export from an older version of the course): its "
            f"{len(rows)} rows are kept as one learner of their own, never merged with "
            "another file",
        )
    elif anonymous:
        problem(
            "anonymous",
            f"{anonymous} of its {len(rows)} rows carry no learner id (the learner's profile "
            "could not be kept): they are kept as one learner of their own, never merged "
            "with another file",
        )


def parse_export(
    name: str, data: bytes, now: datetime | None = None
) -> tuple[list[dict[str, Any]], list[Problem], bool]:
    """Parse one learner's exported CSV (pure).

    Parameters
    ----------
    name : str
        The file's path relative to the folder collected; named in every problem.
    data : bytes
    now : datetime, optional
        For judging times in the future (default: the current time).

    Returns
    -------
    rows : list of dict
        One per data row, every row kept (a bad value becomes missing and is reported).
    problems : list of Problem
    has_ids : bool
        Whether the file has a ``learner_id`` column (the current format).
    """
    now = now or datetime.now(UTC)
    problem = _Report(name)
    opened = _open_export(data, problem)
    if opened is None:
        return [], problem.found, False
    reader, header = opened
    has_ids = "learner_id" in header
    rows = _read_rows(reader, header, now, problem)
    _report_missing_rows(rows, has_ids, problem)
    return rows, problem.found, has_ids


def _learner_id(cell: dict[str, str], has_ids: bool, line: int, problem: _Report) -> str:
    learner_id = cell.get("learner_id", "").strip().lower()
    if has_ids and learner_id and not _ID.fullmatch(learner_id):
        shown = learner_id[:40] or "(blank)"
        problem(
            "bad_value",
            f"learner_id {shown!r} is not 32 hexadecimal digits; the row is kept as an "
            "anonymous learner of this file",
            line,
        )
        return ""
    return learner_id


def _lesson(cell: dict[str, str], line: int, problem: _Report) -> int | None:
    lesson_text = cell.get("lesson", "").strip()
    if not lesson_text:
        return None
    if _LESSON.fullmatch(lesson_text):
        return int(lesson_text)
    problem("bad_value", f"lesson {lesson_text[:20]!r} is not a whole number", line)
    return None


def _flag(cell: dict[str, str], column: str, line: int, problem: _Report) -> bool | None:
    value = _bool(cell.get(column, ""))
    if value == "bad":
        problem("bad_value", f"{column} {cell[column][:20]!r} is not true or false", line)
        return None
    return value


def _score(cell: dict[str, str], line: int, problem: _Report) -> float | None:
    score_text = cell.get("score", "").strip()
    if not score_text:
        return None
    try:
        score = float(score_text)
    except ValueError:
        problem("bad_value", f"score {score_text[:20]!r} is not a number", line)
        return None
    if not (math.isfinite(score) and 0.0 <= score <= 1.0):
        problem("bad_value", f"score {score_text[:20]!r} is not between 0 and 1", line)
        return None
    return score


def _count(cell: dict[str, str], column: str, line: int, problem: _Report) -> int | None:
    text = cell.get(column, "").strip()
    if not text:
        return None
    if _INT.fullmatch(text):
        return int(text)
    problem("bad_value", f"{column} {text[:20]!r} is not a whole number", line)
    return None


def _saved_at(cell: dict[str, str], now: datetime, line: int, problem: _Report) -> datetime | None:
    saved, why = parse_time(cell.get("saved_at", ""), now) if "saved_at" in cell else (None, None)
    if why:
        kind = "future_time" if "future" in why else "bad_time"
        problem(kind, f"{why}; this answer never counts as the latest", line)
    return saved


def _row(
    name: str,
    line: int,
    cell: dict[str, str],
    has_ids: bool,
    label: str,
    now: datetime,
    problem: _Report,
) -> dict[str, Any]:
    learner_id = _learner_id(cell, has_ids, line, problem)
    raw_name = cell.get("learner_name", "").strip() or cell.get("learner", "")
    qid = cell.get("qid", "").strip()
    if not qid:
        problem("bad_value", "the question id is empty; the row is kept but not counted", line)
    lesson = _lesson(cell, line, problem)
    flags = {c: _flag(cell, c, line, problem) for c in ("correct", "revealed", "first_try_correct")}
    score = _score(cell, line, problem)
    counts = {c: _count(cell, c, line, problem) for c in ("attempts", "hints_used")}
    saved = _saved_at(cell, now, line, problem)
    return {
        "learner_id": learner_id,
        "learner_name": normalise_name(raw_name),
        "_label": label,
        "source_file": name,
        "line": line,
        "qid": qid,
        "lesson": lesson,
        "skill": cell.get("skill", "").strip(),
        "type": cell.get("type", "").strip(),
        "response": cell.get("response", ""),
        "answer_text": cell.get("answer_text", ""),
        "correct": flags["correct"],
        "score": score,
        "saved_at": saved,
        "revealed": flags["revealed"],
        "attempts": counts["attempts"],
        "hints_used": counts["hints_used"],
        "first_try_correct": flags["first_try_correct"],
    }


def _frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=ROW_COLUMNS)
    frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True)
    types = {
        "line": "Int64",
        "lesson": "Int64",
        "correct": "boolean",
        "score": "Float64",
        "revealed": "boolean",
        "attempts": "Int64",
        "hints_used": "Int64",
        "first_try_correct": "boolean",
        "used": "bool",
    }
    return frame.astype({c: types.get(c, "string") for c in ROW_COLUMNS if c != "saved_at"})


def _when(value: Any) -> str:
    if value is None or pd.isna(value):
        return "no usable time"
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def _ids_names_and_files(
    rows: list[dict[str, Any]],
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """For each learner id, the names typed with it (as keys) and the files it is in."""
    names_by_id: dict[str, set[str]] = defaultdict(set)
    files_by_id: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["learner_id"]:
            files_by_id[r["learner_id"]].add(r["source_file"])
            if r["learner_name"]:
                names_by_id[r["learner_id"]].add(_name_key(r["learner_name"]))
    return names_by_id, files_by_id


def _shared_id_problems(
    rows: list[dict[str, Any]],
    names_by_id: dict[str, set[str]],
    files_by_id: dict[str, set[str]],
) -> list[Problem]:
    """One problem per learner id that carries more than one name."""
    problems: list[Problem] = []
    for learner_id, id_names in sorted(names_by_id.items()):
        if len(id_names) < 2:
            continue
        shown = ", ".join(
            sorted(
                {
                    f"“{r['learner_name']}”"
                    for r in rows
                    if r["learner_id"] == learner_id and r["learner_name"]
                }
            )
        )
        files = sorted(files_by_id[learner_id])
        problems.append(
            Problem(
                files[0],
                None,
                "shared_id",
                f"one learner id ({learner_id[:8]}…) carries {len(id_names)} names ({shown}) "
                f"in {', '.join(files)}: a copied answers folder or a changed name. Kept "
                "apart by name; check with the students",
            )
        )
    return problems


def _student_key(r: dict[str, Any], names_by_id: dict[str, set[str]]) -> str:
    """The row's learner: its id (split by name if the id carries two), else its file's own."""
    learner_id: str = r["learner_id"]
    source_file: str = r["source_file"]
    if not learner_id:
        return "file:" + source_file
    if len(names_by_id.get(learner_id, ())) > 1:
        return f"{learner_id}#{_name_key(r['learner_name'])}"
    return learner_id


def _names_and_labels(
    by_student: dict[str, list[dict[str, Any]]],
) -> tuple[dict[str, str], dict[str, str]]:
    """Each learner's name (the one typed most often) and label (that name, else the folder)."""
    labels: dict[str, str] = {}
    names: dict[str, str] = {}
    for key, group in by_student.items():
        typed = Counter(r["learner_name"] for r in group if r["learner_name"])
        names[key] = typed.most_common(1)[0][0] if typed else ""
        labels[key] = names[key] or group[0]["_label"]
    return names, labels


def _same_name_problem(
    keys: list[str], names: dict[str, str], by_student: dict[str, list[dict[str, Any]]]
) -> Problem | None:
    """Learners sharing a label who typed that name themselves (not a folder's label)."""
    named = [k for k in keys if names[k]]
    if len(named) < 2:
        return None
    files = sorted({by_student[k][0]["source_file"] for k in named})
    return Problem(
        files[0],
        None,
        "same_name",
        f"{len(named)} learners typed the name “{names[named[0]]}” "
        f"({', '.join(files)}); they are kept apart by learner id or file",
    )


def _distinct_labels(
    labels: dict[str, str], names: dict[str, str], by_student: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, str], list[Problem]]:
    """Labels made distinct: a shared one tagged with the id's start (or the file), then numbered.

    Returns the new labels and a problem for each name typed by more than one learner.
    """
    labels = dict(labels)
    problems: list[Problem] = []
    clash: dict[str, list[str]] = defaultdict(list)
    for key in sorted(labels):
        clash[_name_key(labels[key])].append(key)
    for keys in (keys for keys in clash.values() if len(keys) > 1):
        if (problem := _same_name_problem(keys, names, by_student)) is not None:
            problems.append(problem)
        for key in keys:
            first = by_student[key][0]
            tag = first["learner_id"][:6] if first["learner_id"] else first["source_file"]
            labels[key] = f"{labels[key]} ({tag})"
    seen: Counter[str] = Counter()
    for key in sorted(labels):  # still equal (same id prefix): number them
        seen[labels[key]] += 1
        if seen[labels[key]] > 1:
            labels[key] = f"{labels[key]} #{seen[labels[key]]}"
    return labels, problems


def _overlapping_files(group: list[dict[str, Any]]) -> list[str]:
    """The files of one learner that answer a question another of their files answers too."""
    questions: dict[str, set[str]] = defaultdict(set)
    for r in group:
        if r["qid"]:
            questions[r["source_file"]].add(r["qid"])
    files = sorted({r["source_file"] for r in group})
    return [f for f in files if any(questions[f] & questions[g] for g in files if g != f)]


def _duplicate_problems(
    by_student: dict[str, list[dict[str, Any]]], labels: dict[str, str]
) -> list[Problem]:
    """Duplicate hand-ins: one learner's answer to a question in more than one file.

    Files that do not overlap (one per lesson) are simply several hand-ins, not duplicates.
    """
    problems: list[Problem] = []
    for key, group in sorted(by_student.items()):
        overlapping = _overlapping_files(group)
        problems += [
            Problem(
                extra,
                None,
                "duplicate",
                f"{extra}: {labels[key]} handed in answers to the same questions in "
                f"{len(overlapping)} files ({', '.join(overlapping)}); every row is kept, "
                "and for each question the answer saved last is used",
            )
            for extra in overlapping[1:]
        ]
    return problems


def _answer_order(frame: pd.DataFrame) -> pd.DataFrame:
    """The counted rows per learner and question, the one to use last: a usable time first,
    then the latest (then file and line)."""
    counted = frame[frame["qid"] != ""]
    return counted.assign(_ok=counted["saved_at"].notna()).sort_values(
        ["student", "qid", "_ok", "saved_at", "source_file", "line"],
        na_position="first",
        kind="stable",
    )


def _repeat_problem(label: str, qid: object, answers: pd.DataFrame) -> Problem | None:
    """A question one learner answered more than once: differing answers, or no usable time."""
    pick = answers.iloc[-1]
    others = ", ".join(
        f"{f} line {n}" for f, n in zip(answers["source_file"], answers["line"], strict=True)
    )
    distinct = answers["response"].nunique(dropna=False)
    if distinct > 1:
        return Problem(
            str(pick["source_file"]),
            int(pick["line"]),
            "conflict",
            f"{label}: {distinct} different answers to {qid} ({others}); "
            f"used {pick['source_file']} line {pick['line']} "
            f"({_when(pick['saved_at'])})",
        )
    if pd.isna(pick["saved_at"]):
        return Problem(
            str(pick["source_file"]),
            int(pick["line"]),
            "bad_time",
            f"{label}: {qid} answered {len(answers)} times ({others}) with no "
            "usable time; the last in file order is used",
        )
    return None


def merge_rows(
    rows: Iterable[dict[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Give every row its learner and mark the row used per learner and question (pure).

    Parameters
    ----------
    rows : iterable of dict
        From :func:`parse_export`, any number of files.

    Returns
    -------
    rows : DataFrame
        Every row (columns :data:`ROW_COLUMNS`), ``used`` marking one per learner and question.
    students : DataFrame
        One row per learner (columns :data:`STUDENT_COLUMNS`).
    problems : list of Problem
        Duplicates, conflicts, shared ids and repeated names.
    """
    rows = list(rows)
    # 1. Who is each row? The learner id; split an id that carries two different names.
    names_by_id, files_by_id = _ids_names_and_files(rows)
    problems = _shared_id_problems(rows, names_by_id, files_by_id)
    for r in rows:
        r["student"] = _student_key(r, names_by_id)
    # 2. A label per learner: the name typed, else the folder; repeated names made distinct.
    by_student: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_student[r["student"]].append(r)
    names, labels = _names_and_labels(by_student)
    labels, same_names = _distinct_labels(labels, names, by_student)
    problems += same_names
    for r in rows:
        r["student_label"] = labels[r["student"]]
    # 3. Duplicate hand-ins.
    problems += _duplicate_problems(by_student, labels)
    frame = _frame([{**r, "used": False} for r in rows])
    if frame.empty:
        return frame, pd.DataFrame(columns=STUDENT_COLUMNS), problems
    # 4. The row used per learner and question: a usable time first, then the latest.
    order = _answer_order(frame)
    chosen = order.groupby(["student", "qid"], sort=False).tail(1)
    frame.loc[chosen.index, "used"] = True
    repeated = order[order.duplicated(["student", "qid"], keep=False)]
    for (student, qid), answers in repeated.groupby(["student", "qid"], sort=True):
        if (problem := _repeat_problem(labels[str(student)], qid, answers)) is not None:
            problems.append(problem)
    students = _students(frame, names, labels)
    return frame, students, problems


def _students(frame: pd.DataFrame, names: dict[str, str], labels: dict[str, str]) -> pd.DataFrame:
    grouped = frame.groupby("student", sort=True)
    out = pd.DataFrame(
        {
            "rows": grouped.size(),
            "questions": grouped["used"].sum(),
            "files": grouped["source_file"].agg(lambda s: ", ".join(sorted(set(s)))),
            "learner_id": grouped["learner_id"].first(),
            "last_saved": grouped["saved_at"].max(),
        }
    ).reset_index()
    out["label"] = out["student"].map(labels)
    out["name"] = out["student"].map(names)
    out["anonymous"] = out["learner_id"] == ""
    out = out[STUDENT_COLUMNS].sort_values("label", key=lambda s: s.str.casefold())
    return out.astype(
        {
            "student": "string",
            "label": "string",
            "learner_id": "string",
            "name": "string",
            "files": "string",
            "rows": "Int64",
            "questions": "Int64",
        }
    ).reset_index(drop=True)


def response_items(response: object) -> list[str]:
    """The option ids in an exported response: ``"b"`` or ``["a", "c"]`` (JSON) (pure).

    Parameters
    ----------
    response : object

    Returns
    -------
    list of str
        Empty for a missing value or text that is not option ids.
    """
    if not isinstance(response, str) or not response.strip():
        return []
    text = response.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            return []
        return [str(i) for i in items if isinstance(i, str | int)]
    return [text]
