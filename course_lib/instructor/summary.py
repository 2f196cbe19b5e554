"""Short summaries of collected answers: per question and per student (pure)."""

from __future__ import annotations

import pandas as pd

from course_lib.questions import QuestionBank

__all__ = ["per_question", "per_student"]


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
        ``student`` (the learner's unique label), ``answered``, ``correct``, ``mean_score``
        (auto-marked questions), ``short_answers``, ``last_saved`` and, with ``total``,
        ``share_answered``; sorted by student.
    """
    cols = ["student", "answered", "correct", "mean_score", "short_answers", "last_saved"]
    if answers.empty:
        return pd.DataFrame(columns=cols + (["share_answered"] if total else []))
    grouped = answers.groupby("student_label", sort=True)
    out = (
        pd.DataFrame(
            {
                "answered": grouped["qid"].nunique().astype("Int64"),
                "correct": grouped["correct"]
                .apply(lambda s: int(s.fillna(False).sum()))
                .astype("Int64"),
                "mean_score": grouped["score"].mean().astype("Float64"),
                "short_answers": grouped["correct"]
                .apply(lambda s: int(s.isna().sum()))
                .astype("Int64"),
                "last_saved": grouped["saved_at"].max(),
            }
        )
        .reset_index()
        .rename(columns={"student_label": "student"})
    )
    if total:
        out["share_answered"] = (out["answered"].astype("Float64") / total).astype("Float64")
        cols = [*cols, "share_answered"]
    return out[cols]
