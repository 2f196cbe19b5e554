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

Matching rules (the same everywhere, the one search engine of the course): text and terms are
*folded* before they are compared -- Unicode NFC/NFD forms and accents are made equal (``"Ch'ŏngch'ŏn"``
finds ``"Ch'ongch'on"``), case is ignored, curly and straight apostrophes are one, and an apostrophe
between two letters of a term is optional (``"Chongchon"`` finds ``"Ch'ongch'on"``); spaces and
hyphens inside a term match any run of spaces or hyphens (``"Kim Il-sung"`` finds ``"Kim Il
Sung"``). Two match modes: ``"word"`` (whole words: ``"Stalin"`` matches ``"Stalin's"`` but not
``"Stalinism"``) and ``"start"`` (word start: ``"korea"`` also finds ``"Korean"``); Chinese
characters and kana, written without spaces, need no boundary. Every other character, regular-
expression metacharacters included, is literal. An alias group matches wherever any of its terms
does; overlapping hits are resolved leftmost, then longest. Offsets always refer to the original
text. :func:`parse_query` expands a typed spelling to its whole alias group, and :func:`suggest`
offers "Did you mean ...?" words from the conversation's own vocabulary. The parser's notion of an insertion lives in :func:`course_lib.source.insertion_spans`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pandas as pd

from course_lib.source import insertion_spans

__all__ = [
    "ALIASES",
    "KWIC_COLUMNS",
    "MAX_TERM_CHARS",
    "MODES",
    "STOP_WORDS",
    "WORD_RE",
    "count_words",
    "expand_aliases",
    "find_term",
    "fold",
    "inside_insertion",
    "kwic",
    "parse_query",
    "require_columns",
    "strip_insertions",
    "suggest",
    "term_pattern",
    "tokenize",
    "vocabulary",
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
    "Khrushchev": ("Khrushchev", "Khrushchov", "Хрущёв", "赫鲁晓夫", "흐루쇼프"),
    "Stalin": ("Stalin", "Сталин", "斯大林", "스탈린"),
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
    "Kim Il Sung": (
        "Kim Il Sung",
        "Kim Il-song",
        "Premier Kim",
        "김일성",
        "金日成",
    ),
    "Mao Zedong": ("Mao Zedong", "Mao Tse-tung", "Chairman Mao", "毛泽东", "毛澤東"),
    "Zhou Enlai": ("Zhou Enlai", "Chou En-lai", "Premier Zhou", "周恩来", "周恩來"),
    "Deng Xiaoping": ("Deng Xiaoping", "Teng Hsiao-ping", "邓小平", "鄧小平"),
    "Zhu De": ("Zhu De", "Chu Teh", "朱德"),
    # "Committee Chairman Choe" in turn 38 is Choe Yong-geon, then chairman of the Standing Committee
    # of the Supreme People's Assembly (and in the room that day, see the participants).
    "Choe Yong-geon": (
        "Choe Yong-geon",
        "Choe Yong-gon",
        "Choi Yong-kun",
        "Chairman Choe",
        "최용건",
        "崔庸健",
    ),
    "Pak Geum-cheol": ("Pak Geum-cheol", "Pak Kum Chol", "Pak Kum-chol", "박금철"),
    "Pak Seong-cheol": ("Pak Seong-cheol", "Pak Song Chol", "Pak Song-chol", "박성철", "朴成哲"),
    "Kim Chang-man": ("Kim Chang-man", "Kim Chang Man"),
    "Ri Hyo-sun": ("Ri Hyo-sun", "Ri Hyo Sun", "Yi Hyo-sun"),
    "Kim Gwang-hyeop": ("Kim Gwang-hyeop", "Kim Kwang Hyop", "Kim Kwang-hyop"),
    "Kang Ryong-gu": ("Kang Ryong-gu", "Kang Ryong Gu"),
    "Pyongyang": ("Pyongyang", "P'yongyang", "평양", "平壤"),
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


def tokenize(text: object) -> list[str]:
    """Split text into lower-cased words.

    Parameters
    ----------
    text : object
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


def count_words(text: object) -> int:
    """Count the words in a text (see :data:`WORD_RE`).

    Parameters
    ----------
    text : object
        Any text; a non-string counts as no words.

    Returns
    -------
    int
    """
    if not isinstance(text, str):
        return 0
    return sum(1 for _ in WORD_RE.finditer(text))


def strip_insertions(text: object) -> str:
    """Remove the translators' bracketed insertions and tidy the spaces left behind.

    Parameters
    ----------
    text : object
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
        (``"CPSU | Soviet Party"``). A term that is one spelling of a preset group (``"Kim
        Il-sung"``, ``"김일성"``, ``"Taedong"``) brings in every spelling of that group. Anything
        that is not a string, and empty or blank terms, give nothing.

    Returns
    -------
    tuple of str
        The distinct terms, whitespace-normalised and cut to :data:`MAX_TERM_CHARS` characters,
        in the order given, then the added spellings; ``()`` when there is nothing to search for.

    Examples
    --------
    >>> parse_query("soviet party")[:2]
    ('CPSU', 'Communist Party of the Soviet Union')
    >>> parse_query(" Stalin |  | Lenin ")[:1] + parse_query(" Stalin |  | Lenin ")[-1:]
    ('Stalin', 'Lenin')
    """
    if not isinstance(query, str):
        return ()
    key = fold(" ".join(query.split()))
    for name, terms in ALIASES.items():
        if fold(name) == key:
            return terms
    seen: dict[str, str] = {}
    for part in query.split("|"):
        term = _normalise_term(part)
        if term:
            seen.setdefault(fold(term), term)
    return expand_aliases(tuple(seen.values()))


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for group in ALIASES.values():
        for alias in group:
            index.setdefault(_folded_key(alias), group)
    return index


def _folded_key(term: str) -> str:
    """A term folded, with hyphens as spaces and apostrophes dropped: one key per spelling."""
    return " ".join(fold(term).replace("-", " ").replace("'", "").split())


def expand_aliases(terms: Iterable[object]) -> tuple[str, ...]:
    """Add every spelling of a preset alias group one of whose spellings was typed.

    Parameters
    ----------
    terms : iterable of object
        The typed terms; blanks and non-strings are skipped.

    Returns
    -------
    tuple of str
        ``terms`` first, then the added spellings, without duplicates (folded).

    Examples
    --------
    >>> expand_aliases(("Taedong",))
    ('Taedong', 'Daedong')
    """
    given = [t for t in terms if isinstance(t, str) and t.strip()]
    out: dict[str, str] = {}
    for term in given:
        out.setdefault(_folded_key(term), term)
    index = _alias_index()
    for term in given:
        for alias in index.get(_folded_key(term), ()):
            out.setdefault(_folded_key(alias), alias)
    return tuple(out.values())


def _as_terms(term_or_aliases: object) -> tuple[str, ...]:
    if isinstance(term_or_aliases, str):
        term = _normalise_term(term_or_aliases)
        return (term,) if term else ()
    if isinstance(term_or_aliases, Iterable):
        terms = (_normalise_term(t) for t in term_or_aliases)
        return tuple(dict.fromkeys(t for t in terms if t))
    return ()


#: The two match modes: whole words, or the start of a word.
MODES = ("word", "start")
_APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4"
_HYPHENS = "-\u2010\u2011\u2012\u2013"


#: ASCII text folds with one table: lower case, the backtick read as an apostrophe.
_ASCII_FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)}, "`": "'"})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character folded. Characters are folded one by one (never the whole text at once),
    so that every folded character knows the original character it came from.

    Decomposition (NFD) drops accents and other combining marks; Hangul syllables decompose into
    their jamo, in text and terms alike, so a syllable matches whether it came composed (NFC) or
    decomposed (NFD)."""
    if ch in _APOSTROPHES:
        return "'"
    if ch in _HYPHENS:
        return "-"
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: object) -> str:
    """Fold text for comparison: accents and NFC/NFD forms equal, case and apostrophes unified.

    Parameters
    ----------
    text : object
        A non-string gives ``""``.

    Returns
    -------
    str

    Examples
    --------
    >>> fold("Ch\u2019ŏngch\u2019ŏn")
    "ch'ongch'on"
    """
    return _fold_with_map(text)[0] if isinstance(text, str) else ""


@lru_cache(maxsize=1024)
def _fold_with_map(text: str) -> tuple[str, tuple[int, ...] | None]:
    """The folded text and, for each folded character, the offset of its original character
    (``None`` when every character folds to exactly one, so offsets are unchanged)."""
    if text.isascii():
        return text.translate(_ASCII_FOLD), None
    pieces = list(map(_fold_char, text))
    folded = "".join(pieces)
    if len(folded) == len(text) and all(len(p) == 1 for p in pieces):
        return folded, None
    return folded, tuple(i for i, piece in enumerate(pieces) for _ in piece)


def _piece(term: str, mode: str) -> str:
    folded = fold(term)
    words = [w for w in re.split(r"[\s\-]+", folded) if w]
    if not words:
        return ""
    # An apostrophe typed or not: "chongchon" finds "ch'ongch'on".
    parts = []
    for word in words:
        letters = [c for c in word if c != "'"] or list(word)
        parts.append("'?".join(re.escape(c) for c in letters))
    body = r"[\s\-]+".join(parts)
    if _needs_boundary(folded[0]):
        body = r"(?<![^\W_])" + body
    if mode == "word" and _needs_boundary(folded[-1]):
        body = body + r"(?![^\W_])"
    return body


@lru_cache(maxsize=256)
def _compile(terms: tuple[str, ...], mode: str = "word") -> re.Pattern[str] | None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    # Longest first, so that at one position the longest alias wins ("Soviet Union" over "Soviet").
    ordered = sorted(terms, key=len, reverse=True)
    pieces = [p for p in (_piece(t, mode) for t in ordered) if p]
    if not pieces:
        return None
    return re.compile("|".join(pieces))


def term_pattern(
    term_or_aliases: str | Iterable[str], mode: str = "word"
) -> re.Pattern[str] | None:
    """Compile a term or alias group into one regular expression over *folded* text (cached).

    Parameters
    ----------
    term_or_aliases : str or iterable of str
        One literal term, or several that count as the same thing.
    mode : {"word", "start"}
        Whole words, or word starts.

    Returns
    -------
    re.Pattern or None
        ``None`` when there is nothing to search for (empty, blank, not text). Match it against
        :func:`fold` of a text; :func:`find_term` maps the offsets back.
    """
    return _compile(_as_terms(term_or_aliases), mode)


def _finditer(pattern: re.Pattern[str], text: str) -> Iterable[tuple[int, int]]:
    folded, where = _fold_with_map(text)
    if where is None:
        for m in pattern.finditer(folded):
            yield m.span()
        return
    for m in pattern.finditer(folded):
        start = where[m.start()]
        end = where[m.end() - 1] + 1 if m.end() > m.start() else start
        yield start, end


def find_term(
    text: str, term_or_aliases: str | Iterable[str], mode: str = "word"
) -> list[tuple[int, int]]:
    """Find every occurrence of a term or alias group (the course's one matching rule).

    Parameters
    ----------
    text : str
        The text to search; a non-string has no occurrences.
    term_or_aliases : str or iterable of str
        A literal term (``"Soviet [Communist] Party"`` matches those characters, brackets
        included), or an alias group such as ``ALIASES["Soviet party"]``. A string is always
        one term; use :func:`parse_query` for ``|``-separated input or preset names.
    mode : {"word", "start"}
        ``"word"`` for whole words (default), ``"start"`` for word starts.

    Returns
    -------
    list of (int, int)
        Half-open character offsets into ``text``, in order, not overlapping.

    Examples
    --------
    >>> find_term("Khrushchev's way", "khrushchev")
    [(0, 10)]
    >>> find_term("Stalinism", "Stalin")
    []
    >>> find_term("the Korean people", "korea", mode="start")
    [(4, 10)]
    """
    pattern = term_pattern(term_or_aliases, mode)
    if pattern is None or not isinstance(text, str):
        return []
    if mode == "start":
        # A word-start hit covers the whole word it starts ("Korea" -> "Korean").
        hits = []
        for start, end in _finditer(pattern, text):
            m = WORD_RE.match(text, start)
            hits.append((start, max(end, m.end()) if m else end))
        return hits
    return list(_finditer(pattern, text))


def vocabulary(texts: Iterable[object]) -> dict[str, str]:
    """The words of some texts, folded, each with its most frequent spelling.

    Parameters
    ----------
    texts : iterable of str

    Returns
    -------
    dict
        ``{folded word: spelling}``.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        if isinstance(text, str):
            for m in WORD_RE.finditer(text):
                word = re.sub(r"['\u2019]s$", "", m.group(0))  # "Khrushchev's" -> "Khrushchev"
                counts[(fold(word), word)] += 1
    best: dict[str, tuple[int, str]] = {}
    for (key, word), n in counts.items():
        if key not in best or n > best[key][0]:
            best[key] = (n, word)
    return {key: word for key, (_, word) in best.items()}


def suggest(query: object, words: Mapping[str, str], limit: int = 3) -> list[str]:
    """ "Did you mean ...?": close spellings from the conversation's own vocabulary.

    Parameters
    ----------
    query : object
        What the learner typed (one or more words, or ``|``-separated terms).
    words : mapping
        From :func:`vocabulary` (folded word -> spelling); alias group names are added.
    limit : int
        At most this many suggestions.

    Returns
    -------
    list of str
        Spellings that occur in the texts (or preset names), closest first; ``[]`` when the
        query is empty or already a known word.

    Examples
    --------
    >>> suggest("Khruschev", {"khrushchev": "Khrushchev", "korea": "Korea"})
    ['Khrushchev']
    """
    if not isinstance(query, str):
        return []
    terms = [t for t in (_normalise_term(p) for p in query.split("|")) if t]
    out: dict[str, None] = {}
    names = {fold(name): name for name in ALIASES}
    for term in terms:
        key = fold(term)
        if key in words or key in names:
            continue
        pool = list(words) + list(names)
        for hit in difflib.get_close_matches(key, pool, n=limit, cutoff=0.75):
            out.setdefault(words.get(hit) or names[hit], None)
    return list(out)[:limit]


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """Context of at most ``width`` characters a side, cut at word boundaries."""
    lo = max(0, start - width)
    if lo > 0 and not text[lo - 1].isspace():
        # Do not start in the middle of a word: move to the next space.
        space = text.find(" ", lo, start)
        lo = start if space == -1 else space + 1
    hi = min(len(text), end + width)
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", end, hi)
        hi = end if space == -1 else space
    left = " ".join(text[lo:start].split())
    right = " ".join(text[end:hi].split())
    if text[lo:start][-1:].isspace():
        left += " "
    if text[end:hi][:1].isspace():
        right = " " + right
    return left, text[start:end], right


def kwic(
    turns: pd.DataFrame,
    term: str | Iterable[str],
    width: int = 60,
    include_insertions: bool = True,
    mode: str = "word",
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
    mode : {"word", "start"}
        Whole words (default) or word starts (see :func:`find_term`).

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
    terms = _as_terms(term)
    pattern = term_pattern(terms, mode)
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
            for start, end in find_term(text, terms, mode):
                if spans is None:
                    spans = _spans(text) if include_insertions else ()
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
        {c: pd.Series(cols[c], dtype=_KWIC_DTYPES[c]) for c in KWIC_COLUMNS},
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
