"""The capstone essay as a file to hand in: Markdown, or an HTML page rendered from a template.

:func:`essay_context` and the renderers are pure; :func:`export` writes a new file in the
answers folder's ``exports/`` (atomically, owner-only, never replacing an earlier export), named
like every other hand-in (:func:`course_lib.exports.export_name`):
``Mina-Park_lesson-05_2026-12-04_essay.html``.

Whose essay it is
-----------------
Both formats open with the same lines naming the learner, one per line, from
:data:`META_FIELDS`: ``**Name:** Mina Park`` and ``**Learner id:** 0123…`` in Markdown,
``<p class="p63-meta"><strong>Name:</strong> Mina Park</p>`` in HTML. The learner id is the one in
the learner's profile (:mod:`course_lib.profile`) and in their answers CSV, so the instructor can
tie the essay to its writer even when two students typed the same name. The instructor's reader
(:mod:`course_lib.instructor.capstones`) reads these lines back with :func:`read_meta_line`: the
form is defined here and nowhere else.
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

__all__ = [
    "FORMATS",
    "META_FIELDS",
    "SOURCE",
    "SOURCE_URL",
    "essay_context",
    "export",
    "meta_lines",
    "read_meta_line",
    "to_html",
    "to_markdown",
]

#: The export formats: key to (label, extension, MIME type).
FORMATS = {"html": ("HTML page", "html", "text/html"), "md": ("Markdown", "md", "text/markdown")}
SOURCE = (
    "Minutes of Conversation between Liu Shaoqi and Kim Il Sung, 15 September 1963, "
    "Wilson Center Digital Archive"
)
SOURCE_URL = "https://digitalarchive.wilsoncenter.org/document/116542"
#: The lesson the capstone belongs to (in file names).
LESSON = 5
#: The lines that say whose essay it is, in order: (key, label). Written by :func:`to_markdown`
#: and the page template (through :func:`meta_lines`), read back by :func:`read_meta_line`.
META_FIELDS = (("name", "Name"), ("learner_id", "Learner id"))
_META = re.compile(
    r"\s*(\*\*)?\s*(" + "|".join(re.escape(label) for _, label in META_FIELDS) + r")\s*:"
    r"\s*(?(1)\*\*)(.*)",
    re.IGNORECASE | re.DOTALL,
)


def _norm(text: str) -> str:
    return " ".join(text.split())


def meta_lines(name: str, learner_id: str = "") -> list[tuple[str, str]]:
    """The (label, value) lines that say whose essay it is, those with a value (pure).

    Parameters
    ----------
    name : str
        The learner's name.
    learner_id : str
        Their id (:class:`course_lib.profile.Profile`).

    Returns
    -------
    list of (str, str)

    Examples
    --------
    >>> meta_lines(" Mina  Park ", "0123456789abcdef0123456789abcdef")
    [('Name', 'Mina Park'), ('Learner id', '0123456789abcdef0123456789abcdef')]
    >>> meta_lines("")
    []
    """
    values = {"name": _norm(name), "learner_id": _norm(learner_id)}
    return [(label, values[key]) for key, label in META_FIELDS if values[key]]


def read_meta_line(text: str) -> tuple[str, str] | None:
    """Read back one line written from :func:`meta_lines`, in either format (pure).

    Parameters
    ----------
    text : str
        A Markdown line (``**Learner id:** 0123…``) or the text of an HTML paragraph
        (``Learner id: 0123…``).

    Returns
    -------
    (str, str) or None
        The key from :data:`META_FIELDS` (``"name"``, ``"learner_id"``) and the value, or
        ``None`` for any other line.

    Examples
    --------
    >>> read_meta_line("**Learner id:** 0123abc")
    ('learner_id', '0123abc')
    >>> read_meta_line("Name: Mina Park")
    ('name', 'Mina Park')
    >>> read_meta_line("Question: Why?") is None
    True
    """
    m = _META.fullmatch(text)
    if m is None:
        return None
    key = next(k for k, label in META_FIELDS if label.lower() == m.group(2).lower())
    return key, _norm(m.group(3))


def essay_context(
    state: CapstoneState,
    when: datetime | None = None,
    tz: tzinfo | None = None,
    learner_id: str = "",
) -> dict[str, Any]:
    """Everything the essay's templates show (pure).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
        The export time, shown in local time.
    tz : tzinfo, optional
        The zone to show it in (default: local).
    learner_id : str
        The learner's id, shown under their name (``meta``).

    Returns
    -------
    dict
    """
    ticked, total = rubric_score(state.checks)
    paragraphs = [_norm(p) for p in re.split(r"\n\s*\n", state.essay.strip()) if p.strip()]
    return {
        "name": _norm(state.name),
        "meta": meta_lines(state.name, learner_id),
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
    state: CapstoneState,
    when: datetime | None = None,
    tz: tzinfo | None = None,
    learner_id: str = "",
) -> str:
    """The capstone as a Markdown document (pure).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
        Printed as the export time (local time).
    tz : tzinfo, optional
    learner_id : str
        Printed under the name (see :data:`META_FIELDS`).

    Returns
    -------
    str
    """
    e = essay_context(state, when, tz, learner_id)
    lines = ["# Pyongyang 1963: capstone essay", ""]
    for label, value in e["meta"]:
        lines += [f"**{label}:** {value}", ""]
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


def to_html(
    state: CapstoneState,
    when: datetime | None = None,
    tz: tzinfo | None = None,
    learner_id: str = "",
) -> str:
    """The capstone as a standalone HTML page (template ``capstone_page.html.j2``; pure).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
    tz : tzinfo, optional
    learner_id : str
        Shown under the name (see :data:`META_FIELDS`).

    Returns
    -------
    str
    """
    from course_lib.templating import Markup, render, stylesheet

    e = essay_context(state, when, tz, learner_id)
    return render("capstone_page.html.j2", e=e, css=Markup(stylesheet())) + "\n"


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
        Printed under the name (the instructor ties the essay to the learner by it), and names
        the file when the state has no name.

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
    render = to_html if fmt == "html" else to_markdown
    text = render(state, when, learner_id=learner_id)
    name = export_name("essay", FORMATS[fmt][1], state.name, learner_id, LESSON, when)
    return fileio.write_new(Path(folder) / "exports" / name, text)
