"""The answer store: every answer saved as it is given, restored when a notebook is reopened.

Persistence only. The CSV export and file naming are in :mod:`course_lib.exports`, the HTML
portfolio in :mod:`course_lib.portfolio`; :class:`AnswerStore` writes both through
:mod:`course_lib.fileio`.

Where answers go (:func:`default_folder`): ``$PYONGYANG1963_ANSWERS`` if set; else
``my_answers/`` in the course folder (the folder holding ``lessons/``, found from the notebook's
working folder upward), so the learner can open it from JupyterLab's file browser; else, where
that folder cannot be written, ``~/.pyongyang1963/answers``. Answers are JSON Lines in
``answers.jsonl``; the latest answer to a question wins.

Nothing is lost:

- each answer is one complete line written by a single ``os.write`` on a file opened with
  ``O_APPEND | O_NOFOLLOW``, then ``fsync``-ed, under the folder's exclusive lock
  (:func:`course_lib.fileio.locked`: ``fcntl.flock``, or a lock file where there is no
  ``fcntl``, as in Pyodide), so two notebooks writing at once never interleave;
- if the file was left without a final newline (a crash mid-write), the next answer starts on a
  fresh line instead of gluing itself to the damaged one;
- a line that cannot be used (not UTF-8, not JSON, ``NaN``, not an answer record, or a record
  whose values do not fit its question type, such as ``"response": 5`` for a choice) is moved,
  byte for byte, to ``answers.jsonl.corrupt`` and reported in :class:`LoadReport` while every
  other answer loads; the main file is rewritten atomically under the same lock. A byte-order
  mark on the first line is read, not treated as damage;
- nothing in the folder is followed if it is a symbolic link: the store says so and stops.

The pure helpers (:func:`make_record`, :func:`record_problem`, :func:`parse_lines`,
:func:`latest_by_question`) hold the logic; :class:`AnswerStore` only does I/O.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_lib import fileio
from course_lib.localtime import utc_now

if TYPE_CHECKING:
    from course_lib.capstone import CapstoneState

    # CSV_COLUMNS, records_to_csv and portfolio_html are served by the module __getattr__ at
    # the end, for older imports; typed here.
    from course_lib.exports import CSV_COLUMNS as CSV_COLUMNS
    from course_lib.exports import records_to_csv as records_to_csv
    from course_lib.portfolio import portfolio_html as portfolio_html
    from course_lib.questions import QuestionBank

__all__ = [
    "ANSWERS_ENV",
    "FILE_NAME",
    "FOLDER_NAME",
    "OPTIONAL_KEYS",
    "AnswerStore",
    "LoadReport",
    "StoreError",
    "course_root",
    "default_folder",
    "describe_folder",
    "encode_record",
    "latest_by_question",
    "make_record",
    "on_binder",
    "parse_lines",
    "record_problem",
]

ANSWERS_ENV = "PYONGYANG1963_ANSWERS"
#: The answers folder's name in the course folder.
FOLDER_NAME = "my_answers"
FILE_NAME = "answers.jsonl"
LOCK_NAME = ".answers.lock"
RECORD_VERSION = 1
#: What marks the course folder: this notebook inside ``lessons/``.
_MARKER = ("lessons", "00_start_here.ipynb")
_HOME_FOLDER = (".pyongyang1963", "answers")
_BOM = b"\xef\xbb\xbf"

#: Keys a record may carry beyond the required ones, with their kinds (see :func:`make_record`).
OPTIONAL_KEYS: dict[str, str] = {
    "learner_id": "text",
    "revealed": "bool",
    "attempts": "count",
    "hints_used": "count",
    "first_try_correct": "bool",
}
_LIST_TYPES = ("multiple_choice", "evidence", "ordering")
_TEXT_TYPES = ("single_choice", "short_answer")


class StoreError(OSError):
    """The answer folder cannot be used (permissions, a full disk, a symlink...); says why."""


# ----------------------------------------------------------------------------- where


def course_root(start: str | Path | None = None) -> Path | None:
    """The course folder (the one holding ``lessons/00_start_here.ipynb``) at or above ``start``.

    Parameters
    ----------
    start : str or Path, optional
        Where to look from; defaults to the working folder (a notebook's own folder).

    Returns
    -------
    Path or None
    """
    here = Path(start if start is not None else Path.cwd()).expanduser().absolute()
    for folder in (here, *here.parents):
        if folder.joinpath(*_MARKER).is_file():
            return folder
    return None


def _writable(folder: Path) -> bool:
    target = folder / FOLDER_NAME
    if target.is_symlink():
        return False
    if target.exists():
        return target.is_dir() and os.access(target, os.W_OK | os.X_OK)
    return os.access(folder, os.W_OK | os.X_OK)


def default_folder(env: Mapping[str, str] | None = None, cwd: str | Path | None = None) -> Path:
    """The folder answers go to when none is given.

    Parameters
    ----------
    env : mapping, optional
        Environment variables (defaults to ``os.environ``).
    cwd : str or Path, optional
        Where to look for the course folder from (defaults to the working folder).

    Returns
    -------
    Path
        ``$PYONGYANG1963_ANSWERS`` if set and not blank; else ``my_answers`` in the course
        folder if it can be written; else ``~/.pyongyang1963/answers``.
    """
    env = os.environ if env is None else env
    chosen = (env.get(ANSWERS_ENV) or "").strip()
    if chosen:
        return Path(chosen).expanduser()
    root = course_root(cwd)
    if root is not None and _writable(root):
        return root / FOLDER_NAME
    return Path.home().joinpath(*_HOME_FOLDER)


def describe_folder(folder: str | Path, cwd: str | Path | None = None) -> str:
    """The answers folder as a learner can find it: relative to the course folder if inside it.

    Parameters
    ----------
    folder : str or Path
    cwd : str or Path, optional
        Where to look for the course folder from.

    Returns
    -------
    str
        ``"my_answers/"`` (open it in JupyterLab's file browser), ``"~/.pyongyang1963/answers/"``
        or the absolute path.
    """
    path = Path(folder).expanduser().absolute()
    root = course_root(cwd)
    for base, prefix in ((root, ""), (Path.home(), "~/")):
        if base is None:
            continue
        try:
            rel = path.relative_to(base.absolute())
        except ValueError:
            continue
        return f"{prefix}{rel.as_posix()}/" if str(rel) != "." else f"{prefix or './'}"
    return f"{path}/"


def on_binder(env: Mapping[str, str] | None = None) -> bool:
    """Whether we run on mybinder.org, where the session and its files are thrown away.

    Parameters
    ----------
    env : mapping, optional
        Environment variables (defaults to ``os.environ``).

    Returns
    -------
    bool
        True if ``BINDER_LAUNCH_HOST`` or ``BINDER_SERVICE_HOST`` is set.
    """
    env = os.environ if env is None else env
    return bool(env.get("BINDER_LAUNCH_HOST") or env.get("BINDER_SERVICE_HOST"))


# ----------------------------------------------------------------------------- records


def _kind_problem(key: str, value: Any, kind: str) -> str:
    if kind == "bool" and not (value is None or isinstance(value, bool)):
        return f"{key} must be true, false or empty"
    if kind == "count" and not (
        value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
    ):
        return f"{key} must be a whole number, 0 or more"
    if kind == "text" and not isinstance(value, str):
        return f"{key} must be text"
    return ""


def record_problem(record: object, bank: QuestionBank | None = None) -> str:
    """Why a parsed line cannot be used as an answer, or ``""`` if it can (pure).

    A record must be a JSON object with a question id, and its values must fit its question
    type: text for a single choice (an option id) or a short answer, a list of texts for the
    other types; ``correct`` true, false or empty; ``score`` a number from 0 to 1 or empty;
    and the optional keys of :data:`OPTIONAL_KEYS` of their kinds. With a bank, the record's
    type must be its question's and the options it names must be the question's.

    Parameters
    ----------
    record : object
    bank : QuestionBank, optional

    Returns
    -------
    str
    """
    if not isinstance(record, dict) or not isinstance(record.get("qid"), str):
        return "not an answer record"
    if not record["qid"].strip() or len(record["qid"]) > 100:
        return "not an answer record (no question id)"
    qtype, problem = _question_problem(record, bank)
    return problem or _response_problem(qtype, record.get("response")) or _values_problem(record)


def _question_problem(record: dict[str, Any], bank: QuestionBank | None) -> tuple[Any, str]:
    """The record's question type, and what is wrong with it against the bank."""
    qid, qtype, response = record["qid"], record.get("type"), record.get("response")
    if bank is None or qid not in bank:
        return qtype, ""
    question = bank.get(qid)
    if qtype is None:
        qtype = question["type"]
    elif qtype != question["type"]:
        return qtype, f"its type {str(qtype)[:30]!r} is not question {qid}'s ({question['type']})"
    options = {o["id"] for o in question.get("options", [])}
    chosen = [response] if isinstance(response, str) else response
    if options and isinstance(chosen, list) and not set(map(str, chosen)) <= options:
        return qtype, f"its response names an option question {qid} does not have"
    return qtype, ""


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _response_problem(qtype: object, response: object) -> str:
    """Whether the response has the shape its question type needs."""
    if qtype in _TEXT_TYPES:
        ok, needs = isinstance(response, str), "text"
    elif qtype in _LIST_TYPES:
        ok, needs = _texts(response), "a list of options"
    elif qtype is None:
        return (
            ""
            if isinstance(response, str) or _texts(response)
            else ("its response is neither text nor a list of options")
        )
    else:
        return f"unknown question type {str(qtype)[:30]!r}"
    return "" if ok else f"its response is not {needs}, as a {str(qtype).replace('_', ' ')} needs"


def _values_problem(record: dict[str, Any]) -> str:
    """Whether correct, score, lesson, the texts and the optional keys are of their kinds."""
    score = record.get("score")
    lesson = record.get("lesson")
    checks = [
        (
            record.get("correct") is None or isinstance(record.get("correct"), bool),
            "correct must be true, false or empty",
        ),
        (
            score is None
            or (
                isinstance(score, int | float)
                and not isinstance(score, bool)
                and math.isfinite(score)
                and 0 <= score <= 1
            ),
            "score must be a number from 0 to 1",
        ),
        (
            lesson is None or (isinstance(lesson, int) and not isinstance(lesson, bool)),
            "lesson must be a whole number",
        ),
    ]
    checks += [
        (not (key in record and not isinstance(record[key], str)), f"{key} must be text")
        for key in ("learner", "saved_at", "skill")
    ]
    for ok, message in checks:
        if not ok:
            return message
    for key, kind in OPTIONAL_KEYS.items():
        if key in record and (problem := _kind_problem(key, record[key], kind)):
            return problem
    return ""


def make_record(
    result: Mapping[str, Any],
    question: Mapping[str, Any],
    learner: str = "",
    saved_at: str | None = None,
    *,
    learner_id: str | None = None,
    revealed: bool | None = None,
    attempts: int | None = None,
    hints_used: int | None = None,
    first_try_correct: bool | None = None,
) -> dict[str, Any]:
    """The line saved for one checked answer (pure).

    Parameters
    ----------
    result : dict
        From :func:`course_lib.questions.check_answer`. It may carry the optional keys too
        (``revealed``...); the keyword arguments win over it.
    question : dict
    learner : str
        The learner's name as they typed it (may be empty).
    saved_at : str, optional
        ISO 8601 UTC time; defaults to now.
    learner_id : str, optional
        The profile's id (:mod:`course_lib.profile`).
    revealed : bool, optional
        The learner asked to be shown the answer.
    attempts : int, optional
        Checks made so far on this question (0 or more).
    hints_used : int, optional
        Hints shown so far (0 or more).
    first_try_correct : bool, optional
        Whether the first check was right.

    Returns
    -------
    dict
        The optional keys are present only when given.

    Raises
    ------
    ValueError
        An optional value of the wrong kind (``attempts=-1``, ``revealed="yes"``), or a result
        that does not fit the question's type.
    """
    record: dict[str, Any] = {
        "v": RECORD_VERSION,
        "qid": question["id"],
        "lesson": question["lesson"],
        "skill": question["skill"],
        "type": question["type"],
        "response": result["response"],
        "correct": result["correct"],
        "score": result["score"],
        "learner": " ".join(str(learner or "").split())[:200],
        "saved_at": saved_at or utc_now(),
    }
    given = {
        "learner_id": learner_id,
        "revealed": revealed,
        "attempts": attempts,
        "hints_used": hints_used,
        "first_try_correct": first_try_correct,
    }
    for key in OPTIONAL_KEYS:
        value = given[key] if given[key] is not None else result.get(key)
        if value is None:
            continue
        problem = _kind_problem(key, value, OPTIONAL_KEYS[key])
        if problem:
            raise ValueError(f"cannot save the answer to {question['id']}: {problem}")
        record[key] = value
    problem = record_problem(record)
    if problem:
        raise ValueError(f"cannot save the answer to {question['id']}: {problem}")
    return record


def encode_record(record: Mapping[str, Any]) -> bytes:
    """One JSON line, UTF-8, ending in a newline (pure). JSON escapes any newline inside."""
    text = json.dumps(dict(record), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text + "\n").encode("utf-8")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_lines(
    data: bytes, bank: QuestionBank | None = None
) -> tuple[list[tuple[int, dict[str, Any], bytes]], list[tuple[int, bytes, str]]]:
    """Split the bytes of an answers file into usable records and damaged lines (pure).

    Parameters
    ----------
    data : bytes
    bank : QuestionBank, optional
        Also check each record's type against its question (see :func:`record_problem`).

    Returns
    -------
    good : list of (line, record, raw)
        ``raw`` is the line's bytes including its newline (if it had one).
    bad : list of (line, raw, reason)
    """
    good: list[tuple[int, dict[str, Any], bytes]] = []
    bad: list[tuple[int, bytes, str]] = []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        if not raw.strip():
            continue
        body = raw[len(_BOM) :] if number == 1 and raw.startswith(_BOM) else raw
        try:
            record = json.loads(body.decode("utf-8"), parse_constant=_no_constants)
        except UnicodeDecodeError:
            bad.append((number, raw, "not valid UTF-8"))
            continue
        except json.JSONDecodeError as exc:
            bad.append((number, raw, f"not valid JSON ({exc.msg})"))
            continue
        except ValueError as exc:
            bad.append((number, raw, f"not valid JSON ({exc})"))
            continue
        problem = record_problem(record, bank)
        if problem:
            bad.append((number, raw, problem))
            continue
        good.append((number, record, raw))
    return good, bad


def latest_by_question(records: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The last record for each question, in file order (pure)."""
    latest: dict[str, dict[str, Any]] = {}
    for record in records:
        latest[record["qid"]] = dict(record)
    return latest


@dataclass
class LoadReport:
    """What :meth:`AnswerStore.load` found.

    Attributes
    ----------
    answers : dict
        Question id to its latest record.
    records : list of dict
        Every usable record, in file order.
    corrupt : list of dict
        One per damaged line: ``line``, ``reason``, ``excerpt`` (first 80 characters).
    moved_to : Path or None
        Where damaged lines were moved.
    """

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    corrupt: list[dict[str, Any]] = field(default_factory=list)
    moved_to: Path | None = None

    def message(self) -> str:
        """A plain-language summary of any damage, or ``""`` when there was none."""
        if not self.corrupt:
            return ""
        n = len(self.corrupt)
        lines = ", ".join(str(c["line"]) for c in self.corrupt[:5])
        why = self.corrupt[0]["reason"]
        return (
            f"{n} damaged line{'s' if n != 1 else ''} in your answers file (line "
            f"{lines}: {why}) could not be used and {'were' if n != 1 else 'was'} moved, "
            f"unchanged, to {self.moved_to}. All your other answers were loaded."
        )


# ----------------------------------------------------------------------------- the store


class AnswerStore:
    """A learner's answers on disk (I/O only; see the module docstring for the guarantees).

    Parameters
    ----------
    folder : str or Path, optional
        Where to keep ``answers.jsonl``; defaults to :func:`default_folder`.
    bank : QuestionBank, optional
        If given, records are also checked against their questions' types when loaded.
    """

    def __init__(self, folder: str | Path | None = None, bank: QuestionBank | None = None) -> None:
        self.folder = Path(folder).expanduser() if folder is not None else default_folder()
        self.path = self.folder / FILE_NAME
        self.corrupt_path = self.folder / (FILE_NAME + ".corrupt")
        self.exports = self.folder / "exports"
        self.bank = bank

    def __repr__(self) -> str:
        return f"AnswerStore({str(self.folder)!r})"

    def _fail(self, what: str, exc: OSError) -> StoreError:
        if isinstance(exc, fileio.SymlinkError | fileio.LockTimeout | StoreError):
            return StoreError(f"{what}: {exc.strerror or exc}.")
        return StoreError(f"{what} ({exc.strerror or exc}).")

    def _lock(self) -> Any:
        try:
            fileio.ensure_folder(self.folder)
        except OSError as exc:
            raise self._fail(
                f"Cannot create the answers folder {self.folder}; choose another folder", exc
            ) from None
        return fileio.locked(self.folder, LOCK_NAME)

    def append(self, record: Mapping[str, Any]) -> None:
        """Save one answer durably.

        Parameters
        ----------
        record : dict
            From :func:`make_record`.

        Raises
        ------
        StoreError
            If the folder or file cannot be written; the message says which and why.
        """
        line = encode_record(record)
        try:
            with self._lock():
                fd = fileio.open_append(self.path)
                try:
                    size = os.fstat(fd).st_size
                    if size and os.pread(fd, 1, size - 1) != b"\n":
                        line = b"\n" + line  # never glue an answer onto a half-written line
                    written = os.write(fd, line)
                    while written < len(line):  # a short write is rare; finish it under the lock
                        written += os.write(fd, line[written:])
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except StoreError:
            raise
        except OSError as exc:
            raise self._fail(f"Could not save your answer to {self.path}", exc) from None

    def load(self, bank: QuestionBank | None = None) -> LoadReport:
        """Read every saved answer; move damaged lines aside.

        Parameters
        ----------
        bank : QuestionBank, optional
            Defaults to the store's bank.

        Returns
        -------
        LoadReport

        Raises
        ------
        StoreError
            If the file exists but cannot be read or repaired.
        """
        bank = bank if bank is not None else self.bank
        try:
            if not self.path.exists() and not self.path.is_symlink():
                return LoadReport()
            with self._lock():
                data = fileio.read_bytes(self.path) or b""
                good, bad = parse_lines(data, bank)
                report = LoadReport(records=[r for _, r, _ in good])
                report.answers = latest_by_question(report.records)
                if bad:
                    self._move_aside(good, bad)
                    report.moved_to = self.corrupt_path
                    report.corrupt = [
                        {
                            "line": n,
                            "reason": why,
                            "excerpt": raw.decode("utf-8", "replace").strip()[:80],
                        }
                        for n, raw, why in bad
                    ]
        except StoreError:
            raise
        except OSError as exc:
            raise self._fail(f"Cannot read {self.path}", exc) from None
        return report

    def _move_aside(
        self,
        good: list[tuple[int, dict[str, Any], bytes]],
        bad: list[tuple[int, bytes, str]],
    ) -> None:
        """Append damaged lines to the .corrupt file, then rewrite the main file without them."""
        try:
            fd = fileio.open_append(self.corrupt_path)
            try:
                blob = b"".join(raw if raw.endswith(b"\n") else raw + b"\n" for _, raw, _ in bad)
                os.write(fd, blob)
                os.fsync(fd)
            finally:
                os.close(fd)
            body = b"".join(raw if raw.endswith(b"\n") else raw + b"\n" for _, _, raw in good)
            fileio.write_atomic(self.path, body)
        except OSError as exc:
            raise self._fail(
                f"Found damaged lines in {self.path} but could not move them aside", exc
            ) from None

    # -- exports (the text comes from course_lib.exports and course_lib.portfolio)

    def _write(self, name: str, text: str, path: str | Path | None) -> Path:
        try:
            if path is not None:
                return fileio.write_atomic(Path(path).expanduser(), text)
            return fileio.write_new(self.exports / name, text)
        except OSError as exc:
            target = path if path is not None else self.exports / name
            raise self._fail(f"Cannot write {target}", exc) from None

    def _who(self, learner: str) -> tuple[str, str]:
        from course_lib.profile import load_profile

        try:
            profile = load_profile(self.folder)
        except OSError:
            return learner, ""
        return (learner or profile.name), profile.learner_id

    def export_csv(
        self,
        bank: QuestionBank | None = None,
        path: str | Path | None = None,
        learner: str = "",
        lesson: int | None = None,
        when: datetime | None = None,
    ) -> Path:
        """Write the latest answers as CSV (see :func:`course_lib.exports.records_to_csv`).

        Parameters
        ----------
        bank : QuestionBank, optional
        path : str or Path, optional
            Write exactly there (atomically). By default a new file in ``<folder>/exports``
            named by :func:`course_lib.exports.export_name` (never replacing an earlier one).
        learner : str
            Defaults to the name in the learner's profile.
        lesson : int, optional
            Only this lesson's answers.
        when : datetime, optional
            The date in the file name; defaults to now.

        Returns
        -------
        Path
            The file written.
        """
        from course_lib.exports import export_name, records_to_csv

        name, learner_id = self._who(learner)
        text = records_to_csv(
            self.load(bank).records, bank, name, learner_id=learner_id, lesson=lesson
        )
        filename = export_name("answers", "csv", name, learner_id, lesson, when)
        return self._write(filename, text, path)

    def export_html(
        self,
        bank: QuestionBank,
        path: str | Path | None = None,
        learner: str = "",
        lesson: int | None = None,
        when: datetime | None = None,
        capstone: CapstoneState | None = None,
    ) -> Path:
        """Write the portfolio (see :func:`course_lib.portfolio.portfolio_html`).

        Parameters
        ----------
        bank : QuestionBank
        path : str or Path, optional
            As for :meth:`export_csv`.
        learner : str
        lesson : int, optional
            One lesson's portfolio; ``None`` for the course portfolio.
        when : datetime, optional
        capstone : CapstoneState, optional
            The essay to include; by default the saved draft is included in the course
            portfolio and in lesson 5's.

        Returns
        -------
        Path
            The file written.
        """
        from course_lib.exports import export_name
        from course_lib.portfolio import portfolio_html

        name, learner_id = self._who(learner)
        if capstone is None and lesson in (None, 5):
            from course_lib.capstone_draft import read_draft

            try:
                capstone = read_draft(self.folder).state
            except OSError:
                capstone = None
        text = portfolio_html(
            self.load(bank).records,
            bank,
            name,
            lesson=lesson,
            learner_id=learner_id,
            capstone=capstone,
        )
        filename = export_name("portfolio", "html", name, learner_id, lesson, when)
        return self._write(filename, text, path)


def __getattr__(name: str) -> Any:
    """The export helpers, from the modules that now hold them (for older imports)."""
    if name in ("CSV_COLUMNS", "records_to_csv"):
        from course_lib import exports

        return getattr(exports, name)
    if name == "portfolio_html":
        from course_lib.portfolio import portfolio_html

        return portfolio_html
    raise AttributeError(f"module 'course_lib.store' has no attribute {name!r}")
