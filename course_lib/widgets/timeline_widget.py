"""The context-timeline widget: events of 1950-1969 linked both ways to the conversation.

:func:`timeline` builds and returns the container; it never displays it. Every callback calls
one of the pure ``*_html`` / ``*_view`` functions below, which take DataFrames and plain values
and return escaped HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeAlias

import ipywidgets as w
import pandas as pd

from course_lib import timeline as tl
from course_lib.data import to_records
from course_lib.memo import Memo
from course_lib.templating import render, render_macro, status_html
from course_lib.text import fold, suggest
from course_lib.widgets._common import (
    OKABE_ITO,
    Kit,
    clean_input,
    html_table,
)
from course_lib.widgets._front import SelectableSVG

__all__ = [
    "BANDS",
    "CATEGORY_STYLE",
    "PRESETS",
    "Events",
    "chart_layout",
    "chart_svg",
    "event_options",
    "event_pane_html",
    "glossary_html",
    "table_html",
    "timeline",
    "timeline_view",
    "turn_pane_html",
    "view_status",
]

#: Colour (Okabe-Ito), marker shape and a one-letter code per category, so that colour is never
#: the only cue.
CATEGORY_STYLE: dict[str, dict[str, str]] = {
    "sino_soviet": {"colour": OKABE_ITO["vermillion"], "shape": "circle", "code": "S"},
    "korea": {"colour": OKABE_ITO["blue"], "shape": "square", "code": "K"},
    "polemic": {"colour": OKABE_ITO["reddish_purple"], "shape": "diamond", "code": "P"},
    "nuclear": {"colour": OKABE_ITO["orange"], "shape": "triangle", "code": "N"},
    "cold_war_crisis": {"colour": OKABE_ITO["bluish_green"], "shape": "triangle-down", "code": "C"},
    "china_domestic": {"colour": OKABE_ITO["sky_blue"], "shape": "cross", "code": "D"},
}
_SYMBOL = {"circle": "●", "square": "■", "diamond": "◆", "triangle": "▲", "triangle-down": "▼"}
_SYMBOL["cross"] = "✚"

#: Events as a DataFrame from :func:`course_lib.timeline.prepare_events` (or a filtered part of
#: it), or the same rows as plain records (``DataFrame.to_dict("records")``), which the widget
#: uses so that an update does not pay pandas' per-row cost.
Events: TypeAlias = pd.DataFrame | Sequence[Mapping[str, Any]]


def _records(events: Events) -> Sequence[Mapping[str, Any]]:
    if isinstance(events, pd.DataFrame):
        return to_records(events)
    return events


FIRST_YEAR, LAST_YEAR = tl.FIRST_YEAR, tl.LAST_YEAR
#: How many settings of the controls the widget keeps rendered (least recently used go first).
_VIEWS_KEPT = 64
#: Chart geometry (SVG units). The stylesheet keeps the chart at least :data:`MIN_WIDTH_PX` wide
#: (it scrolls sideways in a narrower cell), so :data:`FONT`-unit text never renders below 11 px:
#: 13 * 600 / 700 = 11.1. At 800 px with JupyterLab's sidebar collapsed the cell is about 620 px,
#: so the whole chart shows without scrolling.
_W, _LEFT, _RIGHT, _TOP, _LANE = 700, 20, 20, 84, 52
FONT = 13
MIN_WIDTH_PX = 600
#: Rows above the lanes (baselines): the meeting's label, then the shaded periods' labels.
_MEETING_Y, _BAND_Y, _BAND_TOP = 16, 40, 24

#: Quick views of the years: (label, first year, last year). 1963 alone opens up the crowded
#: months before and after the meeting.
PRESETS: tuple[tuple[str, int, int], ...] = (
    ("All, 1950-1969", FIRST_YEAR, LAST_YEAR),
    ("The alliance, 1950-1959", 1950, 1959),
    ("The split, 1960-1964", 1960, 1964),
    ("1963, month by month", 1963, 1963),
)

#: Shaded periods, each between the start dates of two events of the timeline (so the bands
#: rest on the same sourced rows as the markers): (label, from event, to event or None for the
#: end of the chart).
BANDS: tuple[tuple[str, str, str | None], ...] = (
    (
        "The alliance: treaty (1950) to the recall of Soviet experts (1960)",
        "sino_soviet_treaty",
        "soviet_experts_recalled",
    ),
    ("The polemic in the open: from the CPSU's Open Letter", "cpsu_open_letter", None),
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _scale(first: int, last: int) -> tuple[int, int]:
    lo = date(first, 1, 1).toordinal()
    return lo, date(last + 1, 1, 1).toordinal() - lo


def _x(day: date, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> float:
    lo, span = _scale(first, last)
    frac = min(max((day.toordinal() - lo) / span, 0.0), 1.0)
    return round(_LEFT + frac * (_W - _LEFT - _RIGHT), 1)


def _points(shape: str, x: float, y: float) -> str:
    r = 7
    if shape == "diamond":
        pts = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
    elif shape == "triangle":
        pts = [(x, y - r - 1), (x + r, y + r), (x - r, y + r)]
    elif shape == "triangle-down":
        pts = [(x - r, y - r), (x + r, y - r), (x, y + r + 1)]
    else:  # cross
        a, b = 2.5, r + 1
        pts = [
            (x + dx, y + dy)
            for dx, dy in [
                (-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a),
                (a, b), (-a, b), (-a, a), (-b, a), (-b, -a), (-a, -a),
            ]
        ]  # fmt: skip
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)


def _text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of a label's width in SVG units (0.6 em a character)."""
    return len(text) * size * 0.6


def _placed(x: float, text: str, anchor: str = "middle") -> tuple[float, str]:
    """Where a label at ``x`` goes so that it stays inside the chart: (x, text-anchor)."""
    w = _text_width(text)
    lo, hi = 2.0, _W - 2.0
    start = x - (w / 2 if anchor == "middle" else 0 if anchor == "start" else w)
    if start < lo:
        return lo, "start"
    if start + w > hi:
        return hi, "end"
    return x, anchor


def _ticks(first: int, last: int) -> list[dict[str, object]]:
    years = last - first + 1
    if years <= 2:  # a close-up: every month, the year named in January
        ticks = []
        for year in range(first, last + 1):
            for month in range(1, 13):
                label = f"{_MONTHS[month - 1]} {year}" if month == 1 else _MONTHS[month - 1]
                if years == 2 and month % 3 != 1:
                    label = ""
                ticks.append({"x": _x(date(year, month, 1), first, last), "label": label})
        return ticks
    step = 1 if years <= 10 else 2
    return [
        {"x": _x(date(y, 1, 1), first, last), "label": str(y) if (y - first) % step == 0 else ""}
        for y in range(first, last + 1)
    ]


def _tick_labels(ticks: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each tick with where its label goes (kept inside the chart)."""
    out = []
    for t in ticks:
        lx, anchor = _placed(float(t["x"]), str(t["label"]))  # type: ignore[arg-type]
        out.append({**t, "lx": round(lx, 1), "anchor": anchor})
    return out


def chart_layout(
    events: Events,
    years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR),
    meeting: date = tl.MEETING_DATE,
    bands_from: Events | None = None,
) -> dict[str, object]:
    """Where everything goes in the timeline chart, for the chosen years (pure).

    The axis runs from 1 January of the first year to 31 December of the last, so narrowing
    the years opens the chart up (one year shows its months). Markers that would touch in a lane
    are moved up and down in turn so that each stays visible and clickable.

    Parameters
    ----------
    events : DataFrame or sequence of records
        The events shown (from :func:`course_lib.timeline.filter_records`).
    years : (int, int)
        The first and last year on the axis.
    meeting : datetime.date
        Where to draw the meeting line (left out when outside the years).
    bands_from : DataFrame or records, optional
        All events, for the dates of :data:`BANDS` (default: ``events``).

    Returns
    -------
    dict
        Geometry for ``timeline_chart.svg.j2``.
    """
    first, last = years
    rows = _records(events)
    cats = list(tl.CATEGORIES)
    top = _TOP
    plot_bottom = top + _LANE * (len(cats) - 1) + 20
    lanes = []
    marks = []
    for i, cat in enumerate(cats):
        style = CATEGORY_STYLE[cat]
        y = top + _LANE * i
        lanes.append(
            {
                "y": y,
                "label_y": y - 22,  # clear of the markers nudged up to y - 17
                "label": f"{_SYMBOL[style['shape']]} {style['code']}: {tl.CATEGORIES[cat]}",
            }
        )
        last_x = -100.0
        nudge = 0
        for row in rows:
            if row["category"] != cat:
                continue
            x0 = _x(row["start"], first, last)
            x1 = _x(row["end"], first, last)
            nudge = (nudge + 1) % 3 if x0 - last_x < 12 else 0
            last_x = x0
            my = y + (0, -9, 9)[nudge]
            status = tl.STATUS_LABELS[str(row["status"])]
            marks.append(
                {
                    "id": str(row["id"]),
                    "category": cat,
                    "label": f"{row['when']}: {row['title']} ({status} on 15 September 1963)",
                    "x0": x0,
                    "y": my,
                    "bar": round(x1 - x0, 1) if x1 - x0 >= 2 else 0,
                    "shape": style["shape"],
                    "points": _points(style["shape"], x0, my),
                    "colour": style["colour"],
                    "fill": style["colour"],
                    "hollow": row["status"] == "ambiguous",
                }
            )
    starts = {
        str(r["id"]): r["start"] for r in _records(bands_from if bands_from is not None else events)
    }
    lo, hi = date(first, 1, 1), date(last, 12, 31)
    bands = []
    for label, start_id, end_id in BANDS:
        start = starts.get(start_id)
        end = starts.get(end_id) if end_id else hi
        if not isinstance(start, date) or not isinstance(end, date) or end < lo or start > hi:
            continue
        x0, x1 = _x(start, first, last), _x(end, first, last)
        short = label.split(":")[0]
        lx, anchor = _placed(x0 + 4, short, "start")
        bands.append(
            {"label": label, "short": short, "x0": x0, "x1": x1, "lx": lx, "anchor": anchor}
        )
    meeting_x = _x(meeting, first, last) if lo <= meeting <= hi else None
    meeting_label = "Liu-Kim meeting, 15 Sep 1963"
    if meeting_x is not None:
        wanted = "end" if meeting_x > _W / 2 else "start"
        meeting_lx, meeting_anchor = _placed(
            meeting_x - 4 if wanted == "end" else meeting_x + 4, meeting_label, wanted
        )
    else:
        meeting_lx, meeting_anchor = 0.0, "start"
    span = f"{first}" if first == last else f"{first}-{last}"
    return {
        "width": _W,
        "height": plot_bottom + 30,
        "left": _LEFT,
        "right": _RIGHT,
        "top": top,
        "plot_bottom": plot_bottom,
        "title": f"Timeline of the Sino-Soviet split, {span}",
        "description": (
            f"{len(rows)} events in {len(cats)} lanes by category, {span}"
            + (
                ", with the Liu-Kim meeting of 15 September 1963 marked by a dashed line"
                if meeting_x is not None
                else ""
            )
            + "".join(f". Shaded: {b['label']}" for b in bands)
            + ". Each event is a button: choose it to open its summary, source and passages. "
            "The table after the chart lists the same events in date order."
        ),
        "font": FONT,
        "meeting_y": _MEETING_Y,
        "band_y": _BAND_Y,
        "band_top": _BAND_TOP,
        "meeting_label": meeting_label,
        "meeting_lx": meeting_lx,
        "ticks": _tick_labels(_ticks(first, last)),
        "lanes": lanes,
        "marks": marks,
        "bands": bands,
        "meeting_x": meeting_x,
        "meeting_anchor": meeting_anchor,
    }


def chart_svg(
    events: Events,
    meeting: date = tl.MEETING_DATE,
    years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR),
    bands_from: Events | None = None,
) -> str:
    """An accessible SVG timeline: one lane per category, the meeting marked, events selectable.

    Parameters
    ----------
    events : DataFrame or sequence of records
        Output of :func:`course_lib.timeline.prepare_events` (or a filtered part of it), or
        the same rows as records.
    meeting : datetime.date
        Where to draw the meeting line.
    years : (int, int)
        The axis's first and last year.
    bands_from : DataFrame or records, optional
        All events, for the shaded periods.

    Returns
    -------
    str
        SVG markup from ``timeline_chart.svg.j2`` (every text from the data escaped). Each event
        is a ``<g data-select="<id>">`` with an accessible name, drawn as a bar from start to end
        when it spans time, hollow when its date straddles the meeting.
    """
    return render("timeline_chart.svg.j2", c=chart_layout(events, years, meeting, bands_from))


def table_html(events: Events) -> str:
    """The chart's text alternative: the events as an escaped table in date order.

    Parameters
    ----------
    events : DataFrame or sequence of records
        Output of :func:`course_lib.timeline.prepare_events` or ``filter_events`` (a DataFrame
        is sorted by date), or records already in date order (``filter_records``).

    Returns
    -------
    str
    """
    if isinstance(events, pd.DataFrame):
        events = events.sort_values(["start", "end", "id"], kind="stable")
    rows = tl.event_table_rows(_records(events))
    if not rows:
        return _pane("no_events")
    return html_table(tl.TABLE_COLUMNS, rows, caption="Events shown in the chart, in date order")


def _pane(macro: str, *args: object) -> str:
    return render_macro("timeline_panes.html.j2", macro, *args)


def view_status(shown: int, total: int, hindsight: bool, note: str = "") -> str:
    """A short sentence for the live region ("12 of 49 events shown ...").

    Parameters
    ----------
    shown, total : int
    hindsight : bool
    note : str
        A message about the controls (from :func:`course_lib.timeline.year_range`), added
        after the sentence.

    Returns
    -------
    str
    """
    text = f"{shown} of {total} events shown"
    if hindsight:
        text += ", only what had begun by 15 September 1963"
    text += "."
    return f"{text} {note}" if note else text


def event_options(events: Events) -> list[tuple[str, str]]:
    """Dropdown options for the events shown: ``(label, id)`` pairs in the order given.

    Parameters
    ----------
    events : DataFrame or sequence of records

    Returns
    -------
    list of (str, str)
    """
    return [(f"{r['when']}: {r['title']}", str(r["id"])) for r in _records(events)]


def timeline_view(
    records: Sequence[Mapping[str, Any]],
    first: object,
    last: object,
    categories: Iterable[str],
    hindsight: bool,
) -> tuple[str, str, str, list[tuple[str, str]]]:
    """Everything the controls change, for one setting of them.

    Parameters
    ----------
    records : sequence of mappings
        All events, from :func:`course_lib.timeline.prepare_events` as records.
    first, last : object
        The "From year" and "To year" values (made valid by
        :func:`course_lib.timeline.year_range`, which explains any fix in the status line).
    categories : iterable of str
        The ticked categories.
    hindsight : bool
        Whether only what had begun by 15 September 1963 is shown.

    Returns
    -------
    (str, str, str, list of (str, str))
        The chart (SVG), the table (HTML), the status line (HTML, a polite live region) and the
        event picker's options.
    """
    years, note = tl.year_range(first, last)
    shown = tl.filter_records(records, years, categories, hindsight)
    status = status_html(view_status(len(shown), len(records), hindsight, note))
    chart = chart_svg(shown, years=years, bands_from=records)
    return chart, table_html(shown), status, event_options(shown)


def event_pane_html(
    events: pd.DataFrame, links: pd.DataFrame, turns: pd.DataFrame, event_id: object
) -> str:
    """The event pane: date, category, summary, source link and the linked passages.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`course_lib.timeline.prepare_events`.
    links : DataFrame
        ``event_links``.
    turns : DataFrame
        ``load_turns()``.
    event_id : object
        The chosen event; an unknown or missing id gives a short message.

    Returns
    -------
    str
        Escaped HTML.
    """
    if not isinstance(event_id, str) or event_id not in set(events["id"]):
        return _pane("choose_event")
    ev = events[events["id"] == event_id].iloc[0]
    style = CATEGORY_STYLE.get(ev["category"], {"shape": "circle", "code": "?"})
    cat = f"{_SYMBOL.get(style['shape'], '')} {tl.CATEGORIES.get(ev['category'], ev['category'])}"
    raw_actors = ev["actors"] if isinstance(ev["actors"], str) else ""
    actors = ", ".join(a for a in raw_actors.split("|") if a)
    passages = tl.turns_for_event(links, turns, event_id).to_dict("records")
    return _pane("event", ev.to_dict(), cat, tl.STATUS_LABELS[ev["status"]], actors, passages)


def turn_pane_html(events: pd.DataFrame, links: pd.DataFrame, turn: object) -> str:
    """From a turn, its events: each with the quoted passage and the link's note.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`course_lib.timeline.prepare_events`.
    links : DataFrame
        ``event_links``.
    turn : object
        A turn number; anything else gives a short message.

    Returns
    -------
    str
        Escaped HTML.
    """
    number = tl.turn_number(turn)
    found = tl.events_for_turn(links, events, turn).to_dict("records") if number else []
    return _pane("turn", number, found)


def glossary_html(glossary: pd.DataFrame, query: object) -> str:
    """Glossary entries matching a learner's query, with the turns where each occurs.

    Parameters
    ----------
    glossary : DataFrame
        Output of :func:`course_lib.timeline.term_turns`.
    query : object
        The learner's text (cleaned and matched literally).

    Returns
    -------
    str
        Escaped HTML.
    """
    q = clean_input(query)
    if not q:
        return _pane("glossary", "", [], [])
    hits = tl.lookup_terms(glossary, q)
    rows = [
        {
            **r,
            "aliases": str(r.get("aliases") or "").replace("|", "; "),
            "turns": ", ".join(str(t) for t in r.get("turns", [])) or "none",
        }
        for r in hits.to_dict("records")
    ]
    suggestions: list[str] = []
    if not rows:
        words = {fold(t): t for t in glossary["term"].dropna()}
        suggestions = suggest(q, words)
    return _pane("glossary", q, rows, suggestions)


def _checked(boxes: Iterable[tuple[str, w.Checkbox]]) -> list[str]:
    return [key for key, box in boxes if box.value]


#: A rendered view: the chart's SVG, the table, the status line and the event choices.
_View: TypeAlias = tuple[str, str, str, list[tuple[str, str]]]
#: A setting of the controls: first year, last year, categories ticked, hindsight.
_Setting: TypeAlias = tuple[object, object, tuple[str, ...], bool]


class _Timeline:
    """The timeline's controls and what each one does. Build it with :func:`timeline`.

    Every callback calls one of the pure ``*_html`` / ``*_view`` functions and copies the
    result into the controls. Each setting of the controls is rendered once; going back to it
    is a lookup (the last :data:`_VIEWS_KEPT` settings are kept).
    """

    def __init__(
        self,
        events: pd.DataFrame,
        links: pd.DataFrame,
        turns: pd.DataFrame,
        glossary: pd.DataFrame,
    ) -> None:
        self.events = events
        self.links = links
        self.turns = turns
        self.glossary = glossary
        self.records = to_records(events)  # once: updates filter these, not the DataFrame
        self.views = Memo(limit=_VIEWS_KEPT)
        self.kit = Kit()  # shared layouts and styles: no callback below changes one
        self._make_filters()
        self._make_chart_and_panes()
        self._wire()
        self.refresh()
        self.show_event()
        self.box = self._layout()
        self.box.parts = {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "presets": self.presets,
            "categories": dict(self.boxes),
            "hindsight": self.hindsight,
            "status": self.status,
            "chart": self.chart,
            "table": self.table,
            "table_box": self.table_box,
            "event": self.event_pick,
            "event_pane": self.event_pane,
            "turn": self.turn_pick,
            "turn_pane": self.turn_pane,
            "term": self.term,
            "term_pane": self.term_pane,
        }

    # -- the controls
    def _make_filters(self) -> None:
        """The years (two lists and the presets), the categories and the hindsight toggle."""
        kit, initial, auto = self.kit, {"description_width": "initial"}, {"width": "auto"}
        year_options = [(str(y), y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
        self.year_from, self.year_to = (
            kit.make(
                w.Dropdown,
                options=year_options,
                value=value,
                description=label,
                style=initial,
                layout=auto,
            )
            for label, value in (("From year", FIRST_YEAR), ("To year", LAST_YEAR))
        )
        self.presets = [
            kit.make(w.Button, description=label, tooltip=f"Show {label}", layout=auto)
            for label, _, _ in PRESETS
        ]
        self.boxes = [
            (
                key,
                kit.make(
                    w.Checkbox,
                    value=True,
                    description=f"{_SYMBOL[CATEGORY_STYLE[key]['shape']]} {label}",
                    indent=False,
                    style=initial,
                    layout=auto,
                ),
            )
            for key, label in tl.CATEGORIES.items()
        ]
        self.hindsight = kit.make(
            w.Checkbox,
            value=False,
            description="Only what was known on 15 September 1963",
            indent=False,
            style=initial,
            layout=auto,
        )

    def _make_chart_and_panes(self) -> None:
        """The status line, the chart, its table, and the event, turn and glossary panes."""
        kit, initial = self.kit, {"description_width": "initial"}
        wide = {"width": "auto", "max_width": "100%"}
        self.status = kit.html()
        self.chart = SelectableSVG(layout=kit.layout(width="100%"))
        self.table = kit.html()
        self.event_pick = kit.make(w.Dropdown, description="Event", style=initial, layout=wide)
        self.event_pane = kit.html()
        turn_options: list[tuple[str, int | None]] = [("(choose a turn)", None)]
        turn_options += [
            (f"Turn {int(n)} ({speaker})", int(n))
            for n, speaker in zip(self.turns["turn"], self.turns["speaker"], strict=True)
        ]
        self.turn_pick = kit.make(
            w.Dropdown,
            options=turn_options,
            value=None,
            description="From a turn, its events",
            style=initial,
            layout=wide,
        )
        self.turn_pane = kit.html(turn_pane_html(self.events, self.links, None))
        self.term = kit.make(
            w.Text,
            placeholder="revisionism, Pravda, echelon ...",
            description="Look up a term",
            style=initial,
            layout=wide,
        )
        self.term_pane = kit.html(glossary_html(self.glossary, ""))
        self.table_box = w.Accordion(
            children=[self.table], titles=("The events shown, as a table",)
        )
        self.table_box.selected_index = None  # collapsed: the chart's marks carry the same names

    def _wire(self) -> None:
        for control in [self.year_from, self.year_to, self.hindsight, *(b for _, b in self.boxes)]:
            control.observe(self.refresh, names="value")
        for button in self.presets:
            button.on_click(self.use_preset)
        self.event_pick.observe(self.show_event, names="value")
        self.chart.observe(self.pick_from_chart, names="selected")
        self.turn_pick.observe(self.show_turn, names="value")
        self.term.observe(self.show_term, names="value")

    def _layout(self) -> w.VBox:
        row, column = self._row, self._column
        side = row(
            column(self.event_pick, self.event_pane),
            column(self.turn_pick, self.turn_pane, self.term, self.term_pane),
        )
        side.add_class("p63-side")
        return self.kit.root(
            [
                self.kit.html("<h3>The split in context, 1950-1969</h3>"),
                row(self.year_from, self.year_to, *self.presets),
                row(*(b for _, b in self.boxes)),
                self.hindsight,
                self.status,
                self.chart,
                side,
                self.table_box,
            ],
            "timeline",
        )

    def _row(self, *children: w.Widget) -> w.HBox:
        box = self.kit.make(w.HBox, children=list(children))
        box.add_class("p63-row")
        return box

    def _column(self, *children: w.Widget) -> w.VBox:
        box: w.VBox = self.kit.make(
            w.VBox, children=list(children), layout={"flex": "1 1 22em", "min_width": "0"}
        )
        return box

    # -- the callbacks
    def _view(self, key: _Setting) -> _View:
        """The view for a setting of the controls, rendered once and kept while recently used."""
        return self.views.get(key, lambda: timeline_view(self.records, *key))

    def refresh(self, _change: object = None) -> None:
        """Show the events the years, categories and hindsight toggle select."""
        key: _Setting = (
            self.year_from.value,
            self.year_to.value,
            tuple(_checked(self.boxes)),
            self.hindsight.value,
        )
        self.chart.svg, self.table.value, self.status.value, options = self._view(key)
        choices = [("(choose an event)", None), *options]
        pick = self.event_pick
        if list(pick.options) != choices:
            keep = pick.value if pick.value in {v for _, v in options} else None
            pick.options = choices
            pick.value = keep

    def show_event(self, _change: object = None) -> None:
        """Show the chosen event in its pane and mark it on the chart."""
        self.event_pane.value = event_pane_html(
            self.events, self.links, self.turns, self.event_pick.value
        )
        self.chart.selected = self.event_pick.value or ""

    def pick_from_chart(self, change: dict[str, object]) -> None:
        """Choose the event whose mark was clicked on the chart."""
        chosen = change["new"]
        pick = self.event_pick
        if chosen and chosen != pick.value and chosen in {v for _, v in pick.options}:
            pick.value = chosen

    def show_turn(self, _change: object = None) -> None:
        """Show the chosen turn's events."""
        self.turn_pane.value = turn_pane_html(self.events, self.links, self.turn_pick.value)

    def show_term(self, _change: object = None) -> None:
        """Look the term up in the glossary."""
        self.term_pane.value = glossary_html(self.glossary, self.term.value)

    def use_preset(self, button: w.Button) -> None:
        """Set both years at once to a preset's."""
        _, first, last = PRESETS[self.presets.index(button)]
        with self.year_from.hold_trait_notifications(), self.year_to.hold_trait_notifications():
            self.year_from.value, self.year_to.value = first, last


def timeline(
    events: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
    turns: pd.DataFrame | None = None,
    glossary: pd.DataFrame | None = None,
) -> w.VBox:
    """Build the timeline widget (it is returned, not displayed).

    Parameters
    ----------
    events, links, turns, glossary : DataFrame, optional
        The ``timeline``, ``event_links``, ``turns`` and ``glossary`` tables; loaded from the
        data package when omitted.

    Returns
    -------
    ipywidgets.VBox
        Controls ("From year" and "To year", category checkboxes, hindsight toggle), the chart and its table,
        the event pane, the turn selector with its pane, and a glossary lookup. The parts are
        reachable by name through the container's ``parts`` attribute.
    """
    from course_lib import data

    events = tl.prepare_events(data.load_timeline() if events is None else events)
    links = data.load_table("event_links") if links is None else links
    turns = data.load_turns() if turns is None else turns
    glossary = tl.term_turns(data.load_glossary() if glossary is None else glossary, turns)
    box: w.VBox = _Timeline(events, links, turns, glossary).box
    return box
