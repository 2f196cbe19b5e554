"""Every quotation from the minutes in every lesson is word for word in the source.

The convention (binding for every lesson, ``lessons/*.ipynb``, markdown cells)
-------------------------------------------------------------------------------
1. **Curly double quotes are reserved for the minutes.** Any text between “ and ” must appear
   word for word in the source (the turns, or the header for things such as “Top Secret,
   Document 731”). Write titles of other works in *italics*, and quote other sources with
   straight or single quotation marks, never “double curly quotes”.
2. **A turn citation pins a quotation to its turn.** When “…” or "..." is followed by
   ``(turn N)`` or ``(Minutes, turn N)`` (case-insensitive), the quoted words must be in turn N
   itself, not just somewhere in the source.
3. **Blockquotes from the minutes carry their citation**: ``> "exact words" (Minutes, turn N)``
   or ``> “exact words” (Minutes, turn N)``; the quotation may wrap over several ``>`` lines. A
   blockquote that cites a turn must put the quoted words in double quotes.
4. Word for word means: same letters, case, punctuation and translators' [brackets]; runs of
   whitespace (line wraps) may differ. An omission is marked with ``…`` or ``...``; the pieces
   around it must then appear in that order in the same turn.
5. Turn numbers are 1 to 54 (the course's numbering, see ``course_lib.load_turns``).

Straight-quoted text with no turn citation (a term such as "revisionism", a menu item) is not
checked; do not use that form to quote the minutes.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))

_CITE = r"\(\s*(?:Minutes,\s*)?turn\s+(\d{1,3})\s*\)"
CURLY = re.compile(r"“([^“”]{1,3000})”(?:\s*" + _CITE + ")?", re.IGNORECASE)
STRAIGHT_CITED = re.compile(r'"([^"]{1,3000})"\s*' + _CITE, re.IGNORECASE)
CITATION = re.compile(_CITE, re.IGNORECASE)
BLOCK_QUOTED = re.compile(r"“([^“”]{1,3000})”|\"([^\"]{1,3000})\"")
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _found_in(quote: str, haystack: str) -> bool:
    """All pieces of the quote (split at ellipses) appear in order in the haystack."""
    pieces = [p for p in ELLIPSIS.split(_norm(quote)) if p]
    if not pieces:
        return False
    pos = 0
    hay = _norm(haystack)
    for piece in pieces:
        at = hay.find(piece, pos)
        if at < 0:
            return False
        pos = at + len(piece)
    return True


def _blockquotes(markdown: str) -> list[str]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in markdown.splitlines():
        m = re.match(r"\s*>\s?(.*)", line)
        if m:
            current.append(m.group(1))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [" ".join(b) for b in blocks]


def quotations(markdown: str) -> list[tuple[str, int | None, str]]:
    """Every checked quotation in a markdown text.

    Returns
    -------
    list of (quote, turn or None, rule)
    """
    found: list[tuple[str, int | None, str]] = []
    for m in CURLY.finditer(markdown):
        if "\n\n" in m.group(1):
            continue
        turn = int(m.group(2)) if m.group(2) else None
        found.append((m.group(1), turn, "curly"))
    for m in STRAIGHT_CITED.finditer(markdown):
        if "\n\n" in m.group(1):
            continue
        found.append((m.group(1), int(m.group(2)), "straight+turn"))
    for block in _blockquotes(markdown):
        cites = CITATION.findall(block)
        if not cites:
            continue
        quoted = [a or b for a, b in BLOCK_QUOTED.findall(block)]
        if not quoted:
            found.append(("", int(cites[0]), "blockquote without quotation marks"))
        for q in quoted:
            found.append((q, int(cites[0]), "blockquote"))
    return found


def problems(markdown: str, turn_texts: dict[int, str], source: str) -> list[str]:
    """What is wrong with the quotations in a markdown text (empty if nothing)."""
    out = []
    for quote, turn, rule in quotations(markdown):
        if rule == "blockquote without quotation marks":
            out.append(f"a blockquote cites turn {turn} but has no quotation in double quotes")
            continue
        if turn is None:
            if not _found_in(quote, source):
                out.append(f"[{rule}] not in the source: {quote!r}")
            continue
        if turn not in turn_texts:
            out.append(f"[{rule}] cites turn {turn}, which does not exist: {quote!r}")
        elif not _found_in(quote, turn_texts[turn]):
            out.append(f"[{rule}] not word for word in turn {turn}: {quote!r}")
    return out


@pytest.fixture(scope="module")
def turn_texts() -> dict[int, str]:
    import course_lib

    turns = course_lib.load_turns()
    return {int(t): str(x) for t, x in zip(turns["turn"], turns["text"], strict=True)}


@pytest.fixture(scope="module")
def source(source_text) -> str:
    return source_text


# --- the checker itself can fail --------------------------------------------------------------


def test_checker_accepts_exact_quotes(turn_texts, source):
    md = (
        "Liu says “As we arrived in [North] Korea today” (turn 9) and the header reads "
        "“Top Secret, Document 731”.\n\n"
        '> "Because new situations have emerged, we should consider new issues."\n'
        "> (Minutes, turn 41)\n\n"
        'Kim: "Thank you." (Minutes, turn 4), and “Because new situations … new issues.” '
        "(Minutes, turn 41)."
    )
    assert len(quotations(md)) == 5
    assert problems(md, turn_texts, source) == []


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        ("“As we arrived in North Korea today” (turn 9)", "not word for word in turn 9"),
        ("“As we arrived in [North] Korea today” (turn 10)", "not word for word in turn 10"),
        ("“As we arrived in [North] Korea today” (turn 99)", "does not exist"),
        ('"we will never break relations" (Minutes, turn 42)', "not word for word in turn 42"),
        ("“Kim promised to fight alongside China”", "not in the source"),
        ("> Kim agreed with everything.\n> (Minutes, turn 18)", "no quotation in double quotes"),
        ('> "We agree completely."\n> (Minutes, turn 18)', "not word for word in turn 18"),
        ("“new issues … Because new situations” (turn 41)", "not word for word in turn 41"),
    ],
)
def test_checker_rejects_misquotes(turn_texts, source, md, expected):
    found = problems(md, turn_texts, source)
    assert found, md
    assert expected in found[0]


# --- the lessons --------------------------------------------------------------------------------


def test_there_are_lessons():
    assert LESSONS, "no lessons found"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_quotes_are_verbatim(path, turn_texts, source):
    nb = nbformat.read(path, as_version=4)
    bad = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        bad += [f"cell {i}: {p}" for p in problems(cell.source, turn_texts, source)]
    assert not bad, f"{path.name}:\n" + "\n".join(bad)
