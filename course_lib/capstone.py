"""The capstone: evidence cited by turn, a short essay, a self-assessment, and its export.

Pure functions build and check everything (:func:`make_evidence`, :func:`check_essay`,
:func:`to_markdown`, :func:`to_html`); only :func:`write_atomic`, :func:`export`,
:func:`save_draft` and :func:`load_draft` touch the disk. Files go to the learner's answers
folder (:func:`answers_dir`): ``$PYONGYANG1963_ANSWERS`` if set, else
``~/.pyongyang1963/answers``, where the guided questions save theirs.

Quotations are written the course's way: ``“exact words” (Minutes, turn N)``; a quotation must
appear word for word in that turn, brackets included (runs of whitespace may differ).
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "ANSWERS_ENV",
    "DRAFT_NAME",
    "QUESTION",
    "RUBRIC",
    "RUBRIC_TITLES",
    "WORD_RANGE",
    "CapstoneState",
    "Evidence",
    "answers_dir",
    "check_essay",
    "evidence_lines",
    "export",
    "format_evidence",
    "load_draft",
    "make_evidence",
    "rubric_score",
    "save_draft",
    "sentences",
    "state_from_dict",
    "state_to_dict",
    "to_html",
    "to_markdown",
    "word_count",
    "write_atomic",
]

#: The environment variable naming the answers folder.
ANSWERS_ENV = "PYONGYANG1963_ANSWERS"
#: The draft's file name inside the answers folder.
DRAFT_NAME = "capstone_draft.json"

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
    """

    turn: int
    speaker: str
    quote: str


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
        Optional, for the exported file.
    question : str
    """

    essay: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    name: str = ""
    question: str = QUESTION


def _turn_row(turns: pd.DataFrame, turn: object) -> pd.Series:
    try:
        number = int(turn)  # type: ignore[call-overload]
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


def to_markdown(state: CapstoneState, when: datetime | None = None) -> str:
    """The capstone as a Markdown document.

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional
        Printed as the export time.

    Returns
    -------
    str
    """
    ticked, total = rubric_score(state.checks)
    lines = ["# Pyongyang 1963: capstone essay", ""]
    if state.name.strip():
        lines += [f"**Name:** {_norm(state.name)}", ""]
    if when is not None:
        lines += [f"*Exported {when:%Y-%m-%d %H:%M}*", ""]
    lines += [f"**Question:** {state.question}", "", "## Essay", "", state.essay.strip() or "-", ""]
    lines += ["## Evidence", ""]
    lines += [f"{i}. {format_evidence(e)}" for i, e in enumerate(state.evidence, 1)] or ["-"]
    lines += ["", f"## Self-assessment ({ticked} of {total})", ""]
    lines += [f"- [{'x' if state.checks.get(k) else ' '}] {text}" for k, text in RUBRIC]
    lines += [
        "",
        "Source: Minutes of Conversation between Liu Shaoqi and Kim Il Sung, 15 September 1963, "
        "Wilson Center Digital Archive, https://digitalarchive.wilsoncenter.org/document/116542",
        "",
    ]
    return "\n".join(lines)


def to_html(state: CapstoneState, when: datetime | None = None) -> str:
    """The capstone as a standalone HTML page (everything escaped).

    Parameters
    ----------
    state : CapstoneState
    when : datetime, optional

    Returns
    -------
    str
    """
    e = html.escape
    ticked, total = rubric_score(state.checks)
    paras = [p for p in re.split(r"\n\s*\n", state.essay.strip()) if p.strip()]
    essay = "".join(f"<p>{e(_norm(p))}</p>" for p in paras) or "<p>-</p>"
    evidence = "".join(f"<li>{e(format_evidence(x))}</li>" for x in state.evidence)
    rubric = "".join(
        f"<li>{'☑' if state.checks.get(k) else '☐'} {e(text)}</li>" for k, text in RUBRIC
    )
    name = f"<p><strong>Name:</strong> {e(_norm(state.name))}</p>" if state.name.strip() else ""
    stamp = f"<p><em>Exported {when:%Y-%m-%d %H:%M}</em></p>" if when is not None else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Pyongyang 1963: capstone essay</title></head><body>"
        f"<h1>Pyongyang 1963: capstone essay</h1>{name}{stamp}"
        f"<p><strong>Question:</strong> {e(state.question)}</p>"
        f"<h2>Essay</h2>{essay}<h2>Evidence</h2><ol>{evidence}</ol>"
        f"<h2>Self-assessment ({ticked} of {total})</h2><ul>{rubric}</ul>"
        "<p>Source: Minutes of Conversation between Liu Shaoqi and Kim Il Sung, 15 September "
        '1963, Wilson Center Digital Archive, <a href="https://digitalarchive.wilsoncenter.org/'
        'document/116542">document 116542</a></p></body></html>\n'
    )


def state_to_dict(state: CapstoneState) -> dict[str, Any]:
    """A JSON-ready dict of the state.

    Parameters
    ----------
    state : CapstoneState

    Returns
    -------
    dict
    """
    return {
        "essay": state.essay,
        "evidence": [
            {"turn": x.turn, "speaker": x.speaker, "quote": x.quote} for x in state.evidence
        ],
        "checks": {k: bool(v) for k, v in state.checks.items()},
        "name": state.name,
    }


def state_from_dict(data: object, turns: pd.DataFrame | None = None) -> CapstoneState:
    """Rebuild a state from :func:`state_to_dict`'s output, dropping anything malformed.

    Parameters
    ----------
    data : object
    turns : DataFrame, optional
        If given, evidence that is no longer word for word in its turn is dropped.

    Returns
    -------
    CapstoneState
    """
    if not isinstance(data, dict):
        return CapstoneState()
    evidence = []
    for item in data.get("evidence") or []:
        if not isinstance(item, dict):
            continue
        try:
            if turns is not None:
                evidence.append(make_evidence(turns, item.get("turn"), item.get("quote")))
            else:
                evidence.append(
                    Evidence(int(item["turn"]), str(item["speaker"]), str(item["quote"]))
                )
        except (KeyError, TypeError, ValueError):
            continue
    checks = data.get("checks") if isinstance(data.get("checks"), dict) else {}
    keys = {k for k, _ in RUBRIC}
    return CapstoneState(
        essay=data.get("essay") if isinstance(data.get("essay"), str) else "",
        evidence=evidence,
        checks={k: bool(v) for k, v in checks.items() if k in keys},
        name=data.get("name") if isinstance(data.get("name"), str) else "",
    )


def answers_dir(env: Mapping[str, str] | None = None) -> Path:
    """The learner's answers folder (the same as the guided questions').

    Parameters
    ----------
    env : mapping, optional
        The environment (default ``os.environ``).

    Returns
    -------
    Path
        ``$PYONGYANG1963_ANSWERS`` if set and not blank, else ``~/.pyongyang1963/answers``
        (see :func:`course_lib.store.default_folder`).
    """
    from course_lib.store import default_folder

    return default_folder(env)


def write_atomic(path: str | Path, text: str) -> Path:
    """Write a text file atomically (a temporary file in the same folder, then a rename).

    Parameters
    ----------
    path : str or Path
    text : str

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        If the folder cannot be created or written; the old file, if any, is left intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export(
    state: CapstoneState,
    fmt: str = "html",
    folder: str | Path | None = None,
    when: datetime | None = None,
) -> Path:
    """Write the capstone to the answers folder.

    Parameters
    ----------
    state : CapstoneState
    fmt : {"html", "md"}
    folder : str or Path, optional
        Default :func:`answers_dir`.
    when : datetime, optional
        Default now.

    Returns
    -------
    Path
        ``capstone.html`` or ``capstone.md`` in the folder.

    Raises
    ------
    ValueError
        An unknown format.
    OSError
        The folder cannot be written.
    """
    if fmt not in ("html", "md"):
        raise ValueError(f"unknown format {fmt!r}: use 'html' or 'md'")
    when = when or datetime.now()
    folder = Path(folder) if folder is not None else answers_dir()
    text = to_html(state, when) if fmt == "html" else to_markdown(state, when)
    return write_atomic(folder / f"capstone.{fmt}", text)


def save_draft(state: CapstoneState, folder: str | Path | None = None) -> Path:
    """Save the work in progress (JSON, atomically).

    Parameters
    ----------
    state : CapstoneState
    folder : str or Path, optional
        Default :func:`answers_dir`.

    Returns
    -------
    Path
    """
    folder = Path(folder) if folder is not None else answers_dir()
    text = json.dumps(state_to_dict(state), ensure_ascii=False, indent=1)
    return write_atomic(folder / DRAFT_NAME, text)


def load_draft(
    folder: str | Path | None = None, turns: pd.DataFrame | None = None
) -> CapstoneState:
    """Load the saved draft, or an empty state if there is none or it is unreadable.

    Parameters
    ----------
    folder : str or Path, optional
        Default :func:`answers_dir`.
    turns : DataFrame, optional
        Passed to :func:`state_from_dict`.

    Returns
    -------
    CapstoneState
    """
    folder = Path(folder) if folder is not None else answers_dir()
    try:
        data = json.loads((folder / DRAFT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return CapstoneState()
    return state_from_dict(data, turns)


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
