"""Read handed-in capstone essays: the HTML and Markdown files :mod:`course_lib.capstone` exports.

Both formats carry the same parts (see :func:`course_lib.capstone_export.to_html` and
:func:`~course_lib.capstone_export.to_markdown`): an optional name, the export time, the question, the
essay, the evidence list (``“quotation” (Minutes, turn N)``, one per item) and the ticked rubric.
The parser is forgiving: a missing part is empty, never an error; text that is not a capstone
export is recognised and skipped. Parsing is pure; checking quotations against the minutes is
:func:`course_lib.instructor.dashboard.capstone_table`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from course_lib.instructor.exports import normalise_name

__all__ = ["CapstoneFile", "looks_like", "parse_capstone"]

_EVIDENCE = re.compile(r"“(.{1,2000}?)”\s*\(\s*Minutes,\s*turn\s+(\d{1,3})\s*\)", re.IGNORECASE)
_ID = re.compile(r"\b([0-9a-f]{32})\b")
_TICKED = re.compile(r"\((\d+)\s+of\s+(\d+)\)")


@dataclass
class CapstoneFile:
    """What one capstone export says.

    Attributes
    ----------
    file : str
    format : str
        ``"html"`` or ``"md"``.
    name : str
        The name typed (NFC), or ``""``.
    learner_id : str
        If the export carries one (``Learner id: …``), else ``""``.
    exported : str
        The export time as printed.
    question : str
    essay : str
        Paragraphs separated by blank lines.
    evidence : list of (int, str)
        ``(turn, quotation)`` in the learner's order.
    ticked : int or None
        Rubric criteria ticked.
    rubric_total : int or None
    """

    file: str
    format: str
    name: str = ""
    learner_id: str = ""
    exported: str = ""
    question: str = ""
    essay: str = ""
    evidence: list[tuple[int, str]] = field(default_factory=list)
    ticked: int | None = None
    rubric_total: int | None = None


class _Blocks(HTMLParser):
    """Flatten an HTML page into (tag, text) blocks for headings, paragraphs and list items."""

    BLOCKS = frozenset({"h1", "h2", "h3", "p", "li", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.meta: dict[str, str] = {}
        self._tag: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            if values.get("name") and values.get("content"):
                self.meta[str(values["name"]).lower()] = str(values["content"])
        if tag in self.BLOCKS:
            self._flush()
            self._tag = tag
        elif tag == "br":
            self._text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS and self._tag == tag:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._tag is not None:
            self._text.append(data)

    def _flush(self) -> None:
        if self._tag is not None:
            self.blocks.append((self._tag, "".join(self._text).strip()))
        self._tag = None
        self._text = []

    def close(self) -> None:
        super().close()
        self._flush()


def looks_like(text: str) -> str:
    """What kind of course export a text file is (pure).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        ``"capstone"``, ``"portfolio"`` or ``""``.
    """
    head = text[:2000].lower()
    if "capstone essay" in head:
        return "capstone"
    if "portfolio of answers" in head or "pyongyang 1963 portfolio" in head:
        return "portfolio"
    return ""


def _evidence(lines: list[str]) -> list[tuple[int, str]]:
    found = []
    for line in lines:
        m = _EVIDENCE.search(line)
        if m:
            found.append((int(m.group(2)), " ".join(m.group(1).split())))
    return found


def _after(label: str, text: str) -> str:
    return text[len(label) :].strip() if text.lower().startswith(label.lower()) else ""


def _parse_html(name: str, text: str) -> CapstoneFile:
    parser = _Blocks()
    parser.feed(text)
    parser.close()
    out = CapstoneFile(file=name, format="html")
    section = ""
    essay: list[str] = []
    evidence: list[str] = []
    for tag, body in parser.blocks:
        if tag in ("h1", "title"):
            continue
        if tag == "h2":
            section = body.lower()
            if section.startswith("self-assessment"):
                m = _TICKED.search(body)
                if m:
                    out.ticked, out.rubric_total = int(m.group(1)), int(m.group(2))
            continue
        if not section:
            if body.lower().startswith("name:"):
                out.name = normalise_name(_after("Name:", body))
            elif body.lower().startswith("learner id:"):
                out.learner_id = _after("Learner id:", body).lower()
            elif body.lower().startswith("exported"):
                out.exported = _after("Exported", body)
            elif body.lower().startswith("question:"):
                out.question = _after("Question:", body)
        elif section == "essay" and tag == "p":
            essay.append(body)
        elif section == "evidence" and tag == "li":
            evidence.append(body)
    out.learner_id = out.learner_id or parser.meta.get("learner-id", "").lower()
    out.essay = "\n\n".join(p for p in essay if p and p != "-")
    out.evidence = _evidence(evidence)
    return out


def _parse_markdown(name: str, text: str) -> CapstoneFile:
    out = CapstoneFile(file=name, format="md")
    lines = text.splitlines()
    # Headings the export writes; an essay may contain "## Evidence" itself, so take the last
    # evidence heading before the last self-assessment heading.
    assess = max((i for i, s in enumerate(lines) if s.startswith("## Self-assessment")), default=-1)
    end = assess if assess >= 0 else len(lines)
    evid = max((i for i, s in enumerate(lines[:end]) if s.strip() == "## Evidence"), default=-1)
    start = next((i for i, s in enumerate(lines) if s.strip() == "## Essay"), -1)
    for s in lines[: start if start >= 0 else end]:
        s = s.strip()
        if s.startswith("**Name:**"):
            out.name = normalise_name(_after("**Name:**", s))
        elif s.lower().startswith("**learner id:**"):
            out.learner_id = _after("**Learner id:**", s).lower()
        elif s.startswith("*Exported"):
            out.exported = _after("*Exported", s).rstrip("*").strip()
        elif s.startswith("**Question:**"):
            out.question = _after("**Question:**", s)
    if start >= 0:
        stop = evid if evid > start else end
        body = "\n".join(lines[start + 1 : stop]).strip()
        out.essay = "" if body == "-" else body
    if evid >= 0:
        out.evidence = _evidence(lines[evid + 1 : end])
    if assess >= 0:
        m = _TICKED.search(lines[assess])
        if m:
            out.ticked, out.rubric_total = int(m.group(1)), int(m.group(2))
    return out


def parse_capstone(name: str, text: str) -> CapstoneFile:
    """Parse one capstone export (pure).

    Parameters
    ----------
    name : str
        The file (its ending chooses HTML or Markdown; content that starts like HTML is HTML).
    text : str

    Returns
    -------
    CapstoneFile
    """
    is_html = name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(
        ("<!doctype", "<html")
    )
    out = _parse_html(name, text) if is_html else _parse_markdown(name, text)
    if out.learner_id and not _ID.fullmatch(out.learner_id):
        out.learner_id = ""
    return out
