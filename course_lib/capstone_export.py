"""The capstone essay as a file to hand in: Markdown, or an HTML page rendered from a template.

:func:`essay_context` and the renderers are pure; :func:`export` writes a new file in the
answers folder's ``exports/`` (atomically, owner-only, never replacing an earlier export), named
like every other hand-in (:func:`course_lib.exports.export_name`):
``Mina-Park_lesson-05_2026-12-04_essay.html``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from course_lib import fileio
from course_lib.capstone import RUBRIC, CapstoneState, format_evidence, rubric_score
from course_lib.exports import export_name
from course_lib.localtime import readable

__all__ = ["FORMATS", "SOURCE", "SOURCE_URL", "essay_context", "export", "to_html", "to_markdown"]

#: The export formats: key to (label, extension, MIME type).
FORMATS = {"html": ("HTML page", "html", "text/html"), "md": ("Markdown", "md", "text/markdown")}
SOURCE = (
    "Minutes of Conversation between Liu Shaoqi and Kim Il Sung, 15 September 1963, "
    "Wilson Center Digital Archive"
)
SOURCE_URL = "https://digitalarchive.wilsoncenter.org/document/116542"
#: The lesson the capstone belongs to (in file names).
LESSON = 5


def _norm(text: str) -> str:
    return " ".join(text.split())


def essay_context(
    state: CapstoneState, when: datetime | None = None, tz: tzinfo | None = None
) -> dict[str, Any]:
    """Everything the essay's templates show (pure).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
        The export time, shown in local time.
    tz : tzinfo, optional
        The zone to show it in (default: local).

    Returns
    -------
    dict
    """
    ticked, total = rubric_score(state.checks)
    paragraphs = [_norm(p) for p in re.split(r"\n\s*\n", state.essay.strip()) if p.strip()]
    return {
        "name": _norm(state.name),
        "exported": readable(when, tz) if when is not None else "",
        "question": state.question,
        "paragraphs": paragraphs,
        "evidence": [{"text": format_evidence(x), "problem": x.problem} for x in state.evidence],
        "rubric": [{"ticked": bool(state.checks.get(k)), "text": t} for k, t in RUBRIC],
        "ticked": ticked,
        "total": total,
        "source": SOURCE,
        "source_url": SOURCE_URL,
    }


def to_markdown(
    state: CapstoneState, when: datetime | None = None, tz: tzinfo | None = None
) -> str:
    """The capstone as a Markdown document (pure).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
        Printed as the export time (local time).
    tz : tzinfo, optional

    Returns
    -------
    str
    """
    e = essay_context(state, when, tz)
    lines = ["# Pyongyang 1963: capstone essay", ""]
    if e["name"]:
        lines += [f"**Name:** {e['name']}", ""]
    if e["exported"]:
        lines += [f"*Exported {e['exported']}*", ""]
    lines += [f"**Question:** {e['question']}", "", "## Essay", ""]
    lines += [p + "\n" for p in e["paragraphs"]] or ["-", ""]
    lines += ["## Evidence", ""]
    lines += [
        f"{i}. {x['text']}"
        + (f" **Check this quotation: {x['problem']}.**" if x["problem"] else "")
        for i, x in enumerate(e["evidence"], 1)
    ] or ["-"]
    lines += ["", f"## Self-assessment ({e['ticked']} of {e['total']})", ""]
    lines += [f"- [{'x' if r['ticked'] else ' '}] {r['text']}" for r in e["rubric"]]
    lines += ["", f"Source: {SOURCE}, {SOURCE_URL}", ""]
    return "\n".join(lines)


def to_html(state: CapstoneState, when: datetime | None = None, tz: tzinfo | None = None) -> str:
    """The capstone as a standalone HTML page (template ``capstone_page.html.j2``; pure).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
    tz : tzinfo, optional

    Returns
    -------
    str
    """
    from course_lib.templating import Markup, render, stylesheet

    return (
        render("capstone_page.html.j2", e=essay_context(state, when, tz), css=Markup(stylesheet()))
        + "\n"
    )


def export(
    state: CapstoneState,
    fmt: str = "html",
    folder: str | Path | None = None,
    when: datetime | None = None,
    learner_id: str = "",
) -> Path:
    """Write the capstone as a new file in ``<answers folder>/exports``.

    Parameters
    ----------
    state : CapstoneState
    fmt : {"html", "md"}
    folder : str or Path, optional
        The answers folder; default :func:`course_lib.capstone_draft.answers_dir`.
    when : datetime, optional
        Default now.
    learner_id : str
        Names the file when the state has no name.

    Returns
    -------
    Path
        ``exports/<learner>_lesson-05_<date>_essay.<ext>`` (``-2``... if taken).

    Raises
    ------
    ValueError
        An unknown format.
    OSError
        The folder cannot be written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use 'html' or 'md'")
    when = when or datetime.now(UTC)
    if folder is None:
        from course_lib.capstone_draft import answers_dir

        folder = answers_dir()
    text = to_html(state, when) if fmt == "html" else to_markdown(state, when)
    name = export_name("essay", FORMATS[fmt][1], state.name, learner_id, LESSON, when)
    return fileio.write_new(Path(folder) / "exports" / name, text)
