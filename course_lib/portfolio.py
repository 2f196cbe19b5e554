"""The portfolio: a learner's latest answers (and their essay) as one readable HTML page.

One lesson's portfolio, or the course portfolio (every lesson, with the capstone essay): both
rendered from ``templates/portfolio.html.j2`` with autoescaping, so nothing a learner typed or
the bank says can become markup. The verdict on each answer is the one the question widget gave
(:func:`course_lib.questions.check_answer`'s message), so the two never disagree. Times are
shown in local time (:func:`course_lib.localtime.readable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from course_lib.localtime import readable, utc_now
from course_lib.store import latest_by_question

if TYPE_CHECKING:
    from course_lib.capstone import CapstoneState
    from course_lib.questions import QuestionBank

__all__ = ["portfolio_context", "portfolio_html"]


def _verdict(question: Mapping[str, Any], record: Mapping[str, Any]) -> tuple[str, str]:
    """The verdict's CSS class and text, in the words the question widget used."""
    from course_lib.questions import AnswerError, check_answer

    correct = record.get("correct")
    if correct is None:
        return "p63-fb-self", "Self-assessed against the rubric."
    if correct is True:
        return "p63-fb-ok", "Correct."
    try:
        message = str(check_answer(question, record.get("response")).get("message", ""))
    except (AnswerError, KeyError, TypeError, ValueError):
        message = ""
    text = "Not correct"
    if question["type"] != "single_choice" and message:
        text += f": {message.rstrip('.')}"
    score = record.get("score")
    if question["type"] in ("multiple_choice", "evidence") and isinstance(score, int | float):
        text += f" (score {round(100 * float(score))}%)"
    return "p63-fb-no", text + "."


def _process(record: Mapping[str, Any]) -> str:
    """How the answer was reached: checks, hints, the answer shown on request."""
    parts = []
    attempts = record.get("attempts")
    if isinstance(attempts, int) and attempts:
        parts.append(f"checked {attempts} time{'s' if attempts != 1 else ''}")
    hints = record.get("hints_used")
    if isinstance(hints, int) and hints:
        parts.append(f"{hints} hint{'s' if hints != 1 else ''} used")
    if record.get("first_try_correct") is True:
        parts.append("right at the first try")
    if record.get("revealed") is True:
        parts.append("the answer was shown on request")
    return ("; ".join(parts)).capitalize() + "." if parts else ""


def portfolio_context(
    records: Iterable[Mapping[str, Any]],
    bank: QuestionBank,
    learner: str = "",
    generated_at: str | None = None,
    lesson: int | None = None,
    *,
    learner_id: str = "",
    capstone: CapstoneState | None = None,
    tz: tzinfo | None = None,
) -> dict[str, Any]:
    """What the portfolio shows (pure); see :func:`portfolio_html` for the parameters."""
    from course_lib.questions import describe_response

    latest = latest_by_question(records)
    questions = bank.for_lesson(lesson)
    name = " ".join(str(learner or "").split()) or next(
        (str(r["learner"]) for r in latest.values() if r.get("learner")), ""
    )
    groups: list[dict[str, Any]] = []
    right = answered = 0
    for q in questions:
        if not groups or groups[-1]["lesson"] != q["lesson"]:
            groups.append({"lesson": q["lesson"], "questions": []})
        rec = latest.get(q["id"])
        item: dict[str, Any] = {
            "id": q["id"],
            "skill": q["skill"].replace("_", " "),
            "type": q["type"].replace("_", " "),
            "prompt": q["prompt"],
            "answered": rec is not None,
        }
        if rec is not None:
            answered += 1
            right += rec.get("correct") is True
            css, verdict = _verdict(q, rec)
            item |= {
                "saved": readable(rec.get("saved_at", ""), tz),
                "answer": describe_response(q, rec.get("response")),
                "css": css,
                "verdict": verdict,
                "process": _process(rec),
                "explanation": q["explanation"],
            }
        groups[-1]["questions"].append(item)
    essay = None
    if capstone is not None and lesson in (None, 5):
        from course_lib.capstone_export import essay_context

        essay = essay_context(capstone)
    return {
        "name": name,
        "learner_id": learner_id,
        "scope": "Whole course" if lesson is None else f"Lesson {lesson:02d}",
        "generated": readable(generated_at or utc_now(), tz),
        "answered": answered,
        "total": len(questions),
        "right": right,
        "lessons": groups,
        "essay": essay,
    }


def portfolio_html(
    records: Iterable[Mapping[str, Any]],
    bank: QuestionBank,
    learner: str = "",
    generated_at: str | None = None,
    lesson: int | None = None,
    *,
    learner_id: str = "",
    capstone: CapstoneState | None = None,
    tz: tzinfo | None = None,
) -> str:
    """A self-contained, readable HTML portfolio of a learner's latest answers (pure).

    Parameters
    ----------
    records : iterable of dict
    bank : QuestionBank
    learner : str
        Defaults to the name saved with the answers.
    generated_at : str, optional
        ISO 8601 UTC; shown in local time; defaults to now.
    lesson : int, optional
        One lesson; ``None`` for the whole course.
    learner_id : str
    capstone : CapstoneState, optional
        The essay, shown at the end of the course portfolio and of lesson 5's.
    tz : tzinfo, optional
        The zone times are shown in (default: local).

    Returns
    -------
    str
        A complete HTML document.
    """
    from course_lib.templating import Markup, render, stylesheet

    context = portfolio_context(
        records,
        bank,
        learner,
        generated_at,
        lesson,
        learner_id=learner_id,
        capstone=capstone,
        tz=tz,
    )
    return render("portfolio.html.j2", p=context, css=Markup(stylesheet())) + "\n"
