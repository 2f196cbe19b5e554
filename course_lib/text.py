"""Text helpers: words, the translators' insertions, term search, keyword in context, aliases.

Stable public names (other modules and the widgets import them):

- :func:`tokenize`, :func:`count_words` and :data:`WORD_RE` -- what counts as a word;
- :func:`strip_insertions` -- the text without the translators' ``[insertions]``;
- :func:`parse_query` and :data:`ALIASES` -- turning what a learner types (a word, a phrase,
  ``"CPSU | Soviet Party"``, or a preset name) into an alias group;
- :func:`find_term` -- where a term or alias group occurs in one text;
- :func:`kwic` -- every occurrence in a turns table, with its context and whether it sits inside
  a translator's insertion;
- :data:`STOP_WORDS` -- the documented stop-word list used for distinctive vocabulary.

Matching rules (the same everywhere): case-insensitive; whole words only (a term that starts or
ends with a letter or digit must not touch another letter or digit there, so ``"Stalin"`` matches
``"Stalin's"`` but not ``"Stalinism"``; Chinese characters and kana, written without spaces, are
exempt); any run of spaces in a term matches any run of
whitespace; every other character, regular-expression metacharacters included, is literal. An
alias group matches wherever any of its terms does; overlapping hits are resolved leftmost, then
longest. The parser's notion of an insertion lives in :func:`course_lib.source.insertion_spans`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from course_lib.source import insertion_spans

__all__ = [
    "ALIASES",
    "KWIC_COLUMNS",
    "MAX_TERM_CHARS",
    "STOP_WORDS",
    "WORD_RE",
    "count_words",
    "find_term",
    "inside_insertion",
    "kwic",
    "parse_query",
    "require_columns",
    "strip_insertions",
    "term_pattern",
    "tokenize",
]

#: A word: letters or digits, with inner apostrophes or hyphens ("Khrushchev's", "post-war"); a
#: number written with digit-group separators ("80,000") is one word.
WORD_RE = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+|(?<=\d)[,.]\d+)*")

#: Terms longer than this are cut (a learner pasting a page should get an answer, not a hang).
MAX_TERM_CHARS = 200

#: Preset alias groups: a name for the learner, and every spelling that should count as it.
#: Korean and Chinese names are listed in both romanizations the minutes use (the first, then the
#: bracketed one: "Daedong [Taedong] Bridge") and, for the two speakers, in the older Wade-Giles /
#: McCune-Reischauer forms and the original scripts, which learners may meet in other sources.
#: "Khrushchov" is the spelling of the Chinese Foreign Languages Press translations of 1963.
ALIASES: dict[str, tuple[str, ...]] = {
    "Soviet party": (
        "CPSU",
        "Communist Party of the Soviet Union",
        "Soviet [Communist] Party",
        "Soviet Communist Party",
        "Soviet Party",
    ),
    "Soviet Union": ("Soviet Union", "Soviets", "USSR"),
    "Khrushchev": ("Khrushchev", "Khrushchov"),
    "Stalin": ("Stalin",),
    "revisionism": ("revisionism", "revisionist", "revisionists"),
    "split": ("split", "splits"),
    "Volunteer Army": ("Volunteer Army", "Volunteers"),
    "debts": ("debt", "debts"),
    "Liu Shaoqi": (
        "Liu Shaoqi",
        "Liu Shao-chi",
        "Liu Shao-ch'i",
        "Chairman Liu",
        "刘少奇",
        "劉少奇",
    ),
    "Kim Il Sung": ("Kim Il Sung", "Kim Il-sung", "Kim Il-song", "Premier Kim", "김일성"),
    "Taedong / Daedong": ("Daedong", "Taedong"),
    "Chongju / Jeongju": ("Jeongju", "Chongju"),
    "Chongchon / Cheongcheon": ("Cheongcheon", "Ch'ongch'on", "Chongchon"),
    "Dandong / Andong": ("Andong", "Dandong"),
}

# Where this list comes from, and how it was chosen: we listed every word of the minutes with its
# count (tokenize() over all 54 turns) and kept the English *function* words -- articles,
# pronouns and possessives, forms of "be", "have" and "do", modal verbs, prepositions,
# conjunctions, and a handful of very common adverbs and quantifiers ("very", "also", "some") --
# and nothing that names a person, place, group or idea. Words such as "people", "party",
# "comrades", "split" or "afraid" stay in on purpose: they carry the argument. Apostrophe forms
# ("it's") are listed because tokenize() keeps them as one word. The list is a choice, not a
# fact: the speaker-comparison widget lets learners switch it off and see what changes.
_STOP_WORDS_TEXT = """
    a an the
    i me my mine myself we us our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    this that these those who whom whose which what
    am is are was were be been being
    have has had having do does did doing done
    will would shall should can could may might must
    and or but nor so yet if then than because as while although though whether
    of in on at by for with about against between into through during before after above below
    to from up down out off over under again further upon within without among toward towards
    not no only also too very just even still already there here when where why how
    all any both each few more most other some such own same
    one ones it's that's there's don't didn't won't can't
"""
#: The stop-word list (see the comment above for where it comes from).
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

#: The columns :func:`kwic` returns, in order.
KWIC_COLUMNS = ["turn", "speaker", "left", "match", "right", "inside_insertion", "start", "end"]

_KWIC_DTYPES = {
    "turn": "int64",
    "speaker": "string",
    "left": "string",
    "match": "string",
    "right": "string",
    "inside_insertion": "bool",
    "start": "int64",
    "end": "int64",
}

_WORD_CHAR = re.compile(r"[^\W_]")
# Han characters and kana: written without spaces between words, so no boundary applies.
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _needs_boundary(char: str) -> bool:
    return bool(_WORD_CHAR.match(char)) and not _NO_SPACE_SCRIPT.match(char)


def tokenize(text: str) -> list[str]:
    """Split text into lower-cased words.

    Parameters
    ----------
    text : str
        Any text; a non-string (``None``, a missing value) gives no words.

    Returns
    -------
    list of str
        The words, in order (see :data:`WORD_RE`).

    Examples
    --------
    >>> tokenize("Khrushchev's revisionism, [North] Korea")
    ["khrushchev's", 'revisionism', 'north', 'korea']
    """
    if not isinstance(text, str):
        return []
    return [m.group(0).lower() for m in WORD_RE.finditer(text)]


def count_words(text: str) -> int:
    """Count the words in a text (see :data:`WORD_RE`).

    Parameters
    ----------
    text : str
        Any text; a non-string counts as no words.

    Returns
    -------
    int
    """
    if not isinstance(text, str):
        return 0
    return sum(1 for _ in WORD_RE.finditer(text))


def strip_insertions(text: str) -> str:
    """Remove the translators' bracketed insertions and tidy the spaces left behind.

    Parameters
    ----------
    text : str
        Any text; a non-string gives ``""``.

    Returns
    -------
    str
        What the speaker said, as far as the translation shows it.

    Examples
    --------
    >>> strip_insertions("As we arrived in [North] Korea today")
    'As we arrived in Korea today'
    """
    if not isinstance(text, str):
        return ""
    pieces = []
    last = 0
    for start, end in insertion_spans(text):
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    out = "".join(pieces)
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r" +([,.;:!?])", r"\1", out)
    return out.strip()


# Memoised by text: widgets search the same 54 turns over and over. Both functions are pure.
@lru_cache(maxsize=1024)
def _spoken(text: str) -> str:
    return strip_insertions(text)


@lru_cache(maxsize=1024)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(insertion_spans(text))


def inside_insertion(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether the span ``[start, end)`` lies wholly inside one of ``spans``.

    Parameters
    ----------
    start, end : int
        Half-open character offsets of a match.
    spans : iterable of (int, int)
        Half-open insertion spans, as :func:`course_lib.source.insertion_spans` gives them.

    Returns
    -------
    bool
        True when every character of the match was added by the translators.
    """
    return any(s <= start and end <= e for s, e in spans)


def _normalise_term(term: object) -> str:
    if not isinstance(term, str):
        return ""
    return " ".join(term.split())[:MAX_TERM_CHARS].strip()


def parse_query(query: object) -> tuple[str, ...]:
    """Turn what a learner typed into an alias group.

    Parameters
    ----------
    query : object
        A preset name from :data:`ALIASES` (any case), or one or more terms separated by ``|``
        (``"CPSU | Soviet Party"``). Anything that is not a string, and empty or blank terms,
        give nothing.

    Returns
    -------
    tuple of str
        The distinct terms, whitespace-normalised and cut to :data:`MAX_TERM_CHARS` characters,
        in the order given; ``()`` when there is nothing to search for.

    Examples
    --------
    >>> parse_query("soviet party")[:2]
    ('CPSU', 'Communist Party of the Soviet Union')
    >>> parse_query(" Stalin |  | Lenin ")
    ('Stalin', 'Lenin')
    """
    if not isinstance(query, str):
        return ()
    key = " ".join(query.split()).casefold()
    for name, terms in ALIASES.items():
        if name.casefold() == key:
            return terms
    seen: dict[str, None] = {}
    for part in query.split("|"):
        term = _normalise_term(part)
        if term and term.casefold() not in {t.casefold() for t in seen}:
            seen[term] = None
    return tuple(seen)


def _as_terms(term_or_aliases: object) -> tuple[str, ...]:
    if isinstance(term_or_aliases, str):
        term = _normalise_term(term_or_aliases)
        return (term,) if term else ()
    if isinstance(term_or_aliases, Iterable):
        terms = (_normalise_term(t) for t in term_or_aliases)
        return tuple(dict.fromkeys(t for t in terms if t))
    return ()


def _piece(term: str) -> str:
    body = r"\s+".join(re.escape(part) for part in term.split(" "))
    if _needs_boundary(term[0]):
        body = r"(?<![^\W_])" + body
    if _needs_boundary(term[-1]):
        body = body + r"(?![^\W_])"
    return body


@lru_cache(maxsize=256)
def _compile(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # Longest first, so that at one position the longest alias wins ("Soviet Union" over "Soviet").
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(_piece(t) for t in ordered), re.IGNORECASE)


def term_pattern(term_or_aliases: str | Iterable[str]) -> re.Pattern[str] | None:
    """Compile a term or alias group into one regular expression (cached).

    Parameters
    ----------
    term_or_aliases : str or iterable of str
        One literal term, or several that count as the same thing.

    Returns
    -------
    re.Pattern or None
        ``None`` when there is nothing to search for (empty, blank, not text).
    """
    return _compile(_as_terms(term_or_aliases))


def find_term(text: str, term_or_aliases: str | Iterable[str]) -> list[tuple[int, int]]:
    """Find every whole-word, case-insensitive occurrence of a term or alias group.

    Parameters
    ----------
    text : str
        The text to search; a non-string has no occurrences.
    term_or_aliases : str or iterable of str
        A literal term (``"Soviet [Communist] Party"`` matches those characters, brackets
        included), or an alias group such as ``ALIASES["Soviet party"]``. A string is always
        one term; use :func:`parse_query` for ``|``-separated input or preset names.

    Returns
    -------
    list of (int, int)
        Half-open character offsets, in order, not overlapping.

    Examples
    --------
    >>> find_term("Khrushchev's way", "khrushchev")
    [(0, 10)]
    >>> find_term("Stalinism", "Stalin")
    []
    """
    pattern = term_pattern(term_or_aliases)
    if pattern is None or not isinstance(text, str):
        return []
    return [m.span() for m in pattern.finditer(text)]


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    left = " ".join(text[max(0, start - width) : start].split())
    right = " ".join(text[end : end + width].split())
    if text[max(0, start - width) : start][-1:].isspace():
        left += " "
    if text[end : end + width][:1].isspace():
        right = " " + right
    return left, text[start:end], right


def kwic(
    turns: pd.DataFrame,
    term: str | Iterable[str],
    width: int = 60,
    include_insertions: bool = True,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of a term in a turns table.

    Parameters
    ----------
    turns : DataFrame
        At least the columns ``turn``, ``speaker`` and ``text`` (as from
        :func:`course_lib.load_turns`).
    term : str or iterable of str
        A literal term or an alias group (see :func:`find_term`).
    width : int, default 60
        Characters of context on each side (clipped to 0..500); whitespace inside the context is
        collapsed to single spaces.
    include_insertions : bool, default True
        Search the text as published, translators' insertions included. With ``False``, search
        only what was said (the text with insertions removed, see :func:`strip_insertions`);
        ``start`` and ``end`` then refer to that shortened text.

    Returns
    -------
    DataFrame
        Columns :data:`KWIC_COLUMNS`: ``turn``, ``speaker``, ``left``, ``match`` (as spelled in
        the text), ``right``, ``inside_insertion`` (the match lies wholly inside a translator's
        insertion; always False when insertions are excluded), ``start``, ``end``. One row per
        occurrence, in turn order; empty (with these columns) when nothing matches.

    Raises
    ------
    ValueError
        If ``turns`` lacks one of the needed columns.
    """
    require_columns(turns, ("turn", "speaker", "text"))
    pattern = term_pattern(term)
    try:
        width = max(0, min(500, int(width)))
    except (TypeError, ValueError):
        width = 60
    cols: dict[str, list[object]] = {c: [] for c in KWIC_COLUMNS}
    if pattern is not None:
        for turn, speaker, raw in zip(turns["turn"], turns["speaker"], turns["text"], strict=True):
            if not isinstance(raw, str):
                continue
            text = raw if include_insertions else _spoken(raw)
            spans: tuple[tuple[int, int], ...] | None = None
            for m in pattern.finditer(text):
                if spans is None:
                    spans = _spans(text) if include_insertions else ()
                start, end = m.span()
                left, match, right = _context(text, start, end, width)
                for key, value in (
                    ("turn", int(turn)),
                    ("speaker", str(speaker)),
                    ("left", left),
                    ("match", match),
                    ("right", right),
                    ("inside_insertion", inside_insertion(start, end, spans)),
                    ("start", start),
                    ("end", end),
                ):
                    cols[key].append(value)
    return pd.DataFrame(
        {c: pd.array(cols[c], dtype=_KWIC_DTYPES[c]) for c in KWIC_COLUMNS},
        columns=KWIC_COLUMNS,
    )


def require_columns(frame: object, columns: Iterable[str]) -> None:
    """Check that ``frame`` is a DataFrame with the given columns.

    Parameters
    ----------
    frame : object
    columns : iterable of str

    Raises
    ------
    ValueError
        Naming what is wrong, in words a learner can act on.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame of turns, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the turns table lacks the column(s) {', '.join(missing)}")
