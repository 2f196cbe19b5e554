"""The HTML of the question widgets, rendered from templates (pure; every value is escaped).

Templates: ``question_head.html.j2``, ``question_feedback.html.j2`` and the macros in
``question_parts.html.j2``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from course_lib.downloads import download_link
from course_lib.exports import export_name
from course_lib.localtime import readable
from course_lib.questions import Attempts, feedback_view
from course_lib.store import describe_folder
from course_lib.templating import Markup, render, render_macro, status_html

__all__ = [
    "binder_notice_html",
    "download_link_html",
    "download_offer_html",
    "feedback_html",
    "head_html",
    "hint_html",
    "order_row_html",
    "portfolio_name",
    "progress_html",
    "progress_text",
    "restored_html",
    "saved_html",
    "set_title_html",
    "warn_html",
]

_PARTS = "question_parts.html.j2"


def head_html(question: Mapping[str, Any]) -> str:
    """The top of a question: id, skill, prompt; an evidence claim only if the prompt lacks it.

    Parameters
    ----------
    question : dict

    Returns
    -------
    str
    """
    claim = str(question.get("claim") or "")
    return render(
        "question_head.html.j2",
        qid=question["id"],
        skill=str(question["skill"]).replace("_", " "),
        prompt=question["prompt"],
        claim="" if claim in question["prompt"] else claim,
    )


def feedback_html(
    question: Mapping[str, Any], result: Mapping[str, Any], state: Attempts | None = None
) -> str:
    """Feedback on a checked answer (see :func:`course_lib.questions.feedback_view`).

    Parameters
    ----------
    question : dict
    result : dict
        From :func:`course_lib.questions.check_answer`.
    state : Attempts, optional
        The learner's attempts including this one; defaults to a first attempt.

    Returns
    -------
    str
    """
    if state is None:
        state = Attempts().checked(result)
    return render("question_feedback.html.j2", **feedback_view(question, result, state))


def hint_html(hints: Sequence[str], shown: int) -> str:
    """The first ``shown`` hints, numbered "Hint 1 of 2."; the newest one is announced (pure)."""
    if shown <= 0 or not hints:
        return ""
    return render_macro(_PARTS, "hints", list(hints[:shown]), len(hints))


@functools.lru_cache(maxsize=1024)
def order_row_html(position: int, label: str) -> str:
    """One row of an ordering question: ``"3. <the item's text>"`` (pure; cached, since every
    move re-renders each row)."""
    return render_macro(_PARTS, "order_row", position, label)


def progress_text(answered: int, total: int) -> str:
    """``"7 of 12 answered"`` (pure)."""
    return f"{answered} of {total} answered"


def progress_html(answered: int, total: int) -> str:
    """The progress line of a question set, announced when it changes (pure)."""
    return status_html(progress_text(answered, total), css="p63-q-progress")


def saved_html(when: object, folder: object) -> str:
    """``Saved <local time> in <folder, as the file browser shows it>.`` (pure)."""
    return render_macro(_PARTS, "saved", readable(when), describe_folder(str(folder)))


def restored_html(when: object) -> str:
    """``Restored your answer saved <local time>.`` (pure)."""
    return render_macro(_PARTS, "restored", readable(when) if when else "earlier")


def warn_html(message: object, prefix: str = "") -> str:
    """A problem the learner must see, announced at once (pure)."""
    return render_macro(_PARTS, "warn", str(message), prefix)


def download_link_html(content: str, filename: str, mime: str, label: str) -> str:
    """A button-like link that downloads ``content`` as a file, with no server round trip (pure).

    Parameters
    ----------
    content : str
        The file's text (UTF-8).
    filename : str
    mime : str
    label : str

    Returns
    -------
    str
        An anchor with a ``download`` name and a base64 ``data:`` URL, styled as a button.
    """
    return download_link(content, filename, label, mime)


def download_offer_html(content: str, filename: str, mime: str, label: str, path: object) -> str:
    """A download link and where the same file was written (pure)."""
    link = Markup(download_link(content, filename, label, mime))
    return render_macro(_PARTS, "download_offer", link, describe_folder(str(path)))


def binder_notice_html() -> str:
    """The plain warning shown on Binder (pure)."""
    return render_macro(_PARTS, "binder_notice")


def set_title_html(title: str, folder: object) -> str:
    """A question set's heading and where its answers are saved (pure)."""
    return render_macro(_PARTS, "set_title", title, describe_folder(str(folder)))


def portfolio_name(learner: str, lesson: int | None = None) -> str:
    """The portfolio's file name: the learner, the lesson (or the course) and the date (pure)."""
    return export_name("portfolio", "html", learner, lesson=lesson)
