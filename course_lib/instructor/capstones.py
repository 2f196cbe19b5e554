"""Read handed-in capstone essays: the HTML and Markdown files :mod:`course_lib.capstone_export` writes.

Both formats carry the same parts (see :func:`course_lib.capstone_export.to_html` and
:func:`~course_lib.capstone_export.to_markdown`): the learner's name and id (the lines of
:data:`course_lib.capstone_export.META_FIELDS`, read back with
:func:`course_lib.capstone_export.read_meta_line`, so writer and reader share one form), the
export time, the question, the essay, the evidence list (``“quotation” (Minutes, turn N)``, one
per item) and the ticked rubric. Essays exported before the learner id was written have only a
name; essays from before that, an ISO-like export time (``2026-09-30 12:00``): both are read.
The parser is forgiving: a missing part is empty, never an error; text that is not a capstone
export is recognised and skipped. Parsing is pure; checking quotations against the minutes is
:func:`course_lib.instructor.dashboard.capstone_table`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from course_lib.capstone_export import read_meta_line
from course_lib.instructor.exports import normalise_name

__all__ = ["CapstoneFile", "looks_like", "parse_capstone", "parse_exported"]

_EVIDENCE = re.compile(r"“(.{1,2000}?)”\s*\(\s*Minutes,\s*turn\s+(\d{1,3})\s*\)", re.IGNORECASE)
_ID = re.compile(r"\b([0-9a-f]{32})\b")
_TICKED = re.compile(r"\((\d+)\s+of\s+(\d+)\)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: ``4 Dec 2026, 14:05`` (:func:`course_lib.localtime.readable`, optionally `` UTC``).
_READABLE = re.compile(
    r"(\d{1,2}) ([A-Za-z]{3}) (\d{4}), (\d{1,2}):(\d{2})(?: UTC)?", re.ASCII | re.IGNORECASE
)
#: ``2026-09-30 12:00`` (essays exported by earlier versions of the course).
_ISO_MINUTE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})", re.ASCII)


def parse_exported(text: str) -> datetime | None:
    """The export time an essay prints, as a (naive) datetime to order one learner's essays (pure).

    Parameters
    ----------
    text : str
        ``4 Dec 2026, 14:05`` or ``4 Dec 2026, 14:05 UTC`` (the learner's clock, as
        :func:`course_lib.localtime.readable` prints it), or ``2026-09-30 12:00`` (older exports).

    Returns
    -------
    datetime or None
        Naive: the wall-clock time printed. ``None`` if the text is not such a time.

    Examples
    --------
    >>> parse_exported("4 Dec 2026, 14:05")
    datetime.datetime(2026, 12, 4, 14, 5)
    >>> parse_exported("10 Dec 2026, 09:00 UTC") > parse_exported("4 Dec 2026, 14:05")
    True
    >>> parse_exported("yesterday") is None
    True
    """
    value = " ".join(text.split())
    m = _READABLE.fullmatch(value)
    try:
        if m is not None:
            if m.group(2).lower() not in _MONTHS:
                return None
            month = _MONTHS.index(m.group(2).lower()) + 1
            d, y, h, mi = (int(m.group(i)) for i in (1, 3, 4, 5))
            return datetime(y, month, d, h, mi)
        m = _ISO_MINUTE.fullmatch(value)
        if m is not None:
            y, mo, d, h, mi = (int(g) for g in m.groups())
            return datetime(y, mo, d, h, mi)
    except ValueError:  # 31 Feb, 25:00
        return None
    return None


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
    exported_at : datetime or None
        The same, read (:func:`parse_exported`); ``None`` if it cannot be.
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
    exported_at: datetime | None = None
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


def _meta(out: CapstoneFile, line: str) -> bool:
    """Take a name or learner id line (the form :mod:`course_lib.capstone_export` writes)."""
    found = read_meta_line(line)
    if found is None:
        return False
    key, value = found
    if key == "name":
        out.name = normalise_name(value)
    elif key == "learner_id":
        out.learner_id = value.lower()
    return True


def _take_ticked(out: CapstoneFile, heading: str) -> None:
    """Take the self-assessment score (ticked of total) from its heading, if it gives one."""
    m = _TICKED.search(heading)
    if m:
        out.ticked, out.rubric_total = int(m.group(1)), int(m.group(2))


def _take_html_preamble(out: CapstoneFile, body: str) -> None:
    """Take a line from before the first section: name, learner id, export time or question."""
    if _meta(out, body):
        return
    if body.lower().startswith("exported"):
        out.exported = _after("Exported", body).rstrip(".").strip()
    elif body.lower().startswith("question:"):
        out.question = _after("Question:", body)


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
                _take_ticked(out, body)
        elif not section:
            _take_html_preamble(out, body)
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
        if _meta(out, s):
            continue
        if s.startswith("*Exported"):
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
        _take_ticked(out, lines[assess])
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
    out.exported_at = parse_exported(out.exported)
    if out.learner_id and not _ID.fullmatch(out.learner_id):
        out.learner_id = ""
    return out
