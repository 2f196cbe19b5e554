"""The class dashboard's tables and page (pure functions on what :func:`collect` returns).

Each table answers one question an instructor asks after a lesson:

* :func:`handed_in` and :func:`lesson_coverage` -- who has handed in what;
* :func:`question_stats` -- per question, the share right at the first try, the share right in
  the end, and how often "Show the answer" was used;
* :func:`option_shares` and :func:`distractors` -- per choice question, the share of students who
  chose each option, and which wrong option misleads most;
* :func:`skill_progress` and :func:`skill_bands` -- per skill (sourcing, contextualization,
  corroboration, close reading), each student's progress;
* :func:`capstone_table` -- the capstone essays, their cited turns and the quotation check;
* :func:`cited_turns` -- which turns students cite most.

:func:`dashboard_html` puts them on one page with charts (:mod:`course_lib.instructor.charts`);
``instructor/class_dashboard.ipynb`` only calls it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from course_lib.capstone import check_essay, make_evidence
from course_lib.data import is_missing, to_records
from course_lib.instructor.charts import OKABE_ITO, Bar, ChartRow, bar_chart
from course_lib.instructor.collecting import Collected
from course_lib.instructor.exports import response_items
from course_lib.questions import REGISTRY, SKILLS, QuestionBank, option_label
from course_lib.templating import Markup, render, style_tag

__all__ = [
    "capstone_table",
    "cited_turns",
    "dashboard_html",
    "distractors",
    "handed_in",
    "lesson_coverage",
    "option_shares",
    "question_stats",
    "skill_bands",
    "skill_progress",
]

SKILL_NAMES = {s: s.replace("_", " ") for s in SKILLS}
#: Question types whose options are picked (one or several): the ones with distractors to count.
_CHOICE_CONTROLS = frozenset({"radio", "checkboxes"})
#: Bands of a student's mean score in a skill, with their chart colours.
BANDS = (
    ("not started", "#FFFFFF"),
    ("answered, not auto-marked", OKABE_ITO["sky_blue"]),
    ("under 50%", OKABE_ITO["vermillion"]),
    ("50-79%", OKABE_ITO["orange"]),
    ("80% or more", OKABE_ITO["bluish_green"]),
)
SPEAKER_COLOURS = {"Liu": OKABE_ITO["vermillion"], "Kim": OKABE_ITO["blue"]}


def _bank_meta(bank: QuestionBank) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"qid": q["id"], "lesson": q["lesson"], "skill": q["skill"], "type": q["type"]}
            for q in bank
        ],
        columns=["qid", "lesson", "skill", "type"],
    )


def handed_in(collected: Collected, bank: QuestionBank) -> pd.DataFrame:
    """Who has handed in what: per student, questions answered in each lesson, and the essay.

    Parameters
    ----------
    collected : Collected
    bank : QuestionBank

    Returns
    -------
    DataFrame
        ``student``, ``label``, ``lesson_N`` (answered, one column per lesson with questions),
        ``questions`` (answered in all), ``capstone`` (bool), ``anonymous``, ``last_saved``;
        sorted by label.
    """
    meta = _bank_meta(bank)
    lessons = sorted(meta["lesson"].unique())
    answers = collected.answers.merge(meta[["qid", "lesson"]], on="qid", suffixes=("_x", ""))
    counts = pd.crosstab(answers["student"], answers["lesson"])
    out = collected.students[["student", "label", "anonymous", "last_saved"]].copy()
    for lesson in lessons:
        col = counts[lesson] if lesson in counts.columns else pd.Series(dtype="int64")
        out[f"lesson_{lesson}"] = out["student"].map(col).fillna(0).astype("Int64")
    out["questions"] = out[[f"lesson_{n}" for n in lessons]].sum(axis=1).astype("Int64")
    caps = collected.capstones
    with_essay = set(caps.loc[caps["used"], "student"]) if len(caps) else set()
    out["capstone"] = out["student"].isin(with_essay)
    cols = ["student", "label", *[f"lesson_{n}" for n in lessons], "questions", "capstone"]
    return out[[*cols, "anonymous", "last_saved"]].reset_index(drop=True)


def lesson_coverage(handed: pd.DataFrame, bank: QuestionBank) -> pd.DataFrame:
    """Per lesson, how many students answered all, some or none of its questions.

    Parameters
    ----------
    handed : DataFrame
        From :func:`handed_in`.
    bank : QuestionBank

    Returns
    -------
    DataFrame
        ``lesson``, ``questions``, ``all``, ``some``, ``none``.
    """
    rows = []
    for lesson, n in sorted(Counter(int(q["lesson"]) for q in bank).items()):
        answered = handed[f"lesson_{lesson}"].astype("int64")
        rows.append(
            {
                "lesson": int(lesson),
                "questions": int(n),
                "all": int((answered >= n).sum()),
                "some": int(((answered > 0) & (answered < n)).sum()),
                "none": int((answered == 0).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["lesson", "questions", "all", "some", "none"])


def _share(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype("Float64")
    den = den.astype("Float64")
    return (num / den.where(den > 0)).astype("Float64")


def question_stats(answers: pd.DataFrame, bank: QuestionBank) -> pd.DataFrame:
    """Per question: answered, right at the first try, right in the end, answer shown.

    Shares are of the students for whom the export says (a column an older export lacks is
    unknown, not zero): ``first_try_correct`` where the export has it, else a single attempt
    that is correct.

    Parameters
    ----------
    answers : DataFrame
        ``Collected.answers``.
    bank : QuestionBank

    Returns
    -------
    DataFrame
        ``qid``, ``lesson``, ``skill``, ``type``, ``answered``, ``first_try_known``,
        ``right_first_try``, ``share_first_try``, ``marked``, ``right``, ``share_right``,
        ``revealed_known``, ``revealed``, ``share_revealed``, ``mean_attempts``; in bank order.
    """
    meta = _bank_meta(bank)
    a = answers[answers["qid"].isin(meta["qid"])]
    first = a["first_try_correct"].astype("boolean")
    single = (a["attempts"] == 1) & a["correct"].notna()
    first = first.fillna(a["correct"].where(single.fillna(False)).astype("boolean"))
    a = a.assign(_first=first)
    g = a.groupby("qid")
    stats = pd.DataFrame(
        {
            "answered": g["student"].nunique(),
            "first_try_known": g["_first"].count(),
            "right_first_try": g["_first"].sum(),
            "marked": g["correct"].count(),
            "right": g["correct"].sum(),
            "revealed_known": g["revealed"].count(),
            "revealed": g["revealed"].sum(),
            "mean_attempts": g["attempts"].mean(),
        }
    )
    out = meta.merge(stats, left_on="qid", right_index=True, how="left")
    for col in ("answered", "first_try_known", "right_first_try", "marked", "right"):
        out[col] = out[col].fillna(0).astype("Int64")
    for col in ("revealed_known", "revealed"):
        out[col] = out[col].fillna(0).astype("Int64")
    out["share_first_try"] = _share(out["right_first_try"], out["first_try_known"])
    out["share_right"] = _share(out["right"], out["marked"])
    out["share_revealed"] = _share(out["revealed"], out["revealed_known"])
    out["mean_attempts"] = out["mean_attempts"].astype("Float64")
    out["lesson"] = out["lesson"].astype("Int64")
    cols = [
        "qid",
        "lesson",
        "skill",
        "type",
        "answered",
        "first_try_known",
        "right_first_try",
        "share_first_try",
        "marked",
        "right",
        "share_right",
        "revealed_known",
        "revealed",
        "share_revealed",
        "mean_attempts",
    ]
    return out[cols].reset_index(drop=True)


def option_shares(answers: pd.DataFrame, bank: QuestionBank) -> pd.DataFrame:
    """Per choice question and option: how many of the students who answered chose it.

    Parameters
    ----------
    answers : DataFrame
    bank : QuestionBank

    Returns
    -------
    DataFrame
        ``qid``, ``option``, ``text``, ``correct``, ``chosen``, ``answered``, ``share``; in bank
        and option order. Single, multiple choice and evidence questions only.
    """
    by_q: dict[str, list[list[str]]] = {}
    for qid, response in zip(answers["qid"], answers["response"], strict=True):
        by_q.setdefault(str(qid), []).append(response_items(response))
    rows = []
    for q in bank:
        kind = REGISTRY.get(q["type"])
        if kind is None or kind.control not in _CHOICE_CONTROLS:
            continue
        ids = {o["id"] for o in q["options"]}
        picks = [set(r) & ids for r in by_q.get(q["id"], [])]
        picks = [p for p in picks if p]
        counts = Counter(i for p in picks for i in p)
        for o in q["options"]:
            label = option_label(q, o)
            rows.append(
                {
                    "qid": q["id"],
                    "option": o["id"],
                    "text": label,
                    "correct": bool(o["correct"]),
                    "chosen": counts.get(o["id"], 0),
                    "answered": len(picks),
                }
            )
    out = pd.DataFrame(
        rows, columns=["qid", "option", "text", "correct", "chosen", "answered"]
    ).astype({"chosen": "Int64", "answered": "Int64"})
    out["share"] = _share(out["chosen"], out["answered"])
    return out


def distractors(shares: pd.DataFrame) -> pd.DataFrame:
    """The wrong option chosen most often in each choice question (which distractor misleads).

    Parameters
    ----------
    shares : DataFrame
        From :func:`option_shares`.

    Returns
    -------
    DataFrame
        ``qid``, ``option``, ``text``, ``chosen``, ``answered``, ``share``; most misleading
        first; questions nobody answered are left out.
    """
    wrong = shares[(~shares["correct"]) & (shares["answered"] > 0)]
    if wrong.empty:
        return pd.DataFrame(columns=["qid", "option", "text", "chosen", "answered", "share"])
    top = wrong.sort_values(["qid", "share", "option"], ascending=[True, False, True])
    top = top.groupby("qid", sort=False).head(1)
    top = top.sort_values(["share", "qid"], ascending=[False, True])
    return top[["qid", "option", "text", "chosen", "answered", "share"]].reset_index(drop=True)


def skill_progress(
    answers: pd.DataFrame, bank: QuestionBank, students: pd.DataFrame
) -> pd.DataFrame:
    """Each student's progress in each skill.

    Parameters
    ----------
    answers : DataFrame
    bank : QuestionBank
    students : DataFrame
        ``Collected.students`` (every student gets every skill, answered or not).

    Returns
    -------
    DataFrame
        ``student``, ``label``, ``skill``, ``questions`` (set in the bank), ``answered``,
        ``marked`` (auto-marked answers), ``mean_score`` (of those), ``share_answered``.
    """
    meta = _bank_meta(bank)
    a = answers.merge(meta[["qid", "skill"]], on="qid", suffixes=("_x", ""))
    g = a.groupby(["student", "skill"])
    stats = pd.DataFrame(
        {"answered": g.size(), "marked": g["score"].count(), "mean_score": g["score"].mean()}
    )
    totals = meta.groupby("skill").size()
    grid = pd.MultiIndex.from_product(
        [students["student"].astype(str), [s for s in SKILLS if s in totals.index]],
        names=["student", "skill"],
    )
    out = stats.reindex(grid).reset_index()
    out["label"] = out["student"].map(
        dict(zip(students["student"], students["label"], strict=True))
    )
    out["questions"] = out["skill"].map(totals).astype("Int64")
    out["answered"] = out["answered"].fillna(0).astype("Int64")
    out["marked"] = out["marked"].fillna(0).astype("Int64")
    out["mean_score"] = out["mean_score"].astype("Float64")
    out["share_answered"] = _share(out["answered"], out["questions"])
    cols = ["student", "label", "skill", "questions", "answered", "marked", "mean_score"]
    return out[[*cols, "share_answered"]]


def _band(answered: int, marked: int, score: Any) -> str:
    if answered == 0:
        return BANDS[0][0]
    if marked == 0 or pd.isna(score):
        return BANDS[1][0]
    if score < 0.5:
        return BANDS[2][0]
    if score < 0.8:
        return BANDS[3][0]
    return BANDS[4][0]


def skill_bands(progress: pd.DataFrame) -> pd.DataFrame:
    """Per skill, how many students are in each band of mean score.

    Parameters
    ----------
    progress : DataFrame
        From :func:`skill_progress`.

    Returns
    -------
    DataFrame
        ``skill`` and one column per band in :data:`BANDS`.
    """
    names = [b for b, _ in BANDS]
    bands = [
        _band(int(a), int(m), s)
        for a, m, s in zip(
            progress["answered"], progress["marked"], progress["mean_score"], strict=True
        )
    ]
    counts = pd.crosstab(progress["skill"], pd.Categorical(bands, categories=names))
    counts = counts.reindex(columns=names, fill_value=0)
    counts = counts.reindex([s for s in SKILLS if s in counts.index])
    counts.columns = names
    return counts.reset_index().rename(columns={"index": "skill"})


def capstone_table(capstones: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """The essays shown (one per student), checked against the minutes.

    Parameters
    ----------
    capstones : DataFrame
        ``Collected.capstones``.
    turns : DataFrame
        The minutes' turns (:func:`course_lib.load_turns`).

    Returns
    -------
    DataFrame
        ``student``, ``label``, ``file``, ``words``, ``cited_turns`` (list of int),
        ``quotes``, ``quotes_ok`` (quotations in the essay, and those word for word),
        ``evidence`` (items), ``evidence_ok``, ``evidence_turns`` (list of int), ``ticked``,
        ``problems`` (list of str), ``essay``.
    """
    cols = [
        "student",
        "label",
        "file",
        "words",
        "cited_turns",
        "quotes",
        "quotes_ok",
        "evidence",
        "evidence_ok",
        "evidence_turns",
        "ticked",
        "problems",
        "essay",
    ]
    rows = []
    used = capstones[capstones["used"]] if len(capstones) else capstones
    # The checks look a turn up once per quotation: on three plain columns that is ten times
    # faster than on the typed table with every column.
    slim = pd.DataFrame(
        {
            "turn": turns["turn"].astype("int64").to_numpy(),
            "speaker": turns["speaker"].astype(str).to_numpy(dtype=object),
            "text": turns["text"].astype(str).to_numpy(dtype=object),
        }
    )
    verdicts: dict[tuple[int, str], str] = {}
    for cap in to_records(used):
        check = check_essay(cap["essay"], slim)
        wrong = sum(1 for p in check["problems"] if "not word for word" in p)
        problems = list(check["problems"])
        ok = 0
        for turn, quote in cap["evidence"]:
            if (turn, quote) not in verdicts:
                try:
                    make_evidence(slim, turn, quote)
                except ValueError as exc:
                    verdicts[turn, quote] = f"Evidence, turn {turn}: {exc}."
                else:
                    verdicts[turn, quote] = ""
            if verdicts[turn, quote]:
                problems.append(verdicts[turn, quote])
            else:
                ok += 1
        rows.append(
            {
                "student": cap["student"],
                "label": cap["student_label"],
                "file": cap["file"],
                "words": check["words"],
                "cited_turns": check["cited_turns"],
                "quotes": check["quotes_ok"] + wrong,
                "quotes_ok": check["quotes_ok"],
                "evidence": len(cap["evidence"]),
                "evidence_ok": ok,
                "evidence_turns": sorted({t for t, _ in cap["evidence"]}),
                "ticked": cap["ticked"],
                "problems": problems,
                "essay": cap["essay"],
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("label", key=lambda s: s.str.casefold()).reset_index(drop=True)


def cited_turns(table: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Which turns students cite most, in their essays or their evidence lists.

    Parameters
    ----------
    table : DataFrame
        From :func:`capstone_table`.
    turns : DataFrame

    Returns
    -------
    DataFrame
        ``turn``, ``speaker``, ``students`` (citing it anywhere), ``in_essays``,
        ``in_evidence``; most cited first, only turns cited at least once.
    """
    essays: Counter[int] = Counter()
    evidence: Counter[int] = Counter()
    anywhere: Counter[int] = Counter()
    for cited, listed in zip(table["cited_turns"], table["evidence_turns"], strict=True):
        essays.update(set(cited))
        evidence.update(set(listed))
        anywhere.update(set(cited) | set(listed))
    speakers = dict(zip(turns["turn"].astype(int), turns["speaker"].astype(str), strict=True))
    rows = [
        {
            "turn": t,
            "speaker": speakers.get(t, "?"),
            "students": n,
            "in_essays": essays.get(t, 0),
            "in_evidence": evidence.get(t, 0),
        }
        for t, n in anywhere.items()
    ]
    out = pd.DataFrame(rows, columns=["turn", "speaker", "students", "in_essays", "in_evidence"])
    return out.sort_values(["students", "turn"], ascending=[False, True]).reset_index(drop=True)


# ----------------------------------------------------------------------------- the page


def _pct(value: Any) -> str:
    return "" if is_missing(value) else f"{float(value):.0%}"


def _charts(collected: Collected, bank: QuestionBank, turns: pd.DataFrame) -> dict[str, Any]:
    handed = handed_in(collected, bank)
    coverage = lesson_coverage(handed, bank)
    stats = question_stats(collected.answers, bank)
    shares = option_shares(collected.answers, bank)
    misleading = distractors(shares)
    progress = skill_progress(collected.answers, bank, collected.students)
    bands = skill_bands(progress)
    caps = capstone_table(collected.capstones, turns)
    cited = cited_turns(caps, turns)
    n = len(collected.students)
    lessons = [c for c in handed.columns if c.startswith("lesson_")]
    totals = coverage.set_index("lesson")["questions"]
    sections: dict[str, Any] = {}

    cov_series = [
        ("all", OKABE_ITO["bluish_green"]),
        ("some", OKABE_ITO["orange"]),
        ("none", "#FFFFFF"),
    ]
    sections["handed_chart"] = bar_chart(
        "Students who answered all, some or none of each lesson's questions",
        [
            ChartRow(
                f"Lesson {r['lesson']:02d} ({r['questions']} questions)",
                [Bar(r["all"], 0), Bar(r["some"], 1), Bar(r["none"], 2)],
                f"{r['all']} all, {r['some']} some",
            )
            for r in to_records(coverage)
        ],
        series=cov_series,
        header=["Lesson", "Questions", "Answered all", "Answered some", "Answered none"],
        table_rows=[
            (f"{r['lesson']:02d}", r["questions"], r["all"], r["some"], r["none"])
            for r in to_records(coverage)
        ],
        description=f"For each lesson, a bar of {n} students split into those who answered "
        "all of its questions, some, or none.",
        share=False,
        stacked=True,
        maximum=float(max(n, 1)),
    )
    sections["handed_table"] = render(
        "table.html.j2",
        header=[
            "Student",
            *[
                f"Lesson {int(c.split('_')[1]):02d} (of {totals[int(c.split('_')[1])]})"
                for c in lessons
            ],
            "Capstone",
            "Last saved",
        ],
        rows=[
            [
                r["label"],
                *[r[c] for c in lessons],
                "yes" if r["capstone"] else "no",
                "" if is_missing(r["last_saved"]) else r["last_saved"].strftime("%Y-%m-%d %H:%M"),
            ]
            for r in to_records(handed)
        ],
        caption=f"Who has handed in what ({n} students)",
    )

    sections["questions_chart"] = bar_chart(
        "Per question: right at the first try, and answer shown",
        [
            ChartRow(
                f"{r['qid']} ({SKILL_NAMES.get(r['skill'], r['skill'])})",
                [
                    Bar(
                        0.0 if is_missing(r["share_first_try"]) else float(r["share_first_try"]), 0
                    ),
                    Bar(0.0 if is_missing(r["share_revealed"]) else float(r["share_revealed"]), 1),
                ],
                f"{_pct(r['share_first_try']) or 'n/a'} / {_pct(r['share_revealed']) or 'n/a'}",
            )
            for r in to_records(stats)
            if r["type"] != "short_answer"
        ],
        series=[
            ("right at first try", OKABE_ITO["blue"]),
            ('"Show the answer" used', OKABE_ITO["orange"]),
        ],
        header=[
            "Question",
            "Skill",
            "Type",
            "Answered",
            "Right at first try",
            "Right in the end",
            "Answer shown",
            "Mean attempts",
        ],
        table_rows=[
            (
                r["qid"],
                SKILL_NAMES.get(r["skill"], r["skill"]),
                r["type"].replace("_", " "),
                r["answered"],
                _pct(r["share_first_try"]),
                _pct(r["share_right"]),
                _pct(r["share_revealed"]),
                "" if is_missing(r["mean_attempts"]) else f"{float(r['mean_attempts']):.1f}",
            )
            for r in to_records(stats)
        ],
        description="For each auto-marked question, two bars: the share of students who were "
        "right at their first try, and the share who used Show the answer. Empty where the "
        "hand-ins do not say.",
    )

    sections["distractor_chart"] = bar_chart(
        "The wrong option chosen most often, per question",
        [
            ChartRow(
                f"{r['qid']}, option {r['option']}", [Bar(float(r["share"]), 0)], _pct(r["share"])
            )
            for r in to_records(misleading.head(20))
        ],
        series=[("chose this wrong option", OKABE_ITO["vermillion"])],
        header=["Question", "Option", "Right?", "Text", "Chose it", "Of", "Share"],
        table_rows=[
            (
                r["qid"],
                r["option"],
                "right" if r["correct"] else "wrong",
                r["text"],
                r["chosen"],
                r["answered"],
                _pct(r["share"]),
            )
            for r in to_records(shares)
        ],
        description="The 20 most misleading distractors: for each, the share of the students "
        "answering the question who chose it. The table lists every option of every choice "
        "question.",
    )

    band_names = [b for b, _ in BANDS]
    sections["skills_chart"] = bar_chart(
        "Students by mean score in each skill",
        [
            ChartRow(
                SKILL_NAMES[str(r["skill"])],
                [Bar(float(r[b]), i) for i, b in enumerate(band_names)],
                f"{int(r[band_names[-1]])} at ≥ 80%",
            )
            for r in to_records(bands)
        ],
        series=list(BANDS),
        header=["Skill", *band_names],
        table_rows=[
            (SKILL_NAMES[str(r["skill"])], *[int(r[b]) for b in band_names])
            for r in to_records(bands)
        ],
        description=f"For each of the four skills, a bar of {n} students split by their mean "
        "score on the skill's auto-marked questions.",
        share=False,
        stacked=True,
        maximum=float(max(n, 1)),
    )
    cell = {
        (str(k), str(s)): f"{a}, {_pct(m) or '-'}"
        for k, s, a, m in zip(
            progress["student"],
            progress["skill"],
            progress["answered"],
            progress["mean_score"],
            strict=True,
        )
    }
    labels = dict(zip(collected.students["student"], collected.students["label"], strict=True))
    skills = [s for s in SKILLS if s in set(progress["skill"])]
    questions = progress.drop_duplicates("skill").set_index("skill")["questions"]
    sections["skills_table"] = render(
        "table.html.j2",
        header=[
            "Student",
            *[f"{SKILL_NAMES[s]}: answered (of {questions[s]}), mean score" for s in skills],
        ],
        rows=[
            [labels.get(key, key), *[cell.get((str(key), s), "") for s in skills]]
            for key in collected.students["student"]
        ],
        caption="Each student's progress per skill",
    )

    sections["capstones"] = [
        {
            "label": r["label"],
            "file": r["file"],
            "words": r["words"],
            "cited": ", ".join(str(t) for t in r["cited_turns"]) or "none",
            "quotes": f"{r['quotes_ok']} of {r['quotes']}",
            "evidence": f"{r['evidence_ok']} of {r['evidence']}",
            "problems": list(r["problems"]),
            "paragraphs": [p for p in str(r["essay"]).split("\n\n") if p.strip()],
        }
        for r in to_records(caps)
    ]
    sections["capstone_table"] = render(
        "table.html.j2",
        header=[
            "Student",
            "Words",
            "Turns cited",
            "Quotations word for word",
            "Evidence verified",
            "Problems",
        ],
        rows=[
            [c["label"], c["words"], c["cited"], c["quotes"], c["evidence"], len(c["problems"])]
            for c in sections["capstones"]
        ],
        caption=f"Capstone essays ({len(caps)} students)",
    )
    sections["cited_chart"] = bar_chart(
        "The turns students cite most (essays and evidence lists)",
        [
            ChartRow(
                f"Turn {r['turn']} ({r['speaker']})",
                [Bar(float(r["students"]), 0, SPEAKER_COLOURS.get(r["speaker"]))],
                f"{r['students']} students",
            )
            for r in to_records(cited.head(20))
        ],
        series=[("Liu", SPEAKER_COLOURS["Liu"]), ("Kim", SPEAKER_COLOURS["Kim"])],
        header=["Turn", "Speaker", "Students citing it", "In essays", "In evidence lists"],
        table_rows=[
            (r["turn"], r["speaker"], r["students"], r["in_essays"], r["in_evidence"])
            for r in to_records(cited)
        ],
        description="The 20 turns cited by the most students, each bar labelled with its "
        "speaker (Liu Shaoqi or Kim Il Sung). The table lists every cited turn.",
        share=False,
    )
    sections["counts"] = {
        "students": n,
        "essays": len(caps),
        "lost": collected.rows_handed_in - len(collected.rows),
    }
    return sections


def dashboard_html(
    collected: Collected,
    bank: QuestionBank | None = None,
    turns: pd.DataFrame | None = None,
    *,
    max_problems: int = 200,
) -> str:
    """The whole dashboard as one HTML fragment (styled, every text escaped).

    Parameters
    ----------
    collected : Collected
    bank : QuestionBank, optional
        Default: the course's bank.
    turns : DataFrame, optional
        Default: the minutes' turns.
    max_problems : int
        Problems listed in full (the count is always given).

    Returns
    -------
    str
    """
    if bank is None:
        from course_lib.questions import load_bank

        bank = load_bank()
    if turns is None:
        from course_lib.data import load_turns

        turns = load_turns()
    parts = _charts(collected, bank, turns)
    problems = collected.problems
    kinds = {str(k): int(n) for k, n in problems["kind"].value_counts().items()}
    problem_table = render(
        "table.html.j2",
        header=["File", "Line", "Kind", "What"],
        rows=[
            [r["file"], r["line"], str(r["kind"]).replace("_", " "), r["message"]]
            for r in to_records(problems.head(max_problems))
        ],
        caption=f"Problems ({len(problems)})",
    )
    return render(
        "dashboard_page.html.j2",
        style=Markup(style_tag()),
        summary=collected.summary(),
        folder=collected.folder,
        kinds=sorted(kinds.items()),
        problems=len(problems),
        max_problems=max_problems,
        problem_table=Markup(problem_table),
        counts=parts["counts"],
        handed_chart=Markup(parts["handed_chart"]),
        handed_table=Markup(parts["handed_table"]),
        questions_chart=Markup(parts["questions_chart"]),
        distractor_chart=Markup(parts["distractor_chart"]),
        skills_chart=Markup(parts["skills_chart"]),
        skills_table=Markup(parts["skills_table"]),
        capstone_table=Markup(parts["capstone_table"]),
        capstones=parts["capstones"],
        cited_chart=Markup(parts["cited_chart"]),
    )
