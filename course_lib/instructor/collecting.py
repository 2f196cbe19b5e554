"""``collect()``: a class's hand-ins, every row kept, every problem named.

:func:`collect` reads a folder (:mod:`course_lib.instructor.reading`, the only I/O) and hands the
bytes to :func:`collect_files`, which is pure: it parses answer exports
(:mod:`~course_lib.instructor.exports`) and capstone essays
(:mod:`~course_lib.instructor.capstones`), merges them by learner id and ties each essay to its
learner.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from course_lib.instructor.capstones import CapstoneFile, looks_like, parse_capstone
from course_lib.instructor.csvsafe import write_csv
from course_lib.instructor.exports import STUDENT_COLUMNS, merge_rows, parse_export
from course_lib.instructor.reading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FILES,
    HandInFile,
    Problem,
    read_folder,
)

__all__ = [
    "CAPSTONE_COLUMNS",
    "FILE_COLUMNS",
    "PROBLEM_COLUMNS",
    "Collected",
    "collect",
    "collect_files",
]

#: Columns of :attr:`Collected.problems`.
PROBLEM_COLUMNS = ["file", "line", "kind", "message"]
#: Columns of :attr:`Collected.files`.
FILE_COLUMNS = ["file", "kind", "rows", "learners"]
#: Columns of :attr:`Collected.capstones`.
CAPSTONE_COLUMNS = [
    "student",
    "student_label",
    "file",
    "format",
    "name",
    "learner_id",
    "exported",
    "exported_at",
    "question",
    "essay",
    "evidence",
    "ticked",
    "rubric_total",
    "used",
]


@dataclass
class Collected:
    """A class's hand-ins, as :func:`collect` found them.

    Attributes
    ----------
    rows : DataFrame
        Every answer row of every export read (columns
        :data:`~course_lib.instructor.exports.ROW_COLUMNS`), with ``source_file`` and ``line``;
        ``used`` marks the one row per learner and question that counts.
    answers : DataFrame
        The rows used: one per learner (``student``) and question.
    students : DataFrame
        One row per learner (``label`` is unique and meant for display).
    problems : DataFrame
        ``file``, ``line``, ``kind``, ``message``: every file skipped, bad value, anonymous
        file, duplicate, conflict, shared id and repeated name.
    files : DataFrame
        Every file read: ``file``, ``kind`` (``answers``, ``capstone``, ``skipped``,
        ``unusable``), ``rows``, ``learners``.
    capstones : DataFrame
        One row per capstone file (``evidence`` holds ``(turn, quotation)`` lists; ``learner_id``
        is the id the essay names, ``exported_at`` its export time as read); ``used`` marks one
        essay per learner (the latest export).
    folder : str
    """

    rows: pd.DataFrame
    answers: pd.DataFrame
    students: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    capstones: pd.DataFrame
    folder: str = ""

    @property
    def rows_handed_in(self) -> int:
        """Data rows in the answer exports that could be read."""
        return int(self.files.loc[self.files["kind"] == "answers", "rows"].sum())

    def summary(self) -> str:
        """One sentence: files, rows read and kept, learners, problems."""
        kinds = self.problems["kind"].value_counts()
        listed = ", ".join(f"{n} {str(k).replace('_', ' ')}" for k, n in kinds.items())
        lost = self.rows_handed_in - len(self.rows)
        return (
            f"{len(self.files)} files read; {len(self.rows)} answer rows kept of "
            f"{self.rows_handed_in} handed in ({lost} lost); {len(self.students)} learners; "
            f"{len(self.capstones)} capstone essays; "
            + (f"{len(self.problems)} problems ({listed})." if listed else "no problems.")
        )

    def write_tables(self, folder: str | Path) -> list[Path]:
        """Write rows, answers, students, problems and files as spreadsheet-safe CSV (0600).

        Parameters
        ----------
        folder : str or Path

        Returns
        -------
        list of Path
        """
        folder = Path(folder).expanduser()
        caps = self.capstones.drop(columns=["evidence"]).assign(
            evidence=[
                "; ".join(f"turn {t}: {q}" for t, q in ev) for ev in self.capstones["evidence"]
            ]
        )
        tables = {
            "rows": self.rows,
            "answers": self.answers,
            "students": self.students,
            "problems": self.problems,
            "files": self.files,
            "capstones": caps,
        }
        return [write_csv(t, folder / f"{name}.csv") for name, t in tables.items()]


def _problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(p.file, p.line, p.kind, p.message) for p in problems], columns=PROBLEM_COLUMNS
    )
    return frame.astype({"file": "string", "line": "Int64", "kind": "string", "message": "string"})


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name.casefold())


def collect_files(files: Iterable[HandInFile], now: datetime | None = None) -> Collected:
    """Parse and merge hand-ins already read (pure; see :func:`collect`).

    Parameters
    ----------
    files : iterable of HandInFile
    now : datetime, optional
        Aware; later ``saved_at`` times are in the future (default: now).

    Returns
    -------
    Collected
    """
    now = now or datetime.now(UTC)
    problems: list[Problem] = []
    all_rows: list[dict[str, Any]] = []
    file_rows: list[tuple[str, str, int]] = []
    capstone_files: list[CapstoneFile] = []
    for f in sorted(files, key=lambda f: f.name):
        if f.name.lower().endswith(".csv"):
            parsed, found, _ = parse_export(f.name, f.data, now)
            problems += found
            all_rows += parsed
            kind = "answers" if parsed or not any(p.kind == "not_export" for p in found) else ""
            file_rows.append((f.name, kind or "unusable", len(parsed)))
            continue
        try:
            text = f.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(f.name, None, "unreadable", f"{f.name}: not UTF-8 text"))
            file_rows.append((f.name, "unusable", 0))
            continue
        kind = looks_like(text)
        if kind == "capstone":
            capstone_files.append(parse_capstone(f.name, text))
            file_rows.append((f.name, "capstone", 0))
        else:
            what = (
                "a portfolio page (the CSV export holds the same answers)"
                if kind == "portfolio"
                else "not a capstone essay or an answers export"
            )
            problems.append(Problem(f.name, None, "skipped", f"{f.name}: {what}; not used"))
            file_rows.append((f.name, "skipped", 0))
    rows, students, merged = merge_rows(all_rows)
    problems += merged
    capstones, students, cap_problems = _tie_capstones(capstone_files, rows, students)
    problems += cap_problems
    learners = rows.groupby("source_file")["student"].nunique() if len(rows) else pd.Series()
    files_frame = pd.DataFrame(
        [(n, k, r, int(learners.get(n, 0))) for n, k, r in file_rows], columns=FILE_COLUMNS
    ).astype({"file": "string", "kind": "string", "rows": "Int64", "learners": "Int64"})
    answers = rows[rows["used"]].reset_index(drop=True)
    return Collected(
        rows=rows,
        answers=answers,
        students=students,
        problems=_problems_frame(problems),
        files=files_frame,
        capstones=capstones,
    )


#: Folders that hold a learner's files without naming the learner (``my_answers/exports/``).
_GENERIC_FOLDERS = frozenset({"exports", "my_answers", "answers", "capstone", "essays"})


def _folder_owner(file: str, by_folder: dict[str, set[str]]) -> str | None:
    """The one learner whose answers are in the essay's folder or the nearest folder above it.

    The search stops at the first folder (going up) that holds anyone's answers: two learners
    there is no answer. The collected folder itself (``.``) never counts.
    """
    for folder in PurePosixPath(file).parents:
        if str(folder) == ".":
            return None
        learners = by_folder.get(str(folder), set())
        if learners:
            return next(iter(learners)) if len(learners) == 1 else None
    return None


def _owner_folder_name(file: str) -> str:
    """The nearest folder above a file whose name is not a generic one like ``exports``."""
    for folder in PurePosixPath(file).parents:
        if folder.name and folder.name.casefold() not in _GENERIC_FOLDERS:
            return folder.name
    return ""


@dataclass(frozen=True)
class _Learners:
    """The learners the answers exports name, indexed three ways to tie an essay to one."""

    by_id: dict[str, list[str]]
    by_name: dict[str, list[str]]
    by_folder: dict[str, set[str]]

    @classmethod
    def index(cls, students: pd.DataFrame, rows: pd.DataFrame) -> _Learners:
        """Index the learners by learner id, by name and by the folders of their exports."""
        by_id: dict[str, list[str]] = defaultdict(list)
        by_name: dict[str, list[str]] = defaultdict(list)
        for s in students.itertuples():
            if s.learner_id:
                by_id[str(s.learner_id)].append(str(s.student))
            if s.name:
                by_name[_name_key(str(s.name))].append(str(s.student))
        by_folder: dict[str, set[str]] = defaultdict(set)
        for file, learners in rows.groupby("source_file")["student"].unique().items():
            by_folder[str(PurePosixPath(str(file)).parent)].update(str(s) for s in learners)
        return cls(by_id, by_name, by_folder)

    def owner(self, cap: CapstoneFile) -> str:
        """The essay's learner (``""`` if none): by its id, its folder, then a unique name.

        An id with no answers behind it is still its learner's own.
        """
        candidates = self.by_id.get(cap.learner_id, []) if cap.learner_id else []
        if len(candidates) > 1 and cap.name:  # an id split by name: match the name too
            candidates = [c for c in candidates if c.endswith("#" + _name_key(cap.name))]
        if len(candidates) == 1:
            return candidates[0]
        if cap.learner_id and not candidates:
            return cap.learner_id  # an essay handed in without its answers: still its learner's
        if (owner := _folder_owner(cap.file, self.by_folder)) is not None:
            return owner
        named = self.by_name.get(_name_key(cap.name), []) if cap.name else []
        return named[0] if len(named) == 1 else ""


def _distinct_label(label: str, suffix: str, labels: dict[Any, Any]) -> str:
    """``label``, or ``"label (suffix)"`` if another learner is already shown as ``label``."""
    if label.casefold() in {str(v).casefold() for v in labels.values()}:
        return f"{label} ({suffix})"
    return label


def _essay_student(key: str, label: str, cap: CapstoneFile, *, anonymous: bool) -> dict[str, Any]:
    """A students row for a learner known only by an essay (no answers of theirs)."""
    return {
        "student": key,
        "label": label,
        "learner_id": "" if anonymous else key,
        "name": cap.name,
        "anonymous": anonymous,
        "files": cap.file,
        "rows": 0,
        "questions": 0,
        "last_saved": pd.NaT,
    }


def _capstone_record(cap: CapstoneFile, key: str, label: str) -> dict[str, Any]:
    """One row of :attr:`Collected.capstones` (not yet chosen as the learner's essay)."""
    return {
        "student": key,
        "student_label": label,
        "file": cap.file,
        "format": cap.format,
        "name": cap.name,
        "learner_id": cap.learner_id,
        "exported": cap.exported,
        "exported_at": cap.exported_at,
        "question": cap.question,
        "essay": cap.essay,
        "evidence": cap.evidence,
        "ticked": cap.ticked,
        "rubric_total": cap.rubric_total,
        "used": False,
    }


def _untied_problem(file: str, label: str) -> Problem:
    return Problem(
        file,
        None,
        "capstone",
        f"{file}: an essay that no answers export can be tied to (no learner "
        "id, no other learner in its folder, no unique name); shown as "
        f"“{label}”",
    )


def _essay_only_problem(learner_id: str, only: dict[str, Any]) -> Problem:
    return Problem(
        only["files"].split(", ")[0],
        None,
        "capstone",
        f"{only['files']}: an essay by “{only['label']}” (learner id {learner_id[:8]}…) "
        "with no answers export of theirs in the folder",
    )


def _latest_essays(capstones: pd.DataFrame) -> pd.Index:
    """One essay per learner: the latest export; HTML before Markdown when equally recent."""
    order = capstones.assign(
        _known=capstones["exported_at"].notna(), _html=capstones["format"] == "html"
    ).sort_values(["student", "_known", "exported_at", "_html", "file"], kind="stable")
    return order.groupby("student").tail(1).index


def _duplicate_problems(capstones: pd.DataFrame, labels: dict[Any, Any]) -> list[Problem]:
    """A learner who handed in different essays: which one is shown (the ``used`` one)."""
    problems: list[Problem] = []
    for student, group in capstones.groupby("student"):
        essays = group["essay"].map(lambda t: " ".join(str(t).split()))
        if (essays != essays.iloc[0]).any():
            chosen = group[group["used"]].iloc[0]
            problems.append(
                Problem(
                    str(chosen["file"]),
                    None,
                    "duplicate",
                    f"{labels[str(student)]} handed in {len(group)} different capstone essays "
                    f"({', '.join(group['file'])}); {chosen['file']} (exported "
                    f"{chosen['exported'] or 'at an unknown time'}) is shown",
                )
            )
    return problems


def _with_students(students: pd.DataFrame, extra_students: list[dict[str, Any]]) -> pd.DataFrame:
    """The students table with the essay-only learners added, sorted by label."""
    extra = pd.DataFrame(extra_students, columns=STUDENT_COLUMNS)
    students = pd.concat([students.astype(object), extra.astype(object)], ignore_index=True)
    return (
        students.astype(
            {
                "student": "string",
                "label": "string",
                "learner_id": "string",
                "name": "string",
                "files": "string",
                "rows": "Int64",
                "questions": "Int64",
                "anonymous": "bool",
            }
        )
        .assign(last_saved=lambda f: pd.to_datetime(f["last_saved"], utc=True))
        .sort_values("label", key=lambda s: s.str.casefold())
        .reset_index(drop=True)
    )


def _tie_capstones(
    found: list[CapstoneFile], rows: pd.DataFrame, students: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Give each essay its learner: by the id it names, else its folder's one learner (looking up
    from ``ann/exports/`` to ``ann/``), else a unique name; an essay with an id but no answers
    is its learner's own row; any other essay is reported and shown on its own."""
    problems: list[Problem] = []
    learners = _Learners.index(students, rows)
    labels = dict(zip(students["student"], students["label"], strict=True))
    records = []
    extra_students = []
    essays_only: dict[str, dict[str, Any]] = {}
    for cap in found:
        key = learners.owner(cap)
        if key and key not in labels:
            label = cap.name or _owner_folder_name(cap.file) or f"learner {key[:6]}"
            labels[key] = _distinct_label(label, key[:6], labels)
            essays_only[key] = _essay_student(key, labels[key], cap, anonymous=False)
        elif key in essays_only:
            essays_only[key]["files"] += ", " + cap.file
        if not key:
            key = "capstone:" + cap.file
            label = cap.name or _owner_folder_name(cap.file) or cap.file
            labels[key] = _distinct_label(label, cap.file, labels)
            extra_students.append(_essay_student(key, labels[key], cap, anonymous=True))
            problems.append(_untied_problem(cap.file, labels[key]))
        records.append(_capstone_record(cap, key, labels[key]))
    problems += [_essay_only_problem(i, only) for i, only in essays_only.items()]
    extra_students += essays_only.values()
    capstones = pd.DataFrame(records, columns=CAPSTONE_COLUMNS)
    if len(capstones):
        capstones.loc[_latest_essays(capstones), "used"] = True
        problems += _duplicate_problems(capstones, labels)
    capstones = capstones.astype({"ticked": "Int64", "rubric_total": "Int64", "used": "bool"})
    capstones["exported_at"] = pd.to_datetime(capstones["exported_at"])
    if extra_students:
        students = _with_students(students, extra_students)
    return capstones, students, problems


def collect(
    folder: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    now: datetime | None = None,
) -> Collected:
    """Collect a class's hand-ins from a folder: answer exports (``.csv``) and capstone essays.

    Sub-folders are searched (one folder per student works: ``carol/answers.csv``); links,
    FIFOs and devices are never followed or read, and no file over ``max_bytes`` is read.

    Parameters
    ----------
    folder : str or Path
    max_bytes : int
        Per-file size cap (default 5 MB).
    max_files : int
    now : datetime, optional
        Aware; ``saved_at`` times after it are in the future (default: now).

    Returns
    -------
    Collected
        Nothing read is dropped: ``len(result.rows)`` equals the rows handed in
        (``result.rows_handed_in``); every problem is in ``result.problems``.

    Examples
    --------
    >>> result = collect("handed_in/")  # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP
    """
    files, problems = read_folder(folder, max_bytes=max_bytes, max_files=max_files)
    result = collect_files(files, now=now)
    result.folder = str(folder)
    if problems:
        result.problems = pd.concat(
            [_problems_frame(problems), result.problems], ignore_index=True
        ).astype(result.problems.dtypes.to_dict())
    if not files and not problems:
        result.problems = _problems_frame(
            [Problem("", None, "empty", f"{folder}: no .csv, .html or .md files found")]
        )
    return result
