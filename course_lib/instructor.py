"""The instructor's side: collect a class's exported answers, summarise them, print a key.

Learners export ``answers.csv`` from the question widgets and hand it in. Put the files in one
folder (any names; sub-folders are searched too) and call :func:`collect`:

>>> from course_lib.instructor import collect, per_question, per_student  # doctest: +SKIP
>>> result = collect("handed_in/")                                           # doctest: +SKIP
>>> result.problems      # files that could not be read, each named          # doctest: +SKIP
>>> per_question(result.answers)                                             # doctest: +SKIP

Reading (:func:`read_exports`) only does I/O; parsing and the summaries are pure functions on
DataFrames. :func:`answer_key_markdown` renders the answer key that
``scripts/build_answer_key.py`` writes to ``instructor/answer_key.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from course_lib.questions import QuestionBank
from course_lib.store import CSV_COLUMNS

__all__ = [
    "Collected",
    "answer_key_markdown",
    "collect",
    "parse_export",
    "per_question",
    "per_student",
    "read_exports",
]

_REQUIRED = {"qid", "correct", "score"}
_FORMULA_GUARD = ("'=", "'+", "'-", "'@", "'\t", "'\r")
#: Columns of the merged table, in order.
COLUMNS = ["student", "file", *CSV_COLUMNS]


@dataclass
class Collected:
    """What :func:`collect` found.

    Attributes
    ----------
    answers : DataFrame
        One row per student and question (columns :data:`COLUMNS`).
    problems : list of str
        One message per file that could not be used, naming the file.
    files : list of str
        The files that were read.
    """

    answers: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def read_exports(folder: str | Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """Read every ``*.csv`` under a folder (I/O only).

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    files : list of (name, bytes)
        ``name`` is the path relative to ``folder``.
    problems : list of str
        Files that could not be read, and a note if the folder is missing or empty.
    """
    root = Path(folder).expanduser()
    if not root.is_dir():
        return [], [f"{root}: no such folder"]
    files, problems = [], []
    for path in sorted(root.rglob("*.csv")):
        name = str(path.relative_to(root))
        try:
            files.append((name, path.read_bytes()))
        except OSError as exc:
            problems.append(f"{name}: cannot be read ({exc.strerror or exc})")
    if not files and not problems:
        problems.append(f"{root}: no .csv files found")
    return files, problems


def _unguard(value: str) -> str:
    return value[1:] if value.startswith(_FORMULA_GUARD) else value


def parse_export(name: str, data: bytes) -> pd.DataFrame:
    """Parse one learner's exported CSV into rows of the merged table (pure).

    Parameters
    ----------
    name : str
        The file's name; used in errors and as the student's name if the file has none.
    data : bytes

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`; ``correct`` is a nullable boolean, ``score`` a float,
        ``lesson`` a nullable integer.

    Raises
    ------
    ValueError
        Naming the file: not UTF-8, not CSV, missing columns, or a bad value (with its line).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{name}: not a UTF-8 text file") from None
    if not text.strip():
        raise ValueError(f"{name}: the file is empty")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = _REQUIRED - set(header)
        if missing:
            raise ValueError(
                f"{name}: not an answers export (missing column {', '.join(sorted(missing))})"
            )
        rows = []
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                raise ValueError(f"{name}, line {line}: wrong number of values")
            correct = row.get("correct", "").strip().lower()
            if correct not in ("true", "false", ""):
                raise ValueError(f"{name}, line {line}: correct must be true, false or empty")
            score = row.get("score", "").strip()
            try:
                score_value = float(score) if score else None
            except ValueError:
                raise ValueError(
                    f"{name}, line {line}: score {score[:20]!r} is not a number"
                ) from None
            if score_value is not None and not 0.0 <= score_value <= 1.0:
                raise ValueError(f"{name}, line {line}: score must be between 0 and 1")
            lesson = row.get("lesson", "").strip()
            if lesson and not lesson.isdigit():
                raise ValueError(f"{name}, line {line}: lesson {lesson[:20]!r} is not a number")
            qid = row["qid"].strip()
            if not qid:
                raise ValueError(f"{name}, line {line}: the question id is empty")
            learner = _unguard(row.get("learner", "")).strip()
            rows.append(
                {
                    "student": learner or Path(name).stem,
                    "file": name,
                    "learner": learner,
                    "qid": qid,
                    "lesson": int(lesson) if lesson else None,
                    "skill": row.get("skill", ""),
                    "type": row.get("type", ""),
                    "response": _unguard(row.get("response", "")),
                    "answer_text": _unguard(row.get("answer_text", "")),
                    "correct": None if correct == "" else correct == "true",
                    "score": score_value,
                    "saved_at": row.get("saved_at", ""),
                }
            )
    except csv.Error as exc:
        raise ValueError(f"{name}, line {reader.line_num}: malformed CSV ({exc})") from None
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype(
        {
            "lesson": "Int64",
            "correct": "boolean",
            "score": "Float64",
            **{c: "string" for c in COLUMNS if c not in ("lesson", "correct", "score")},
        }
    )


def merge_exports(files: Iterable[tuple[str, bytes]]) -> tuple[pd.DataFrame, list[str]]:
    """Parse and merge many exports; a bad file is reported, the rest still merge (pure).

    When the same student answered the same question in several files, the latest
    ``saved_at`` wins.

    Parameters
    ----------
    files : iterable of (name, bytes)

    Returns
    -------
    answers : DataFrame
    problems : list of str
    """
    frames, problems = [], []
    for name, data in files:
        try:
            frame = parse_export(name, data)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if frame.empty:
            problems.append(f"{name}: no answers in the file")
            continue
        frames.append(frame)
    if not frames:
        return _frame([]), problems
    merged = pd.concat(frames, ignore_index=True)
    merged = merged.sort_values(["student", "qid", "saved_at"], kind="stable")
    merged = merged.drop_duplicates(["student", "qid"], keep="last").reset_index(drop=True)
    return merged, problems


def collect(folder: str | Path) -> Collected:
    """Merge a class's exported answer files into one table.

    Parameters
    ----------
    folder : str or Path
        Holds the learners' ``.csv`` exports (sub-folders included).

    Returns
    -------
    Collected
        ``answers`` (one row per student and question), ``problems`` (each bad file by name),
        ``files`` (what was read).
    """
    files, problems = read_exports(folder)
    answers, more = merge_exports(files)
    return Collected(answers=answers, problems=problems + more, files=[n for n, _ in files])


def per_question(answers: pd.DataFrame, bank: QuestionBank | None = None) -> pd.DataFrame:
    """How the class did on each question (pure).

    Parameters
    ----------
    answers : DataFrame
        From :func:`collect`.
    bank : QuestionBank, optional
        Adds questions nobody answered, with zero answers, and orders rows as in the bank.

    Returns
    -------
    DataFrame
        ``qid``, ``lesson``, ``skill``, ``type``, ``answered`` (students), ``correct``
        (students), ``share_correct`` (of those auto-marked), ``mean_score``.
    """
    cols = ["qid", "lesson", "skill", "type", "answered", "correct", "share_correct", "mean_score"]
    if answers.empty and bank is None:
        return pd.DataFrame(columns=cols)
    grouped = answers.groupby("qid", sort=False)
    stats = pd.DataFrame(
        {
            "answered": grouped["student"].nunique(),
            "correct": grouped["correct"].apply(lambda s: int(s.fillna(False).sum())),
            "marked": grouped["correct"].apply(lambda s: int(s.notna().sum())),
            "mean_score": grouped["score"].mean(),
        }
    )
    meta = answers.drop_duplicates("qid").set_index("qid")[["lesson", "skill", "type"]]
    if bank is not None:
        meta = pd.DataFrame(
            [
                {"qid": q["id"], "lesson": q["lesson"], "skill": q["skill"], "type": q["type"]}
                for q in bank
            ]
        ).set_index("qid")
        extra = answers.loc[~answers["qid"].isin(meta.index)].drop_duplicates("qid")
        if not extra.empty:
            meta = pd.concat([meta, extra.set_index("qid")[["lesson", "skill", "type"]]])
    out = meta.join(stats, how="left")
    out["answered"] = out["answered"].fillna(0).astype("Int64")
    out["correct"] = out["correct"].fillna(0).astype("Int64")
    marked = out["marked"].fillna(0)
    out["share_correct"] = (out["correct"].astype("Float64") / marked.where(marked > 0)).astype(
        "Float64"
    )
    out["mean_score"] = out["mean_score"].astype("Float64")
    out = out.reset_index().rename(columns={"index": "qid"})
    out["lesson"] = out["lesson"].astype("Int64")
    return out[cols]


def per_student(answers: pd.DataFrame, total: int | None = None) -> pd.DataFrame:
    """How each student did (pure).

    Parameters
    ----------
    answers : DataFrame
        From :func:`collect`.
    total : int, optional
        Number of questions set (e.g. ``len(bank)``); adds ``share_answered``.

    Returns
    -------
    DataFrame
        ``student``, ``answered``, ``correct``, ``mean_score`` (auto-marked questions),
        ``short_answers``, ``last_saved`` and, with ``total``, ``share_answered``; sorted by
        student.
    """
    cols = ["student", "answered", "correct", "mean_score", "short_answers", "last_saved"]
    if answers.empty:
        return pd.DataFrame(columns=cols + (["share_answered"] if total else []))
    grouped = answers.groupby("student", sort=True)
    out = pd.DataFrame(
        {
            "answered": grouped["qid"].nunique().astype("Int64"),
            "correct": grouped["correct"]
            .apply(lambda s: int(s.fillna(False).sum()))
            .astype("Int64"),
            "mean_score": grouped["score"].mean().astype("Float64"),
            "short_answers": grouped["correct"]
            .apply(lambda s: int(s.isna().sum()))
            .astype("Int64"),
            "last_saved": grouped["saved_at"].max().astype("string"),
        }
    ).reset_index()
    if total:
        out["share_answered"] = (out["answered"].astype("Float64") / total).astype("Float64")
        cols = [*cols, "share_answered"]
    return out[cols]


def _md(text: object) -> str:
    """Make text safe inside a Markdown table cell or list item."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def answer_key_markdown(bank: QuestionBank) -> str:
    """The answer key, generated from the bank (pure).

    Parameters
    ----------
    bank : QuestionBank

    Returns
    -------
    str
        Markdown: for every question, its prompt, the right answer(s) (pinned options marked),
        the hints in order, the explanation and sources; short answers get the model answer and
        rubric.
    """
    out = [
        "# Answer key",
        "",
        "<!-- Generated by scripts/build_answer_key.py from data/questions.json. Do not edit by "
        "hand: edit the bank and run `python scripts/build_answer_key.py`. -->",
        "",
        f"{len(bank)} questions. Skills: "
        + ", ".join(
            f"{s.replace('_', ' ')} {sum(1 for q in bank if q['skill'] == s)}"
            for s in ("sourcing", "contextualization", "corroboration", "close_reading")
        )
        + ".",
        "",
    ]
    lesson = None
    for q in bank:
        if q["lesson"] != lesson:
            lesson = q["lesson"]
            out += [f"## Lesson {lesson:02d}", ""]
        out += [
            f"### {q['id']} ({q['skill'].replace('_', ' ')}, {q['type'].replace('_', ' ')})",
            "",
            _md(q["prompt"]),
            "",
        ]
        if q.get("claim"):
            out += [f"Claim ({q['stance']}): {_md(q['claim'])}", ""]
        qtype = q["type"]
        if qtype in ("single_choice", "multiple_choice", "evidence"):
            out.append("**Answer:**")
            out.append("")
            for o in q["options"]:
                mark = "✔" if o["correct"] else "✘"
                label = f"Turn {o['turn']}: " if "turn" in o and qtype == "evidence" else ""
                pin = " (pinned)" if o.get("pin") else ""
                out.append(
                    f"- {mark} `{o['id']}`{pin} {label}{_md(o['text'])} — {_md(o['feedback'])}"
                )
            out.append("")
        elif qtype == "ordering":
            by_id = {o["id"]: o for o in q["options"]}
            out += ["**Correct order:**", ""]
            for i, item in enumerate(q["correct_order"], 1):
                o = by_id[item]
                out.append(f"{i}. {_md(o['text'])} — {_md(o['feedback'])}")
            out.append("")
        else:
            out += ["**Model answer:** " + _md(q["model_answer"]), "", "**Rubric:**", ""]
            out += [f"- {_md(r['criterion'])} ({r['points']} pt)" for r in q["rubric"]]
            out.append("")
        if q.get("hints"):
            out += ["**Hints** (shown one at a time):", ""]
            out += [f"{i}. {_md(h)}" for i, h in enumerate(q["hints"], 1)]
            out.append("")
        out += ["**Explanation:** " + _md(q["explanation"]), ""]
        if q.get("sources"):
            out += ["Sources:", ""]
            out += [f"- [{_md(s['title'])}]({s['url']})" for s in q["sources"]]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
