"""The answer store: every answer saved as it is given, restored when a notebook is reopened.

Answers are JSON Lines in ``answers.jsonl`` inside a folder the learner can choose (argument
``folder``), else ``$PYONGYANG1963_ANSWERS``, else ``~/.pyongyang1963/answers/``. The latest
answer to a question wins.

Nothing is lost:

- each answer is one complete line written by a single ``os.write`` on a file opened with
  ``O_APPEND``, then ``fsync``-ed, while holding an exclusive ``fcntl`` lock on a lock file in
  the same folder, so two notebooks (two processes) writing at once never interleave;
- if the file was left without a final newline (a crash mid-write), the next answer starts on a
  fresh line instead of gluing itself to the damaged one;
- a line that cannot be read is moved, byte for byte, to ``answers.jsonl.corrupt`` and reported
  in :class:`LoadReport` while every other answer loads; the main file is rewritten through a
  temporary file and an atomic rename, under the same lock.

The pure helpers (:func:`make_record`, :func:`parse_lines`, :func:`latest_by_question`,
:func:`records_to_csv`, :func:`portfolio_html`) hold all the logic; :class:`AnswerStore` only
does I/O.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from course_lib.questions import QuestionBank, describe_response

try:  # POSIX; on Windows appends stay atomic per line but are not locked across processes.
    import fcntl
except ImportError:  # pragma: no cover - exercised only on Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "ANSWERS_ENV",
    "CSV_COLUMNS",
    "FILE_NAME",
    "AnswerStore",
    "LoadReport",
    "StoreError",
    "default_folder",
    "encode_record",
    "latest_by_question",
    "make_record",
    "on_binder",
    "parse_lines",
    "portfolio_html",
    "records_to_csv",
]

ANSWERS_ENV = "PYONGYANG1963_ANSWERS"
FILE_NAME = "answers.jsonl"
LOCK_NAME = ".answers.lock"
RECORD_VERSION = 1
CSV_COLUMNS = [
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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class StoreError(OSError):
    """The answer folder cannot be used (permissions, a full disk...); the message says why."""


def default_folder(env: Mapping[str, str] | None = None) -> Path:
    """The folder answers go to when none is given.

    Parameters
    ----------
    env : mapping, optional
        Environment variables (defaults to ``os.environ``).

    Returns
    -------
    Path
        ``$PYONGYANG1963_ANSWERS`` if set and not blank, else ``~/.pyongyang1963/answers``.
    """
    env = os.environ if env is None else env
    chosen = (env.get(ANSWERS_ENV) or "").strip()
    if chosen:
        return Path(chosen).expanduser()
    return Path.home() / ".pyongyang1963" / "answers"


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def make_record(
    result: Mapping[str, Any],
    question: Mapping[str, Any],
    learner: str = "",
    saved_at: str | None = None,
) -> dict[str, Any]:
    """The line saved for one checked answer (pure).

    Parameters
    ----------
    result : dict
        From :func:`course_lib.questions.check_answer`.
    question : dict
    learner : str
        The learner's name as they typed it (may be empty).
    saved_at : str, optional
        ISO 8601 UTC time; defaults to now.

    Returns
    -------
    dict
    """
    return {
        "v": RECORD_VERSION,
        "qid": question["id"],
        "lesson": question["lesson"],
        "skill": question["skill"],
        "type": question["type"],
        "response": result["response"],
        "correct": result["correct"],
        "score": result["score"],
        "learner": " ".join(str(learner or "").split())[:200],
        "saved_at": saved_at or _now(),
    }


def encode_record(record: Mapping[str, Any]) -> bytes:
    """One JSON line, UTF-8, ending in a newline (pure). JSON escapes any newline inside."""
    return (json.dumps(dict(record), ensure_ascii=False, separators=(",", ":")) + "\n").encode(
        "utf-8"
    )


def parse_lines(
    data: bytes,
) -> tuple[list[tuple[int, dict[str, Any], bytes]], list[tuple[int, bytes, str]]]:
    """Split the bytes of an answers file into readable records and damaged lines (pure).

    Parameters
    ----------
    data : bytes

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
        try:
            record = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            bad.append((number, raw, "not valid UTF-8"))
            continue
        except json.JSONDecodeError as exc:
            bad.append((number, raw, f"not valid JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("qid"), str):
            bad.append((number, raw, "not an answer record"))
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
        Every readable record, in file order.
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
        return (
            f"{n} damaged line{'s' if n != 1 else ''} in your answers file (line "
            f"{lines}) could not be read and {'were' if n != 1 else 'was'} moved to "
            f"{self.moved_to}. All your other answers were loaded."
        )


def _csv_cell(value: Any) -> str:
    """Neutralise spreadsheet formulas in free text (OWASP CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def records_to_csv(
    records: Iterable[Mapping[str, Any]], bank: QuestionBank | None = None, learner: str = ""
) -> str:
    """The latest answer per question as CSV text, in bank order (pure).

    Parameters
    ----------
    records : iterable of dict
        Saved records (all attempts; only the latest per question is kept).
    bank : QuestionBank, optional
        Used to order rows and to spell out answers as option text.
    learner : str
        Overrides the records' learner name when not empty.

    Returns
    -------
    str
        With the header :data:`CSV_COLUMNS`; text cells that start like a spreadsheet formula
        are prefixed with an apostrophe.
    """
    latest = latest_by_question(records)
    order = {qid: i for i, qid in enumerate(bank.ids)} if bank is not None else {}
    rows = sorted(latest.values(), key=lambda r: (order.get(r["qid"], len(order)), r["qid"]))
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        question = bank.get(r["qid"]) if bank is not None and r["qid"] in bank else None
        response = r.get("response")
        raw = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
        text = describe_response(question, response) if question else raw
        correct = r.get("correct")
        writer.writerow(
            [
                _csv_cell(learner or r.get("learner", "")),
                r["qid"],
                r.get("lesson", ""),
                r.get("skill", ""),
                r.get("type", ""),
                _csv_cell(raw),
                _csv_cell(text),
                "" if correct is None else str(bool(correct)).lower(),
                "" if r.get("score") is None else r["score"],
                r.get("saved_at", ""),
            ]
        )
    return buf.getvalue()


_PORTFOLIO_CSS = """
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#111}
h1{font-size:1.6rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2rem}
.q{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.meta{color:#444;font-size:.9rem}.answer{background:#f4f4f4;padding:.5rem;white-space:pre-wrap}
.ok{color:#006b4f;font-weight:bold}.no{color:#a33c00;font-weight:bold}
"""


def portfolio_html(
    records: Iterable[Mapping[str, Any]],
    bank: QuestionBank,
    learner: str = "",
    generated_at: str | None = None,
    lesson: int | None = None,
) -> str:
    """A self-contained, readable HTML portfolio of a learner's latest answers (pure).

    Every piece of text from the bank or the learner is HTML-escaped.

    Parameters
    ----------
    records : iterable of dict
    bank : QuestionBank
    learner : str
    generated_at : str, optional
        Shown in the heading; defaults to now (UTC).
    lesson : int, optional
        Limit the portfolio to one lesson.

    Returns
    -------
    str
        A complete HTML document.
    """
    from html import escape

    latest = latest_by_question(records)
    questions = bank.for_lesson(lesson)
    name = " ".join(str(learner or "").split()) or next(
        (r.get("learner") for r in latest.values() if r.get("learner")), ""
    )
    answered = [q for q in questions if q["id"] in latest]
    right = sum(1 for q in answered if latest[q["id"]].get("correct") is True)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Pyongyang 1963 portfolio{(' - ' + escape(name)) if name else ''}</title>",
        f"<style>{_PORTFOLIO_CSS}</style></head><body><main>",
        "<h1>Pyongyang 1963: portfolio of answers</h1>",
        f'<p class="meta">Learner: {escape(name) if name else "(no name given)"}. '
        f"Generated {escape(generated_at or _now())}. {len(answered)} of {len(questions)} "
        f"questions answered; {right} marked correct. Short answers are self-assessed "
        "against the rubric.</p>",
    ]
    current = None
    for q in questions:
        if q["lesson"] != current:
            current = q["lesson"]
            parts.append(f"<h2>Lesson {current:02d}</h2>")
        rec = latest.get(q["id"])
        parts.append('<section class="q">')
        parts.append(
            f'<h3>{escape(q["id"])} <span class="meta">({escape(q["skill"].replace("_", " "))}'
            f", {escape(q['type'].replace('_', ' '))})</span></h3>"
        )
        parts.append(f"<p>{escape(q['prompt'])}</p>")
        if rec is None:
            parts.append('<p class="meta">Not answered.</p>')
        else:
            parts.append(
                f'<p><strong>Answer</strong> <span class="meta">(saved '
                f"{escape(str(rec.get('saved_at', '')))})</span></p>"
            )
            parts.append(
                f'<div class="answer">{escape(describe_response(q, rec.get("response")))}</div>'
            )
            if rec.get("correct") is True:
                parts.append('<p class="ok">Correct.</p>')
            elif rec.get("correct") is False:
                score = rec.get("score")
                pct = f" (score {round(100 * float(score))}%)" if score is not None else ""
                parts.append(f'<p class="no">Not correct{escape(pct)}.</p>')
            else:
                parts.append('<p class="meta">Self-assessed against the rubric.</p>')
            parts.append(f'<p class="meta">Explanation: {escape(q["explanation"])}</p>')
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


class AnswerStore:
    """A learner's answers on disk (I/O only; see the module docstring for the guarantees).

    Parameters
    ----------
    folder : str or Path, optional
        Where to keep ``answers.jsonl``; defaults to :func:`default_folder`.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder).expanduser() if folder is not None else default_folder()
        self.path = self.folder / FILE_NAME
        self.corrupt_path = self.folder / (FILE_NAME + ".corrupt")

    def __repr__(self) -> str:
        return f"AnswerStore({str(self.folder)!r})"

    def _ensure_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the answers folder {self.folder} ({exc.strerror or exc}). "
                "Choose another folder."
            ) from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._ensure_folder()
        try:
            fd = os.open(self.folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(
                f"Cannot use the answers folder {self.folder} ({exc.strerror or exc})."
            ) from None
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

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
        with self._locked():
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            except OSError as exc:
                raise StoreError(f"Cannot open {self.path} ({exc.strerror or exc}).") from None
            try:
                size = os.fstat(fd).st_size
                if size and os.pread(fd, 1, size - 1) != b"\n":
                    line = b"\n" + line  # never glue an answer onto a half-written line
                written = os.write(fd, line)
                while written < len(line):  # a short write is rare; finish it under the lock
                    written += os.write(fd, line[written:])
                os.fsync(fd)
            except OSError as exc:
                raise StoreError(
                    f"Could not save your answer to {self.path} ({exc.strerror or exc})."
                ) from None
            finally:
                os.close(fd)

    def load(self) -> LoadReport:
        """Read every saved answer; move damaged lines aside.

        Returns
        -------
        LoadReport

        Raises
        ------
        StoreError
            If the file exists but cannot be read or repaired.
        """
        if not self.path.exists():
            return LoadReport()
        with self._locked():
            try:
                data = self.path.read_bytes()
            except OSError as exc:
                raise StoreError(f"Cannot read {self.path} ({exc.strerror or exc}).") from None
            good, bad = parse_lines(data)
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
        return report

    def _move_aside(
        self,
        good: list[tuple[int, dict[str, Any], bytes]],
        bad: list[tuple[int, bytes, str]],
    ) -> None:
        """Append damaged lines to the .corrupt file, then rewrite the main file without them."""
        try:
            fd = os.open(self.corrupt_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                blob = b"".join(raw if raw.endswith(b"\n") else raw + b"\n" for _, raw, _ in bad)
                os.write(fd, blob)
                os.fsync(fd)
            finally:
                os.close(fd)
            body = b"".join(raw if raw.endswith(b"\n") else raw + b"\n" for _, _, raw in good)
            tmp_fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".answers.", suffix=".tmp")
            try:
                with os.fdopen(tmp_fd, "wb") as fh:
                    fh.write(body)
                    fh.flush()
                    os.fsync(fh.fileno())
                Path(tmp).replace(self.path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # make the rename durable where supported
                dfd = os.open(self.folder, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
        except OSError as exc:
            raise StoreError(
                f"Found damaged lines in {self.path} but could not move them aside "
                f"({exc.strerror or exc})."
            ) from None

    def _write_export(self, name: str, text: str, path: str | Path | None) -> Path:
        target = Path(path).expanduser() if path is not None else self.folder / "exports" / name
        try:  # owner-only (mkstemp makes 0600) and atomic: a hand-in is never half written
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                Path(tmp).replace(target)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot write {target} ({exc.strerror or exc}).") from None
        return target

    def export_csv(
        self, bank: QuestionBank | None = None, path: str | Path | None = None, learner: str = ""
    ) -> Path:
        """Write the latest answers as CSV (see :func:`records_to_csv`).

        Parameters
        ----------
        bank : QuestionBank, optional
        path : str or Path, optional
            Defaults to ``<folder>/exports/answers.csv``.
        learner : str

        Returns
        -------
        Path
            The file written.
        """
        text = records_to_csv(self.load().records, bank, learner)
        return self._write_export("answers.csv", text, path)

    def export_html(
        self,
        bank: QuestionBank,
        path: str | Path | None = None,
        learner: str = "",
        lesson: int | None = None,
    ) -> Path:
        """Write the portfolio (see :func:`portfolio_html`).

        Parameters
        ----------
        bank : QuestionBank
        path : str or Path, optional
            Defaults to ``<folder>/exports/portfolio.html``.
        learner : str
        lesson : int, optional

        Returns
        -------
        Path
            The file written.
        """
        text = portfolio_html(self.load().records, bank, learner, lesson=lesson)
        return self._write_export("portfolio.html", text, path)
