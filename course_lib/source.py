"""The only parser of the raw minutes.

The source is the Wilson Center Digital Archive's page for document 116542 saved as text: a header
(date, title, citation, summary, credits, original language, contents), the meeting's particulars
(classification, time, location, participants, translators, note-takers) and 54 turns of talk.

Everything here is pure except :func:`read_source`, which only reads bytes and decodes them.
Every problem is reported as a :class:`SourceFormatError` that names the file and the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from course_lib.errors import LocatedError, read_utf8

__all__ = [
    "Minutes",
    "Paragraph",
    "SourceFormatError",
    "Turn",
    "insertion_spans",
    "parse_minutes",
    "read_source",
    "render_body",
]


class SourceFormatError(LocatedError):
    """The source text is missing, unreadable or not shaped like the minutes.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    path : str or Path, optional
        The file being read.
    line : int, optional
        The 1-based line number where the problem is.
    """

    default_where = "<source>"


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank lines.

    Attributes
    ----------
    line_start, line_end : int
        1-based numbers of its first and last line.
    text : str
        Its lines joined with ``"\\n"``, exactly as in the file.
    """

    line_start: int
    line_end: int
    text: str


@dataclass(frozen=True)
class Turn:
    """One turn of talk.

    Attributes
    ----------
    turn : int
        1-based position in the conversation.
    speaker : str
        The abbreviation the minutes use (``"Liu"`` or ``"Kim"``).
    label : str
        The label exactly as printed before the colon.
    text : str
        What follows ``"label: "``, verbatim; a turn split by a page break is rejoined with one space.
    source_line_start, source_line_end : int
        Lines of the source file the turn spans.
    page_break_at : int or None
        Offset in ``text`` of the space that replaces a page break, if the turn had one.
    """

    turn: int
    speaker: str
    label: str
    text: str
    source_line_start: int
    source_line_end: int
    page_break_at: int | None = None


@dataclass(frozen=True)
class Minutes:
    """The parsed source: header fields, speakers and turns."""

    header: dict[str, object]
    speakers: dict[str, dict[str, str]]
    turns: list[Turn]
    body_line_start: int
    page_break_separator: str = "\n\n"
    paragraphs: list[Paragraph] = field(default_factory=list, repr=False)


def read_source(path: str | Path) -> str:
    """Read the source file as UTF-8 text.

    Parameters
    ----------
    path : str or Path
        The file to read.

    Returns
    -------
    str
        Its text, unchanged.

    Raises
    ------
    SourceFormatError
        If the file is missing, unreadable, or not valid UTF-8 (the line is named); an empty
        file is reported by :func:`parse_minutes`.
    """
    return read_utf8(path, SourceFormatError)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split text into paragraphs (runs of non-blank lines) with their line numbers.

    Parameters
    ----------
    text : str
        The whole file.

    Returns
    -------
    list of Paragraph
    """
    paragraphs: list[Paragraph] = []
    start: int | None = None
    buf: list[str] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if start is None:
                start = number
            buf.append(line)
        elif start is not None:
            paragraphs.append(Paragraph(start, number - 1, "\n".join(buf)))
            start, buf = None, []
    if start is not None:
        paragraphs.append(Paragraph(start, len(lines), "\n".join(buf)))
    return paragraphs


_SECTION_KEYS = ("Citation", "Summary", "Credits", "Original Language", "Contents")
_LONG_LABEL = re.compile(
    r"^(?P<title>[A-Z][a-z]+) (?P<name>[A-Z][A-Za-z]*)(?: \[(?P<rest>[^\]]+)\])?"
    r" \(to be abbreviated as (?P<abbr>[A-Z][A-Za-z]*)\)$"
)
# Anything at the start of a body paragraph that looks like a speaker label: one to four capitalised
# words (a bracketed insertion and a parenthesis allowed), then a colon and a space.
_LABEL = re.compile(
    r"^(?P<label>[A-Z][\w'\-]*(?: (?:\[[^\]\n]*\]|\([^)\n]*\)|[A-Z][\w'\-]*)){0,8}): "
)
_CITATION = re.compile(
    r"^\"(?P<title>[^\"]+)\", (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4}), (?P<archive>[^,]+), "
    r"(?P<reference>.+?), (?P<pages>\d+-\d+)\. Obtained by (?P<obtained>.+?) and translated by "
    r"(?P<translators>.+?)\.$"
)
_TIME = re.compile(r"^(?P<date>\d{1,2} [A-Z][a-z]+ \d{4}), (?P<time>.+)$")


def _fail(message: str, path: str | None, line: int | None) -> SourceFormatError:
    return SourceFormatError(message, path, line)


def _parse_date(text: str, fmt: str, path: str | None, line: int) -> date:
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        raise _fail(f"cannot read {text!r} as a date", path, line) from None


def _split_names(value: str) -> list[str]:
    """Split a list such as ``"A, B and C"`` into names, keeping bracketed romanizations."""
    parts = re.split(r",\s+|\s+and\s+", value.strip())
    return [p for p in (part.strip() for part in parts) if p]


def _line_at(paragraphs: list[Paragraph], i: int) -> int:
    """The line to name for something missing at paragraph ``i`` (or at the end of the file)."""
    return paragraphs[i].line_start if i < len(paragraphs) else paragraphs[-1].line_end


def _date_and_title(first: Paragraph, path: str | None) -> dict[str, object]:
    """The first paragraph: the header's date, then the title in bold."""
    date_line, _, title_text = first.text.partition("\n")
    date_iso = _parse_date(date_line.strip(), "%B %d, %Y", path, first.line_start).isoformat()
    title = " ".join(line.strip() for line in title_text.split("\n"))
    if not (title.startswith("**") and title.endswith("**") and len(title) > 4):
        raise _fail(
            "expected the title in **bold** on the line after the date", path, first.line_start + 1
        )
    return {
        "date_header": date_line.strip(),
        "date_header_iso": date_iso,
        "title": title.strip("*").strip(),
    }


def _sections(
    paragraphs: list[Paragraph], i: int, path: str | None
) -> tuple[dict[str, Paragraph], int]:
    """The ``"Key:"`` sections from paragraph ``i``: each key's text, and the paragraph after."""
    sections: dict[str, Paragraph] = {}
    while i < len(paragraphs) and paragraphs[i].text.rstrip(":") in _SECTION_KEYS:
        key = paragraphs[i].text.rstrip(":")
        if i + 1 >= len(paragraphs):
            raise _fail(f"section {key!r} has no text", path, paragraphs[i].line_end)
        sections[key] = paragraphs[i + 1]
        i += 2
    for key in _SECTION_KEYS:
        if key not in sections:
            raise _fail(
                f"the header section {key + ':'!r} is missing", path, _line_at(paragraphs, i)
            )
    return sections, i


def _citation(par: Paragraph, path: str | None) -> dict[str, object]:
    """The citation section: its sentence, its ``<URL>`` line and the archive's particulars."""
    lines = par.text.split("\n")
    citation = lines[0].strip()
    url = next((ln.strip()[1:-1] for ln in lines[1:] if ln.strip().startswith("<")), None)
    if not url:
        raise _fail("the citation has no <URL> line", path, par.line_end)
    match = _CITATION.match(citation)
    if not match:
        raise _fail("cannot read the citation's parts", path, par.line_start)
    return {
        "citation": citation,
        "url": url,
        "archive": match["archive"],
        "archive_reference": match["reference"],
        "archive_pages": match["pages"],
        "obtained_by": match["obtained"],
        "translated_by": _split_names(match["translators"]),
    }


def _classification(paragraphs: list[Paragraph], i: int, path: str | None) -> dict[str, object]:
    """The classification line that opens the meeting's particulars (paragraph ``i``)."""
    if i >= len(paragraphs):
        raise _fail("the meeting's particulars are missing", path, paragraphs[-1].line_end)
    classification = paragraphs[i]
    if ":" in classification.text:
        raise _fail("expected the classification line", path, classification.line_start)
    level, _, number = classification.text.partition(", ")
    return {
        "classification_line": classification.text,
        "classification": level,
        "document_number": number,
    }


_PARTICULARS = ("Time", "Location", "Participants", "From China", "From Korea", "Documentation")


def _particulars(
    paragraphs: list[Paragraph], i: int, path: str | None
) -> tuple[dict[str, tuple[str, int]], int]:
    """The ``"Key: value"`` paragraphs from ``i`` up to the first turn or ``Documentation``.

    Returns each key's value and line, and the index of the first body paragraph.
    """
    fields: dict[str, tuple[str, int]] = {}
    while i < len(paragraphs):
        par = paragraphs[i]
        key, sep, value = par.text.partition(":")
        if not sep or _LONG_LABEL.match(key) or key in ("Liu", "Kim"):
            break
        fields[key.strip()] = (value.strip(), par.line_start)
        i += 1
        if key.strip() == "Documentation":
            break
    for key in _PARTICULARS:
        if key not in fields:
            raise _fail(
                f"the particulars line {key + ':'!r} is missing", path, _line_at(paragraphs, i)
            )
    return fields, i


def _meeting(fields: dict[str, tuple[str, int]], path: str | None) -> dict[str, object]:
    """The meeting's time, place, participants, translators and note-takers."""
    time_value, time_line = fields["Time"]
    tmatch = _TIME.match(time_value)
    if not tmatch:
        raise _fail(f"cannot read the time {time_value!r}", path, time_line)
    translators = {k: v for k, (v, _) in fields.items() if k.startswith("Translators")}
    return {
        "time_line": time_value,
        "date_body": tmatch["date"],
        "date_body_iso": _parse_date(tmatch["date"], "%d %B %Y", path, time_line).isoformat(),
        "time": tmatch["time"],
        "location": fields["Location"][0],
        "participants": {
            "China": _split_names(fields["From China"][0]),
            "Korea": _split_names(fields["From Korea"][0]),
        },
        "translators": {k: _split_names(v) for k, v in translators.items()},
        "documentation": _split_names(fields["Documentation"][0]),
    }


def _parse_header(paragraphs: list[Paragraph], path: str | None) -> tuple[dict[str, object], int]:
    """Read the header; return its fields and the index of the first body paragraph."""
    if not paragraphs:
        raise _fail("the header (date and title) is missing", path, 1)
    header = _date_and_title(paragraphs[0], path)
    sections, i = _sections(paragraphs, 1, path)
    header |= _citation(sections["Citation"], path)
    header["summary"] = sections["Summary"].text
    header["credits"] = sections["Credits"].text
    header["original_language"] = sections["Original Language"].text
    header["contents"] = sections["Contents"].text
    # The meeting's particulars: the classification line, then "Key: value" paragraphs.
    header |= _classification(paragraphs, i, path)
    fields, i = _particulars(paragraphs, i + 1, path)
    header |= _meeting(fields, path)
    return header, i


def _speaker_from_long_label(match: re.Match[str]) -> dict[str, str]:
    name = match["name"] + (f" {match['rest']}" if match["rest"] else "")
    return {"title": match["title"], "name": name, "label": match.group(0).split(" (")[0]}


def parse_minutes(text: str, path: str | Path | None = None) -> Minutes:
    """Parse the whole source into header fields, speakers and turns.

    Parameters
    ----------
    text : str
        The source file's text.
    path : str or Path, optional
        Named in error messages.

    Returns
    -------
    Minutes

    Raises
    ------
    SourceFormatError
        For an empty file, a missing header field, text before the first speaker label, or a
        speaker label the minutes never define (the line is named).
    """
    where = str(path) if path is not None else None
    if not text.strip():
        raise _fail("the file is empty", where, 1)
    paragraphs = split_paragraphs(text)
    header, i = _parse_header(paragraphs, where)
    if i >= len(paragraphs):
        raise _fail("there are no turns of talk", where, paragraphs[-1].line_end)

    speakers: dict[str, dict[str, str]] = {}
    turns: list[Turn] = []
    body_line_start = paragraphs[i].line_start
    for par in paragraphs[i:]:
        label_match = _LABEL.match(par.text)
        if label_match is None:
            if not turns:
                raise _fail("text before the first speaker label", where, par.line_start)
            prev = turns[-1]
            # A page break split this turn mid-sentence: rejoin it with one space.
            turns[-1] = Turn(
                prev.turn,
                prev.speaker,
                prev.label,
                f"{prev.text} {par.text}",
                prev.source_line_start,
                par.line_end,
                len(prev.text),
            )
            continue
        label = label_match["label"]
        long_match = _LONG_LABEL.match(label)
        if long_match:
            speaker = long_match["abbr"]
            speakers[speaker] = _speaker_from_long_label(long_match)
        elif label in speakers:
            speaker = label
        else:
            raise _fail(f"unknown speaker label {label!r}", where, par.line_start)
        body = par.text[label_match.end() :]
        if "\n" in body:
            raise _fail(
                "a turn continues on a second line without a blank line", where, par.line_start
            )
        turns.append(Turn(len(turns) + 1, speaker, label, body, par.line_start, par.line_end, None))
    return Minutes(header, speakers, turns, body_line_start, "\n\n", paragraphs)


def render_body(minutes: Minutes, *, restore_page_breaks: bool = True) -> str:
    """Rebuild the body of the minutes from the turns.

    Parameters
    ----------
    minutes : Minutes
    restore_page_breaks : bool
        Put the page-break blank line back where a turn was rejoined (default), giving the
        source's body character for character.

    Returns
    -------
    str
    """
    parts = []
    for t in minutes.turns:
        body = t.text
        if restore_page_breaks and t.page_break_at is not None:
            body = (
                body[: t.page_break_at] + minutes.page_break_separator + body[t.page_break_at + 1 :]
            )
        parts.append(f"{t.label}: {body}")
    return "\n\n".join(parts)


def insertion_spans(text: str) -> list[tuple[int, int]]:
    """Find the translators' insertions (square brackets) in a text.

    Brackets may nest; nested ones count as part of the outer insertion. A bracket left open (turn
    33's ``"[communist [parties]"``) runs to the first closing bracket after it, so that phrase is
    one insertion; an opening bracket with no closing bracket after it covers only itself. A stray
    ``]`` is ignored.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of (start, end)
        Half-open character offsets of the outermost insertions, in order, brackets included.
    """
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for pos, char in enumerate(text):
        if char == "[":
            stack.append(pos)
        elif char == "]" and stack:
            pairs.append((stack.pop(), pos + 1))
    for start in stack:
        close = text.find("]", start)
        pairs.append((start, close + 1 if close != -1 else start + 1))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(pairs, key=lambda p: (p[0], -p[1])):
        if spans and start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans
