"""The reader's logic: citations, search, and the minutes rendered as safe HTML.

Everything here is pure: DataFrames and strings in, strings and DataFrames out. The widget in
:mod:`course_lib.widgets.reader_widget` only wires controls to :func:`render_view` and
:func:`explain_html`.

Search is the course's one search engine (:mod:`course_lib.text`): folded (case, accents, NFC/NFD),
whole words or word starts, every character literal (``[``, ``(((`` and ``<script>`` are just
characters), with ``|`` between alternatives and every spelling of the preset alias groups of
:data:`course_lib.text.ALIASES`; "Did you mean ...?" suggestions come from the minutes' own
vocabulary. All HTML comes from autoescaping templates (``reader_*.html.j2``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd
from markupsafe import escape

from course_lib.data import Record, is_missing, to_records
from course_lib.memo import Memo
from course_lib.source import insertion_spans
from course_lib.templating import Markup, render, render_macro
from course_lib.text import MODES as MATCH_MODES
from course_lib.text import expand_aliases, find_term, parse_query, suggest, vocabulary

__all__ = [
    "MATCH_MODES",
    "MAX_QUERY_CHARS",
    "MODES",
    "VIEWS",
    "Query",
    "ReaderData",
    "ReaderView",
    "citation",
    "clamp_turn",
    "expand_aliases",
    "explain_html",
    "explain_options",
    "match_summary",
    "prepare_query",
    "render_text",
    "render_view",
    "search_turns",
    "status_message",
    "step_match",
    "turn_html",
    "whole_html",
]

T = TypeVar("T")
_CACHE_LIMIT = 5000

#: Longest search a learner may type; longer input is cut, and the reader says so.
MAX_QUERY_CHARS = 200

#: How the translators' insertions are shown: kept and marked, or removed (what was said).
MODES = ("marked", "hidden")
#: One turn at a time, or the whole conversation.
VIEWS = ("turn", "whole")

_SPEAKER_NAMES = {"Liu": "Liu Shaoqi", "Kim": "Kim Il Sung"}
_SPEAKER_MARKS = {"Liu": "L", "Kim": "K"}
_FRAGMENTS = "reader_fragments.html.j2"


def _fragment(name: str, *args: object) -> str:
    return render_macro(_FRAGMENTS, name, *args)


#: A table's rows as dicts (see :data:`course_lib.data.Record`).
Rows = list[Record]


def _records(frame: pd.DataFrame | Rows | None) -> Rows:
    """The rows of a table as dicts (much faster to loop over than ``iterrows``).

    A list of dicts (already converted, see :class:`ReaderData`) is returned as it is.
    """
    if frame is None:
        return []
    if isinstance(frame, pd.DataFrame):
        return to_records(frame)
    return frame


def citation(turn: int) -> str:
    """The citation string for one turn of the minutes.

    Parameters
    ----------
    turn : int
        The turn's number, 1 to 54.

    Returns
    -------
    str
        ``"Minutes, turn N"``.

    Examples
    --------
    >>> citation(22)
    'Minutes, turn 22'
    """
    return f"Minutes, turn {int(turn)}"


def clamp_turn(value: object, n_turns: int = 54) -> int:
    """Turn whatever a learner typed into a valid turn number.

    Parameters
    ----------
    value : object
        A number (or numeric text); anything else gives turn 1.
    n_turns : int, default 54

    Returns
    -------
    int
        ``value`` clipped to ``1..n_turns``.

    Examples
    --------
    >>> clamp_turn(99), clamp_turn(-3), clamp_turn("12"), clamp_turn("twelve")
    (54, 1, 12, 1)
    """
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = int(value)
        else:
            number = int(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        number = 1
    return max(1, min(int(n_turns), number))


@dataclass(frozen=True)
class Query:
    """A learner's search, cleaned.

    Attributes
    ----------
    text : str
        What will be searched for, whitespace-normalised and cut to :data:`MAX_QUERY_CHARS`.
    terms : tuple of str
        The alias group to search (empty: no search, show everything).
    note : str
        A message for the learner (for example that the input was cut), or ``""``.
    """

    text: str
    terms: tuple[str, ...]
    note: str = ""


def prepare_query(raw: object) -> Query:
    """Clean a learner's search input.

    Parameters
    ----------
    raw : object
        What was typed. Not text, empty or only whitespace means no search.

    Returns
    -------
    Query

    Examples
    --------
    >>> prepare_query("  Stalin ").terms
    ('Stalin',)
    >>> prepare_query("x" * 5000).note
    'Your search was 5000 characters long; only the first 200 were used.'
    """
    if not isinstance(raw, str):
        raw = ""
    text = " ".join(raw.split())
    note = ""
    if len(text) > MAX_QUERY_CHARS:
        note = (
            f"Your search was {len(text)} characters long; "
            f"only the first {MAX_QUERY_CHARS} were used."
        )
        text = text[:MAX_QUERY_CHARS].strip()
    return Query(text=text, terms=parse_query(text), note=note)


def _spoken(text: str) -> str:
    from course_lib.text import strip_insertions

    return strip_insertions(text)


def _text_for(row: Mapping[str, Any], mode: str) -> str:
    text = row.get("text")
    if not isinstance(text, str):
        return ""
    if mode == "hidden":
        spoken = row.get("text_spoken")
        return spoken if isinstance(spoken, str) else _spoken(text)
    return text


def render_text(
    text: object,
    insertions: Iterable[tuple[int, int]] = (),
    matches: Iterable[tuple[int, int]] = (),
    page_break_at: int | None = None,
) -> str:
    """Render a passage as HTML, marking insertions and search matches.

    Parameters
    ----------
    text : str
        The passage, verbatim; anything else (a missing cell) renders as ``""``.
    insertions : iterable of (int, int)
        Half-open spans of the translators' insertions; each is wrapped in a ``span`` that is
        italic and underlined with dots (so colour is never the only cue), its brackets kept.
    matches : iterable of (int, int)
        Half-open spans of search matches, wrapped in ``<mark>``.
    page_break_at : int, optional
        Offset of the character (a space) that stands for a page break; a visible note replaces
        it.

    Returns
    -------
    str
        Escaped HTML; overlapping insertions and matches nest correctly.
    """
    if not isinstance(text, str) or not text:
        return ""
    ins = [(max(0, s), min(len(text), e)) for s, e in insertions if s < e]
    hits = [(max(0, s), min(len(text), e)) for s, e in matches if s < e]
    cuts = {0, len(text)}
    for s, e in (*ins, *hits):
        cuts.update((s, e))
    pb = None
    if page_break_at is not None and 0 <= int(page_break_at) < len(text):
        pb = int(page_break_at)
        cuts.update((pb, pb + 1))
    points = sorted(cuts)
    out: list[str] = []
    page_break = _fragment("page_break")
    for a, b in itertools.pairwise(points):
        if a == pb:
            out.append(" " + page_break + " ")
            continue
        piece: str = str(escape(text[a:b]))
        if any(s <= a and b <= e for s, e in hits):
            piece = _fragment("hit", Markup(piece))
        if any(s <= a and b <= e for s, e in ins):
            piece = _fragment("insertion", Markup(piece))
        out.append(piece)
    return "".join(out)


def turn_html(
    row: Mapping[str, Any],
    mode: str = "marked",
    terms: Sequence[str] = (),
    match: str = "word",
) -> str:
    """One turn as an HTML article: heading, text, and its citation.

    Parameters
    ----------
    row : Series or mapping
        A row of :func:`course_lib.load_turns` (``turn``, ``speaker``, ``text``, ``text_spoken``,
        ``page_break_at``).
    mode : {"marked", "hidden"}
        Keep and mark the translators' insertions, or show only what was said.
    terms : sequence of str
        Search terms to highlight (an alias group); empty for none.
    match : {"word", "start"}
        Whole words or word starts (see :func:`course_lib.text.find_term`).

    Returns
    -------
    str
    """
    mode = mode if mode in MODES else "marked"
    turn = int(row["turn"])
    text = _text_for(row, mode)
    spans = insertion_spans(text) if mode == "marked" else []
    hits = find_term(text, tuple(terms), _match(match)) if terms else []
    pb_value = row.get("page_break_at")
    pb = (
        int(pb_value)
        if mode == "marked" and pb_value is not None and not pd.isna(pb_value)
        else None
    )
    speaker = str(row["speaker"])
    return render(
        "reader_turn.html.j2",
        turn=turn,
        speaker_key=speaker if speaker in _SPEAKER_MARKS else "other",
        mark=_SPEAKER_MARKS.get(speaker, "?"),
        speaker=_SPEAKER_NAMES.get(speaker, speaker),
        body=Markup(render_text(text, spans, hits, pb)),
        cite=citation(turn),
    )


def _match(match: object) -> str:
    return match if match in MATCH_MODES else "word"


def search_turns(
    turns: pd.DataFrame | Rows, terms: Sequence[str], mode: str = "marked", match: str = "word"
) -> pd.DataFrame:
    """Count the matches of a search in every turn.

    Parameters
    ----------
    turns : DataFrame
        As from :func:`course_lib.load_turns`.
    terms : sequence of str
        An alias group (from :func:`prepare_query`); empty gives no rows.
    mode : {"marked", "hidden"}
        Search the text with the translators' insertions, or only what was said.
    match : {"word", "start"}
        Whole words or word starts.

    Returns
    -------
    DataFrame
        Columns ``turn``, ``speaker``, ``matches`` (at least 1), in turn order.
    """
    rows = []
    if terms:
        for row in _records(turns):
            n = len(find_term(_text_for(row, mode), tuple(terms), _match(match)))
            if n:
                rows.append(
                    {"turn": int(row["turn"]), "speaker": str(row["speaker"]), "matches": n}
                )
    frame = pd.DataFrame(rows, columns=["turn", "speaker", "matches"])
    return frame.astype({"turn": "int64", "speaker": "string", "matches": "int64"})


def match_summary(results: pd.DataFrame) -> tuple[int, list[int]]:
    """Total matches and the turns they fall in.

    Parameters
    ----------
    results : DataFrame
        From :func:`search_turns`.

    Returns
    -------
    total : int
    turns : list of int
    """
    return int(results["matches"].sum()), [int(t) for t in results["turn"]]


def status_message(
    query: Query, results: pd.DataFrame, suggestions: Sequence[str] = (), match: str = "word"
) -> str:
    """The plain-text message for the live region under the search box.

    Parameters
    ----------
    query : Query
    results : DataFrame
        From :func:`search_turns`.
    suggestions : sequence of str
        Close spellings from the minutes, offered when nothing matches.
    match : {"word", "start"}
        The match mode used (named in a no-match message, with the other mode as advice).

    Returns
    -------
    str
        Plain text (the widget escapes it).
    """
    parts = []
    if query.note:
        parts.append(query.note)
    if not query.terms:
        parts.append("No search: every turn is shown.")
        return " ".join(parts)
    total, where = match_summary(results)
    shown = query.text if len(query.text) <= 60 else query.text[:57] + "..."
    if total == 0:
        parts.append(f'No match for "{shown}".')
        if suggestions:
            parts.append("Did you mean: " + ", ".join(suggestions) + "?")
        elif _match(match) == "word":
            parts.append('Try "Word starts" to find longer words that begin with it.')
    else:
        s = "" if total == 1 else "es"
        t = "turn" if len(where) == 1 else "turns"
        parts.append(
            f'"{shown}": {total} match{s} in {len(where)} {t} ({", ".join(map(str, where))}).'
        )
    if len(query.terms) > 1:
        spellings = ", ".join(query.terms)
        if len(spellings) > 160:
            spellings = spellings[:157] + "..."
        parts.append(f"Searched for any of: {spellings}.")
    return " ".join(parts)


def whole_html(
    turns: pd.DataFrame | Rows,
    mode: str = "marked",
    terms: Sequence[str] = (),
    only_matches: bool = True,
) -> str:
    """The conversation as one HTML page, one article per turn.

    Parameters
    ----------
    turns : DataFrame
    mode : {"marked", "hidden"}
    terms : sequence of str
        Search terms to highlight.
    only_matches : bool, default True
        With a search, show only the turns that match it.

    Returns
    -------
    str
    """
    rows = _records(turns)
    keep = None
    if terms and only_matches:
        keep = set(search_turns(rows, terms, mode)["turn"])
    parts = [
        turn_html(row, mode, terms) for row in rows if keep is None or int(row["turn"]) in keep
    ]
    if not parts:
        return _fragment("empty", "No turn matches this search.")
    return "".join(parts)


def _split(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [v.strip() for v in value.split("|") if v.strip()]


def _turn_numbers(value: object) -> set[int]:
    out = set()
    for part in _split(value):
        try:
            out.add(int(part))
        except ValueError:
            continue
    return out


def explain_options(
    row: Mapping[str, Any],
    people: pd.DataFrame | Rows | None,
    glossary: pd.DataFrame | Rows | None,
    places: pd.DataFrame | Rows | str | None = "shipped",
) -> list[tuple[str, str]]:
    """The people, glossary terms and places named in one turn, for the "Explain" menu.

    Parameters
    ----------
    row : Series
        A turn.
    people : DataFrame or None
        As from :func:`course_lib.load_people`; a person is listed when the turn is among their
        ``mentioned_in_turns`` or when they speak it.
    glossary : DataFrame or None
        As from :func:`course_lib.load_glossary` (``term``, ``aliases`` separated by ``|``); a
        term is listed when it or an alias occurs in the turn.
    places : DataFrame, records, None or "shipped"
        As from :func:`course_lib.places.load_places` (a place is listed when one of its
        spellings occurs in the turn, by the same search as the terms); ``"shipped"`` (the
        default) uses the data package's places, and leaves them out if they cannot be loaded;
        ``None`` lists none.

    Returns
    -------
    list of (label, key)
        ``key`` is ``"person:<id>"``, ``"term:<term>"`` or ``"place:<id>"``.
    """
    turn = int(row["turn"])
    speaker_name = _SPEAKER_NAMES.get(str(row.get("speaker")), "")
    raw_text = row.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    options: list[tuple[str, str]] = []
    if people is not None and len(people):
        for p in _records(people):
            named = turn in _turn_numbers(p.get("mentioned_in_turns"))
            if named or p.get("name") == speaker_name:
                label = str(p.get("name"))
                if p.get("name") == speaker_name:
                    label += " (speaker)"
                options.append((f"Person: {label}", f"person:{p.get('id')}"))
    if glossary is not None and len(glossary):
        for g in _records(glossary):
            term = g.get("term")
            if not isinstance(term, str) or not term.strip():
                continue
            if find_term(text, (term, *_split(g.get("aliases")))):
                options.append((f"Term: {term}", f"term:{term}"))
    for place in _places_in(places, text):
        options.append((f"Place: {place.get('name')}", f"place:{place.get('id')}"))
    return options


def _places_in(places: pd.DataFrame | Rows | str | None, text: str) -> list[Mapping[str, object]]:
    """The places named in a text (course_lib.places); none if the table cannot be loaded."""
    if places is None:
        return []
    try:
        from course_lib import places as pl

        table = pl.shipped() if isinstance(places, str) else places
        return [p for p in _records(table) if find_term(text, pl.spellings(p))]
    except Exception:  # a missing or damaged places table must not break the reader
        return []


def explain_html(
    key: object,
    people: pd.DataFrame | None,
    glossary: pd.DataFrame | None,
    places: pd.DataFrame | None = None,
) -> str:
    """The explanation pane for a person, a glossary term or a place, with its source.

    Parameters
    ----------
    key : object
        ``"person:<id>"``, ``"term:<term>"`` or ``"place:<id>"`` (from
        :func:`explain_options`); anything else gives a short prompt.
    people, glossary : DataFrame or None
    places : DataFrame, optional
        As from :func:`course_lib.places.prepare_places` (default: the data package's).

    Returns
    -------
    str
        Escaped HTML.
    """
    if not isinstance(key, str) or ":" not in key:
        return render("reader_explain.html.j2", kind="prompt")
    kind, _, ident = key.partition(":")
    if kind == "person" and people is not None and len(people):
        match = people[people["id"] == ident]
        if len(match):
            p = match.iloc[0]
            return render(
                "reader_explain.html.j2",
                kind="person",
                name=_text(p.get("name")),
                rows=[
                    ("Also spelled", _text(p.get("alt_name"))),
                    ("Country", _text(p.get("country"))),
                    ("Party", _text(p.get("party"))),
                    ("At the meeting", _text(p.get("role_at_meeting"))),
                    ("In September 1963", _text(p.get("role_1963"))),
                    ("Note", _text(p.get("note"))),
                ],
                source_title=_text(p.get("role_source_title")),
                source_url=_text(p.get("role_source_url")),
                source_2_title=_text(p.get("role_source_2_title")),
                source_2_url=_text(p.get("role_source_2_url")),
            )
    if kind == "term" and glossary is not None and len(glossary):
        match = glossary[glossary["term"] == ident]
        if len(match):
            g = match.iloc[0]
            return render(
                "reader_explain.html.j2",
                kind="term",
                term=_text(g.get("term")),
                definition=_text(g.get("definition")),
                aliases=", ".join(_split(g.get("aliases"))),
                source_title=_text(g.get("source_title")),
                source_url=_text(g.get("source_url")),
                source_2_title=_text(g.get("source_2_title")),
                source_2_url=_text(g.get("source_2_url")),
            )
    if kind == "place":
        try:
            from course_lib.places import place_card_html

            return place_card_html(ident, places)
        except Exception:  # a missing or damaged places table must not break the reader
            pass
    return render("reader_explain.html.j2", kind="missing")


def _documents(turn: int) -> str:
    """What other records say about a turn (the corroboration set), or nothing if it is absent."""
    try:
        from course_lib.documents import documents_html

        return documents_html(turn)
    except Exception:  # a missing or damaged editorial table must not break the reader
        return ""


def _text(value: object) -> str:
    """A cell as text: missing values become ``""``."""
    return "" if is_missing(value) else str(value)


@dataclass(frozen=True)
class ReaderView:
    """Everything the reader shows for one state of its controls.

    Attributes
    ----------
    turn : int
        The current turn (clamped).
    text_html : str
        The main pane.
    status : str
        Plain text for the live region.
    citation : str
        ``"Minutes, turn N"`` for the current turn (whole view: the whole document).
    match_turns : list of int
        Turns that match the search.
    explain : list of (label, key)
        People and terms named in the current turn.
    suggestions : list of str
        "Did you mean ...?" spellings from the minutes when a search finds nothing.
    """

    turn: int
    text_html: str
    status: str
    citation: str
    match_turns: list[int]
    explain: list[tuple[str, str]]
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReaderData:
    """The tables the reader needs, converted once to lists of dicts for fast rendering.

    Attributes
    ----------
    turns, people, glossary : list of dict
    """

    turns: Rows
    people: Rows
    glossary: Rows
    cache: Memo = field(default_factory=lambda: Memo(_CACHE_LIMIT), compare=False, repr=False)

    def cached(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """Return a cached result (rendered turns, explain menus), computing it once.

        Parameters
        ----------
        key : tuple
        make : callable
            Computes the value when it is not cached.

        Returns
        -------
        object
        """
        return self.cache.get(key, make)

    @classmethod
    def from_frames(
        cls,
        turns: pd.DataFrame,
        people: pd.DataFrame | None = None,
        glossary: pd.DataFrame | None = None,
    ) -> ReaderData:
        """Convert the DataFrames once.

        Parameters
        ----------
        turns : DataFrame
        people, glossary : DataFrame, optional

        Returns
        -------
        ReaderData
        """
        return cls(_records(turns), _records(people), _records(glossary))


def render_view(
    turns: pd.DataFrame | ReaderData,
    turn: object = 1,
    view: str = "turn",
    mode: str = "marked",
    query: object = "",
    people: pd.DataFrame | None = None,
    glossary: pd.DataFrame | None = None,
    match: str = "word",
) -> ReaderView:
    """Compute what the reader shows for one state of its controls.

    Parameters
    ----------
    turns : DataFrame or ReaderData
        As from :func:`course_lib.load_turns`, or all three tables already converted (then
        ``people`` and ``glossary`` are ignored).
    turn : object
        The requested turn (clamped to the table).
    view : {"turn", "whole"}
    mode : {"marked", "hidden"}
    query : object
        The raw search input.
    people, glossary : DataFrame or None
        For the "Explain" menu.
    match : {"word", "start"}
        Whole words or word starts.

    Returns
    -------
    ReaderView
    """
    if isinstance(turns, ReaderData):
        data = turns
    else:
        data = ReaderData.from_frames(turns, people, glossary)
    numbers = [int(r["turn"]) for r in data.turns]
    n = max(numbers) if numbers else 1
    current = clamp_turn(turn, n)
    mode = mode if mode in MODES else "marked"
    view = view if view in VIEWS else "turn"
    q = prepare_query(query)
    match = _match(match)
    results = data.cached(
        ("search", mode, match, tuple(q.terms)),
        lambda: search_turns(data.turns, q.terms, mode, match),
    )
    suggestions: list[str] = []
    if q.terms and results.empty:
        words = data.cached(("vocabulary",), lambda: vocabulary(r.get("text") for r in data.turns))
        suggestions = suggest(q.text, words)
    row = next((r for r in data.turns if int(r["turn"]) == current), data.turns[0])
    terms = tuple(q.terms)

    def one(r: Mapping[str, Any]) -> str:
        key = ("turn", int(r["turn"]), mode, match, terms)
        return data.cached(key, lambda: turn_html(r, mode, terms, match))

    if view == "whole":
        keep = set(results["turn"]) if terms else None
        parts = [one(r) for r in data.turns if keep is None or int(r["turn"]) in keep]
        body = "".join(parts) or _fragment("empty", "No turn matches this search.")
        cite = "Minutes (cite each passage by its turn, as shown under it)"
    else:
        body = one(row) + data.cached(("documents", current), lambda: _documents(current))
        cite = citation(current)
    explain = data.cached(
        ("explain", current), lambda: explain_options(row, data.people, data.glossary)
    )
    return ReaderView(
        turn=current,
        text_html=body,
        status=status_message(q, results, suggestions, match),
        citation=cite,
        match_turns=[int(t) for t in results["turn"]],
        explain=list(explain),
        suggestions=suggestions,
    )


def step_match(match_turns: Sequence[int], current: int, direction: int) -> int | None:
    """The next (``direction`` > 0) or previous matching turn from ``current``, wrapping around.

    Parameters
    ----------
    match_turns : sequence of int
        Turns that match the search, in order.
    current : int
        The turn shown now.
    direction : int
        Positive for the next match, negative for the previous one.

    Returns
    -------
    int or None
        ``None`` when nothing matches.

    Examples
    --------
    >>> step_match([3, 11, 22], 11, +1), step_match([3, 11, 22], 22, +1), step_match([3, 11], 5, -1)
    (22, 3, 3)
    """
    found = sorted(int(t) for t in match_turns)
    if not found:
        return None
    if direction >= 0:
        return next((t for t in found if t > current), found[0])
    return next((t for t in reversed(found) if t < current), found[-1])
