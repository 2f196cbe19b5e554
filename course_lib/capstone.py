"""The capstone's checking: evidence cited by turn, the essay's quotations, the rubric.

Pure functions only (:func:`make_evidence`, :func:`check_essay`, :func:`rubric_score`...). The
draft on disk is :mod:`course_lib.capstone_draft`; the exported essay is
:mod:`course_lib.capstone_export`.

Quotations are written the course's way: ``“exact words” (Minutes, turn N)``; a quotation must
appear word for word in that turn, brackets included (runs of whitespace may differ).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, SupportsIndex, SupportsInt

import pandas as pd

__all__ = [
    "QUESTION",
    "RUBRIC",
    "RUBRIC_TITLES",
    "WORD_RANGE",
    "CapstoneState",
    "Evidence",
    "check_essay",
    "evidence_from_dict",
    "evidence_lines",
    "format_evidence",
    "make_evidence",
    "rubric_score",
    "sentences",
    "word_count",
]

#: The central historical question of the capstone.
QUESTION = (
    "How did China try to keep North Korea on its side in the Sino-Soviet split, "
    "and how far did Kim Il Sung go along?"
)

#: Suggested length of the essay, in words.
WORD_RANGE = (250, 600)

#: The rubric: (key, what a strong essay does). Learners tick what their essay does.
RUBRIC: tuple[tuple[str, str], ...] = (
    ("claim", "It opens with a clear answer to the question (a claim), not a summary."),
    (
        "evidence",
        "Each main point rests on at least one quotation cited as (Minutes, turn N).",
    ),
    (
        "both_sides",
        "It uses both speakers: what Liu offers, asks or warns, and how Kim answers.",
    ),
    (
        "limits",
        "It says where Kim holds back or where the evidence stops (what the minutes cannot show).",
    ),
    (
        "source",
        "It weighs the source: a Chinese record of a private talk, translated into English.",
    ),
    (
        "context",
        "It places at least one point in its time (the open letters, the test-ban treaty, "
        "the debts), using lesson 03's timeline.",
    ),
    ("exact", "Every quotation is word for word, the translators' brackets included."),
)

#: A short name for each rubric criterion (the checkbox's label; the full text sits beside it).
RUBRIC_TITLES: dict[str, str] = {
    "claim": "Claim",
    "evidence": "Evidence",
    "both_sides": "Both speakers",
    "limits": "Limits",
    "source": "The source",
    "context": "Context",
    "exact": "Exact quotations",
}

_CITE_RE = re.compile(r"\(\s*Minutes,\s*turn\s+(\d{1,3})\s*\)", re.IGNORECASE)
# “quoted words” followed by (Minutes, turn N): the form the picker produces.
_QUOTE_RE = re.compile(r"“([^”]{1,2000})”\s*\(\s*Minutes,\s*turn\s+(\d{1,3})\s*\)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\[A-Z“\"(])")
_MAX_ESSAY = 20_000
_MAX_QUOTE = 2_000


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a verbatim span of one turn.

    Attributes
    ----------
    turn : int
    speaker : str
        ``"Liu"`` or ``"Kim"``.
    quote : str
        Word for word from the turn (whitespace normalised).
    problem : str
        Empty for checked evidence; otherwise why it is no longer word for word in its turn
        (kept, and shown flagged, so the learner can fix or remove it).
    """

    turn: int
    speaker: str
    quote: str
    problem: str = ""


@dataclass
class CapstoneState:
    """Everything the learner has written or chosen.

    Attributes
    ----------
    essay : str
    evidence : list of Evidence
    checks : dict of str to bool
        Rubric key to ticked or not.
    name : str
        The learner's name (from :mod:`course_lib.profile`), for the exported file.
    question : str
    """

    essay: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    name: str = ""
    question: str = QUESTION


def _turn_row(turns: pd.DataFrame, turn: object) -> pd.Series:
    try:
        if not isinstance(turn, str | bytes | bytearray | SupportsInt | SupportsIndex):
            raise TypeError  # what int() would raise
        number = int(turn)
    except (TypeError, ValueError):
        raise ValueError(
            f"{turn!r} is not a turn number; give a whole number from 1 to 54"
        ) from None
    match = turns[turns["turn"] == number]
    if match.empty:
        n = int(turns["turn"].max()) if len(turns) else 0
        raise ValueError(f"there is no turn {number}; the minutes have turns 1 to {n}")
    return match.iloc[0]


def sentences(text: object) -> list[str]:
    """Split a turn into sentences, each verbatim.

    Parameters
    ----------
    text : object
        A turn's text; anything else gives ``[]``.

    Returns
    -------
    list of str
        Whitespace-normalised sentences; joined with spaces they give the whole turn back.

    Examples
    --------
    >>> sentences("Thank you. That is true.")
    ['Thank you.', 'That is true.']
    """
    if not isinstance(text, str):
        return []
    return [s for s in (_norm(p) for p in _SENTENCE_END.split(_norm(text))) if s]


def make_evidence(turns: pd.DataFrame, turn: object, quote: object = None) -> Evidence:
    """Check a quotation against its turn and make it a piece of evidence.

    Parameters
    ----------
    turns : DataFrame
        As from :func:`course_lib.load_turns`.
    turn : object
        The turn's number.
    quote : object, optional
        The words to quote; ``None`` or blank quotes the whole turn. Straight or curly quotation
        marks around it are removed.

    Returns
    -------
    Evidence

    Raises
    ------
    ValueError
        No such turn, a quotation longer than 2,000 characters, or one that is not word for
        word in the turn (the message says what to check).
    """
    row = _turn_row(turns, turn)
    text = _norm(str(row["text"]))
    if quote is None or (isinstance(quote, str) and not quote.strip()):
        wanted = text
    elif not isinstance(quote, str):
        raise ValueError("a quotation must be text")
    else:
        wanted = _norm(quote).strip("\"'\u201c\u201d\u2018\u2019")
        wanted = _norm(wanted)
        if len(wanted) > _MAX_QUOTE:
            raise ValueError(
                f"that quotation is {len(wanted)} characters long; quote at most {_MAX_QUOTE}"
            )
        if wanted not in text:
            raise ValueError(
                f"these words are not word for word in turn {int(row['turn'])}: check spelling, "
                "punctuation and the translators' [brackets], or pick a sentence from the list"
            )
    return Evidence(turn=int(row["turn"]), speaker=str(row["speaker"]), quote=wanted)


def format_evidence(evidence: Evidence) -> str:
    """The evidence as a citable quotation.

    Parameters
    ----------
    evidence : Evidence

    Returns
    -------
    str
        ``“…” (Minutes, turn N)``.

    Examples
    --------
    >>> format_evidence(Evidence(9, "Liu", "As we arrived in [North] Korea today"))
    '“As we arrived in [North] Korea today” (Minutes, turn 9)'
    """
    return f"“{evidence.quote}” (Minutes, turn {evidence.turn})"


def word_count(text: object) -> int:
    """Count the words of an essay (runs of letters or digits).

    Parameters
    ----------
    text : object

    Returns
    -------
    int
    """
    if not isinstance(text, str):
        return 0
    return len(re.findall(r"[^\W_]+(?:['\u2019-][^\W_]+)*", text))


def check_essay(essay: object, turns: pd.DataFrame) -> dict[str, Any]:
    """Check an essay's length, citations and quotations.

    Parameters
    ----------
    essay : object
        The learner's text (cut at 20,000 characters).
    turns : DataFrame

    Returns
    -------
    dict
        ``words`` (int), ``cited_turns`` (sorted list of int), ``quotes_ok`` (int),
        ``problems`` (list of plain-text messages: a quotation not found in its turn, a citation
        of a turn that does not exist, a length outside :data:`WORD_RANGE`).
    """
    text = essay[:_MAX_ESSAY] if isinstance(essay, str) else ""
    n_turns = int(turns["turn"].max()) if len(turns) else 0
    problems: list[str] = []
    cited = sorted({int(m.group(1)) for m in _CITE_RE.finditer(text)})
    for t in cited:
        if not 1 <= t <= n_turns:
            problems.append(f"There is no turn {t}: the minutes have turns 1 to {n_turns}.")
    ok = 0
    for m in _QUOTE_RE.finditer(text):
        t = int(m.group(2))
        if not 1 <= t <= n_turns:
            continue
        body = _norm(m.group(1))
        pieces = [p.strip() for p in re.split(r"\s*(?:…|\.\.\.)\s*", body) if p.strip()]
        turn_text = _norm(str(_turn_row(turns, t)["text"]))
        pos = 0
        found = True
        for piece in pieces:
            at = turn_text.find(piece, pos)
            if at < 0:
                found = False
                break
            pos = at + len(piece)
        if found and pieces:
            ok += 1
        else:
            short = body if len(body) <= 60 else body[:57] + "..."
            problems.append(f"“{short}” is not word for word in turn {t}.")
    words = word_count(text)
    low, high = WORD_RANGE
    if words and words < low:
        problems.append(f"{words} words: aim for {low} to {high}.")
    elif words > high:
        problems.append(f"{words} words: try to cut to {high} or fewer.")
    return {"words": words, "cited_turns": cited, "quotes_ok": ok, "problems": problems}


def rubric_score(checks: Mapping[str, bool]) -> tuple[int, int]:
    """How many rubric criteria the learner ticked.

    Parameters
    ----------
    checks : mapping of str to bool

    Returns
    -------
    ticked : int
    total : int
    """
    keys = [k for k, _ in RUBRIC]
    return sum(bool(checks.get(k)) for k in keys), len(keys)


def evidence_lines(items: Sequence[Evidence]) -> str:
    """All evidence as plain text, one citable quotation a line (for copying).

    Parameters
    ----------
    items : sequence of Evidence

    Returns
    -------
    str
    """
    return "\n".join(format_evidence(x) for x in items)


def evidence_from_dict(item: object, turns: pd.DataFrame | None = None) -> Evidence | None:
    """Rebuild a saved piece of evidence, keeping it (flagged) if it no longer checks out.

    Parameters
    ----------
    item : object
        ``{"turn": 9, "speaker": "Liu", "quote": "..."}`` as saved.
    turns : DataFrame, optional
        If given, the quotation is checked against its turn again.

    Returns
    -------
    Evidence or None
        ``None`` only when there is nothing to keep (not a dict, or no quotation and no turn).
        Evidence that fails the check keeps its words and says why in ``problem``.
    """
    if not isinstance(item, dict):
        return None
    raw_turn, raw_quote = item.get("turn"), item.get("quote")
    quote = _norm(raw_quote) if isinstance(raw_quote, str) else ""
    speaker = item.get("speaker") if isinstance(item.get("speaker"), str) else ""
    try:
        turn = 0 if raw_turn is None or isinstance(raw_turn, bool) else int(raw_turn)
    except (TypeError, ValueError):
        turn = 0
    if not quote and not turn:
        return None
    if turns is None:
        return Evidence(turn, str(speaker), quote)
    try:
        return make_evidence(turns, raw_turn, quote or None)
    except ValueError as exc:
        return Evidence(turn, str(speaker), quote, problem=str(exc))
