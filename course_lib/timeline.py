"""The context timeline: event queries, links between events and turns, and hindsight.

Everything here is pure (DataFrames in, DataFrames or strings out); the widget in
:mod:`course_lib.widgets.timeline_widget` only wires controls to these functions.

Dates and the "known on 15 September 1963" rule
------------------------------------------------
Timeline dates are ISO 8601 at the precision the source supports: ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``. A date stands for the whole interval it names: ``1963-09`` is every day from
1 to 30 September 1963, ``1958`` every day of that year. :func:`knowledge_status` compares
that interval with the cutoff (by default the meeting day, :data:`MEETING_DATE`):

- ``"known"``: even the latest day of the interval is on or before the cutoff, so the event
  had begun by the day of the meeting;
- ``"after"``: even the earliest day is later than the cutoff;
- ``"ambiguous"``: the interval straddles the cutoff (``1963-09``, ``1963``). The date alone
  cannot say; the reader must look at the evidence (for Aidit's visit, the minutes themselves
  say he "has only just left").

The hindsight view (:func:`filter_events` with ``hindsight=True``) keeps known *and* ambiguous
events, flagging the ambiguous ones, and drops those that began after the cutoff. Only the
start date counts: an event that began before the meeting and ended after it was known to have
begun.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import accumulate
from typing import Any, Literal

import pandas as pd

from course_lib.data import to_records
from course_lib.text import find_term, fold

__all__ = [
    "CATEGORIES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "MEETING_DATE",
    "STATUS_LABELS",
    "TABLE_COLUMNS",
    "date_bounds",
    "event_table",
    "event_table_rows",
    "events_for_turn",
    "filter_events",
    "filter_records",
    "format_date",
    "is_known",
    "knowledge_status",
    "link_problems",
    "lookup_terms",
    "prepare_events",
    "term_turns",
    "turn_number",
    "turns_for_event",
    "year_range",
]

#: The years the timeline covers (its first and last event).
FIRST_YEAR, LAST_YEAR = 1950, 1969

#: The day of the conversation (the header's date; see lesson 01 on the "5 September" line).
MEETING_DATE = date(1963, 9, 15)

#: The timeline's categories, in display order, with their labels.
CATEGORIES: dict[str, str] = {
    "sino_soviet": "Sino-Soviet relations",
    "korea": "Korea",
    "polemic": "Communist movement and the polemic",
    "nuclear": "Nuclear weapons and arms control",
    "cold_war_crisis": "Cold War crises",
    "china_domestic": "China at home",
}

Status = Literal["known", "after", "ambiguous"]

#: How each knowledge status reads in tables and panes.
STATUS_LABELS: dict[str, str] = {
    "known": "yes",
    "after": "no (later)",
    "ambiguous": "uncertain (date not precise enough)",
}

#: Columns of the chart's text alternative (:func:`event_table`).
TABLE_COLUMNS = ("Date", "Event", "Category", "Known on 15 Sep 1963")

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bounds(value: object) -> tuple[date, date]:
    """The first and last day of the interval an ISO date of any precision names.

    Parameters
    ----------
    value : object
        ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``.

    Returns
    -------
    (date, date)
        First and last day, equal for a full date.

    Raises
    ------
    ValueError
        If the value is not such a date (the message names it).
    """
    text = str(value).strip() if isinstance(value, str) else ""
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        mon = int(month)
        if day is None:
            last = calendar.monthrange(year, mon)[1]
            return date(year, mon, 1), date(year, mon, last)
        d = date(year, mon, int(day))
    except ValueError:
        raise ValueError(f"not a real date: {value!r}") from None
    return d, d


def knowledge_status(value: object, cutoff: date = MEETING_DATE) -> Status:
    """Whether an event starting at ``value`` had begun by ``cutoff`` (see the module notes).

    Parameters
    ----------
    value : object
        The event's start date at any precision.
    cutoff : datetime.date
        The day of reference; the meeting by default.

    Returns
    -------
    {"known", "after", "ambiguous"}

    Raises
    ------
    ValueError
        If ``value`` is not a valid date.
    """
    first, last = date_bounds(value)
    if last <= cutoff:
        return "known"
    if first > cutoff:
        return "after"
    return "ambiguous"


def is_known(value: object, cutoff: date = MEETING_DATE, include_ambiguous: bool = True) -> bool:
    """True if the event had begun by ``cutoff``; ambiguous dates count as known by default.

    Parameters
    ----------
    value : object
        Start date at any precision.
    cutoff : datetime.date
    include_ambiguous : bool
        Whether a date whose interval straddles the cutoff counts as known.

    Returns
    -------
    bool
    """
    status = knowledge_status(value, cutoff)
    return status == "known" or (include_ambiguous and status == "ambiguous")


_MONTHS = [calendar.month_name[i] for i in range(13)]


def format_date(value: object) -> str:
    """A readable form of an ISO date at its own precision ("15 September 1963", "1958").

    Parameters
    ----------
    value : object

    Returns
    -------
    str
        The readable date, or ``""`` for a missing or invalid value.
    """
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        return ""
    parts = value.strip().split("-")
    try:
        date_bounds(value)
    except ValueError:
        return ""
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1])]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def _span(start: object, end: object) -> str:
    text = format_date(start)
    if isinstance(end, str) and end.strip():
        text = f"{text} to {format_date(end)}"
    return text


def prepare_events(events: pd.DataFrame, cutoff: date = MEETING_DATE) -> pd.DataFrame:
    """Add the derived columns the queries need and sort chronologically.

    Parameters
    ----------
    events : DataFrame
        The timeline table (``load_timeline()``).
    cutoff : datetime.date
        Day of reference for ``status``.

    Returns
    -------
    DataFrame
        A copy with ``start`` and ``end`` (first day of the start interval and last day of the
        end interval, as ``datetime.date``), ``year``, ``status`` (see
        :func:`knowledge_status`) and ``when`` (a readable date or span), sorted by start,
        then end, then id.

    Raises
    ------
    ValueError
        If a date is invalid or an event ends before it starts (the id is named).
    """
    out = events.copy()
    starts, ends, statuses, whens = [], [], [], []
    for row in out.itertuples(index=False):
        try:
            first, last = date_bounds(row.date)
            end_raw = row.end_date if isinstance(row.end_date, str) and row.end_date else None
            end = date_bounds(end_raw)[1] if end_raw else last
        except ValueError as exc:
            raise ValueError(f"event {row.id!r}: {exc}") from None
        if end < first:
            raise ValueError(f"event {row.id!r}: ends ({row.end_date}) before it starts")
        starts.append(first)
        ends.append(end)
        statuses.append(knowledge_status(row.date, cutoff))
        whens.append(_span(row.date, end_raw))
    out["start"] = starts
    out["end"] = ends
    out["year"] = [d.year for d in starts]
    out["status"] = statuses
    out["when"] = whens
    return out.sort_values(["start", "end", "id"], kind="stable").reset_index(drop=True)


def filter_events(
    events: pd.DataFrame,
    years: tuple[int, int] | None = None,
    categories: Iterable[str] | None = None,
    hindsight: bool = False,
) -> pd.DataFrame:
    """Select events by year range, category and hindsight.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`prepare_events`.
    years : (int, int), optional
        Inclusive range of start years; ``None`` keeps all. Reversed bounds are swapped.
    categories : iterable of str, optional
        Category keys to keep; ``None`` keeps all, an empty iterable keeps none. Unknown keys
        are ignored.
    hindsight : bool
        If true, keep only what had begun by the cutoff ("known" and "ambiguous" events).

    Returns
    -------
    DataFrame
        The matching rows, in chronological order.
    """
    mask = pd.Series(True, index=events.index)
    if years is not None:
        lo, hi = sorted((int(years[0]), int(years[1])))
        mask &= events["year"].between(lo, hi)
    if categories is not None:
        mask &= events["category"].isin(list(categories))
    if hindsight:
        mask &= events["status"] != "after"
    return events[mask].reset_index(drop=True)


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The chart's text alternative: one row per event, in date order.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`prepare_events` or :func:`filter_events`.

    Returns
    -------
    DataFrame
        Columns ``Date``, ``Event``, ``Category`` and ``Known on 15 Sep 1963``.
    """
    ordered = events.sort_values(["start", "end", "id"], kind="stable")
    rows = event_table_rows(to_records(ordered))
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def event_table_rows(
    records: Sequence[Mapping[str, Any]],
) -> list[tuple[object, object, str, str]]:
    """The rows of :func:`event_table` for events given as plain records, in the order given.

    Parameters
    ----------
    records : sequence of mappings
        Rows of :func:`prepare_events` as dicts (``DataFrame.to_dict("records")``), for
        instance the output of :func:`filter_records`.

    Returns
    -------
    list of tuples
        Date, event (as stored), category label and known-on-the-day label, one per record.
    """
    return [
        (
            r["when"],
            r["title"],
            CATEGORIES.get(str(r["category"]), str(r["category"])),
            STATUS_LABELS[str(r["status"])],
        )
        for r in records
    ]


def filter_records(
    records: Sequence[Mapping[str, Any]],
    years: tuple[int, int] | None = None,
    categories: Iterable[str] | None = None,
    hindsight: bool = False,
) -> list[Mapping[str, Any]]:
    """:func:`filter_events` on plain records: the same selection, without pandas' overhead.

    The widget converts its events to records once and filters those on every change, which
    keeps an update to a fraction of a millisecond.

    Parameters
    ----------
    records : sequence of mappings
        Rows of :func:`prepare_events` as dicts (``DataFrame.to_dict("records")``).
    years : (int, int), optional
        Inclusive range of start years; ``None`` keeps all. Reversed bounds are swapped.
    categories : iterable of str, optional
        Category keys to keep; ``None`` keeps all, an empty iterable keeps none.
    hindsight : bool
        If true, drop the events that began after the cutoff (status ``"after"``).

    Returns
    -------
    list of mappings
        The matching records, in the order given (chronological for :func:`prepare_events`).
    """
    lo, hi = (-10_000, 10_000) if years is None else sorted((int(years[0]), int(years[1])))
    keep = None if categories is None else set(categories)
    return [
        r
        for r in records
        if lo <= int(r["year"]) <= hi
        and (keep is None or r["category"] in keep)
        and not (hindsight and r["status"] == "after")
    ]


def _year(value: object, default: int) -> tuple[int, bool]:
    """An int year from a control's value, and whether it had to be replaced by ``default``."""
    if isinstance(value, bool):
        return default, True
    if isinstance(value, int):
        return value, False
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()), False
    return default, True


def year_range(
    first: object, last: object, bounds: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)
) -> tuple[tuple[int, int], str]:
    """The year range a learner asked for with "From year" and "To year", made valid.

    Years outside ``bounds`` are clamped to them, a missing or non-numeric year is replaced by
    the bound it stands for, and a "From" later than the "To" is swapped. Each fix is explained.

    Parameters
    ----------
    first, last : object
        The values of the "From year" and "To year" controls (ints or digit strings).
    bounds : (int, int)
        The years the timeline covers.

    Returns
    -------
    ((int, int), str)
        The inclusive range to show, and a plain-text message saying what was changed
        (``""`` when the input was already a valid range).
    """
    lo_bound, hi_bound = sorted(bounds)
    notes = []
    values = []
    for name, value, default in (("From", first, lo_bound), ("To", last, hi_bound)):
        year, missing = _year(value, default)
        if missing:
            notes.append(f"“{name} year” is not a year, so {default} is used.")
        elif not lo_bound <= year <= hi_bound:
            clamped = min(max(year, lo_bound), hi_bound)
            notes.append(
                f"“{name} year” {year} is outside {lo_bound}-{hi_bound}, so {clamped} is used."
            )
            year = clamped
        values.append(year)
    lo, hi = values
    if lo > hi:
        notes.append(
            f"“From year” ({lo}) is after “To year” ({hi}), so the years {hi}-{lo} are shown."
        )
        lo, hi = hi, lo
    return (lo, hi), " ".join(notes)


def turn_number(turn: object) -> int | None:
    """A turn number from an int or a digit string; ``None`` for anything else.

    Parameters
    ----------
    turn : object

    Returns
    -------
    int or None
    """
    if isinstance(turn, bool):
        return None
    if isinstance(turn, int):
        return turn
    if isinstance(turn, str) and turn.strip().isdigit():
        return int(turn.strip())
    return None


def events_for_turn(links: pd.DataFrame, events: pd.DataFrame, turn: object) -> pd.DataFrame:
    """The events a turn refers to, each with the quoted passage and note.

    Parameters
    ----------
    links : DataFrame
        The ``event_links`` table.
    events : DataFrame
        Output of :func:`prepare_events`.
    turn : object
        A turn number (int or digit string); anything else matches nothing.

    Returns
    -------
    DataFrame
        Columns ``id``, ``when``, ``title``, ``category``, ``status``, ``quote``, ``note``, in
        date order; empty if the turn has no links or is not a turn number.
    """
    cols = ["id", "when", "title", "category", "status", "quote", "note"]
    number = turn_number(turn)
    if number is None:
        return pd.DataFrame(columns=cols)
    mine = links[links["turn"] == number]
    merged = mine.merge(events, left_on="event_id", right_on="id", how="inner")
    merged = merged.sort_values(["start", "end", "id"], kind="stable")
    return merged[cols].reset_index(drop=True)


def turns_for_event(links: pd.DataFrame, turns: pd.DataFrame, event_id: object) -> pd.DataFrame:
    """The passages of the minutes that refer to an event.

    Parameters
    ----------
    links : DataFrame
        The ``event_links`` table.
    turns : DataFrame
        ``load_turns()``.
    event_id : object
        The event's id; anything unknown matches nothing.

    Returns
    -------
    DataFrame
        Columns ``turn``, ``speaker``, ``quote``, ``note``, ordered by turn.
    """
    cols = ["turn", "speaker", "quote", "note"]
    if not isinstance(event_id, str):
        return pd.DataFrame(columns=cols)
    mine = links[links["event_id"] == event_id]
    merged = mine.merge(turns[["turn", "speaker"]], on="turn", how="left")
    return merged.sort_values("turn", kind="stable")[cols].reset_index(drop=True)


def link_problems(links: pd.DataFrame, turns: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    """Check every link: known event, existing turn, quote verbatim in the turn's text.

    Parameters
    ----------
    links, turns, events : DataFrame

    Returns
    -------
    list of str
        One message per problem; empty when all links are sound.
    """
    texts = dict(zip(turns["turn"], turns["text"], strict=True))
    ids = set(events["id"])
    problems = []
    for row in links.itertuples(index=False):
        if row.event_id not in ids:
            problems.append(f"unknown event {row.event_id!r}")
        text = texts.get(row.turn)
        if text is None:
            problems.append(f"{row.event_id}: no turn {row.turn}")
        elif row.quote not in text:
            problems.append(f"{row.event_id}: quote not verbatim in turn {row.turn}: {row.quote!r}")
    return problems


_TURN_SEP = "\x00"


def _aliases(aliases: object) -> tuple[str, ...]:
    """A glossary row's aliases ("a|b") as an alias group; one holding the turn separator (a NUL
    character, never in the minutes) is dropped, so that no match can run from one turn into the
    next."""
    if not isinstance(aliases, str):
        return ()
    return tuple(a.strip() for a in aliases.split("|") if a.strip() and _TURN_SEP not in a)


def term_turns(glossary: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Where each glossary term occurs, found by the course's one search engine.

    A term occurs in a turn where any of its aliases matches as whole words under the rules of
    :func:`course_lib.text.find_term` (case, accents and spelling variants folded).

    Parameters
    ----------
    glossary : DataFrame
        ``load_glossary()``.
    turns : DataFrame
        ``load_turns()``.

    Returns
    -------
    DataFrame
        The glossary with a ``turns`` column (a sorted list of turn numbers per term).
    """
    # All turns joined by a separator no alias contains and that is not a word character (so the
    # whole-word rule behaves as at a string's ends), searched once per term; each match's
    # offset gives its turn.
    numbers = [int(n) for n in turns["turn"]]
    texts = [t if isinstance(t, str) else "" for t in turns["text"]]
    joined = _TURN_SEP.join(texts)
    starts = list(accumulate((len(t) + len(_TURN_SEP) for t in texts[:-1]), initial=0))
    found = []
    for aliases in glossary["aliases"]:
        hits = find_term(joined, _aliases(aliases))
        rows = {bisect_right(starts, start) - 1 for start, _ in hits}
        found.append(sorted(numbers[i] for i in rows))
    out = glossary.copy()
    out["turns"] = found
    return out


def lookup_terms(glossary: pd.DataFrame, query: object) -> pd.DataFrame:
    """Glossary entries whose term or aliases contain the query (folded: case, accents, forms).

    Parameters
    ----------
    glossary : DataFrame
        ``load_glossary()`` or :func:`term_turns` output.
    query : object
        The learner's text; non-strings and blank strings match nothing. Only the first 200
        characters are used; the query is matched literally (no regular expressions).

    Returns
    -------
    DataFrame
        Matching rows, in glossary order.
    """
    if not isinstance(query, str):
        return glossary.iloc[0:0]
    q = fold(" ".join(query.split())[:200])
    if not q:
        return glossary.iloc[0:0]
    hay = (glossary["term"].fillna("") + "|" + glossary["aliases"].fillna("")).map(fold)
    mask = hay.map(lambda h: q in h)
    return glossary[mask.astype(bool)].reset_index(drop=True)
