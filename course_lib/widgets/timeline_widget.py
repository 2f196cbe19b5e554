"""The context-timeline widget: events of 1950-1969 linked both ways to the conversation.

:func:`timeline` builds and returns the container; it never displays it. Every callback calls
one of the pure ``*_html`` / ``*_view`` functions below, which take DataFrames and plain values
and return escaped HTML.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import ipywidgets as w
import pandas as pd

from course_lib import timeline as tl
from course_lib.widgets._common import (
    OKABE_ITO,
    Kit,
    clean_input,
    esc,
    html_table,
)

__all__ = [
    "CATEGORY_STYLE",
    "Events",
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
Events = pd.DataFrame | Sequence[Mapping[str, object]]


def _records(events: Events) -> Sequence[Mapping[str, object]]:
    if isinstance(events, pd.DataFrame):
        return events.to_dict("records")  # type: ignore[return-value]
    return events


FIRST_YEAR, LAST_YEAR = tl.FIRST_YEAR, tl.LAST_YEAR
#: How many settings of the controls the widget keeps rendered (least recently used go first).
_VIEWS_KEPT = 64
_W, _LEFT, _RIGHT, _TOP, _LANE = 960, 250, 20, 46, 34


def _x(day: date) -> float:
    span = date(LAST_YEAR + 1, 1, 1).toordinal() - date(FIRST_YEAR, 1, 1).toordinal()
    frac = (day.toordinal() - date(FIRST_YEAR, 1, 1).toordinal()) / span
    frac = min(max(frac, 0.0), 1.0)
    return _LEFT + frac * (_W - _LEFT - _RIGHT)


def _marker(shape: str, x: float, y: float, colour: str, hollow: bool) -> str:
    fill = "#ffffff" if hollow else colour
    style = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    r = 6
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" {style}/>'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" {style}/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f} {x - r - 1:.1f},{y:.1f}"
    elif shape == "triangle":
        pts = f"{x:.1f},{y - r - 1:.1f} {x + r:.1f},{y + r:.1f} {x - r:.1f},{y + r:.1f}"
    elif shape == "triangle-down":
        pts = f"{x - r:.1f},{y - r:.1f} {x + r:.1f},{y - r:.1f} {x:.1f},{y + r + 1:.1f}"
    else:  # cross
        a, b = 2.5, r + 1
        pts = " ".join(
            f"{x + dx:.1f},{y + dy:.1f}"
            for dx, dy in [
                (-a, -b), (a, -b), (a, -a), (b, -a), (b, a), (a, a),
                (a, b), (-a, b), (-a, a), (-b, a), (-b, -a), (-a, -a),
            ]
        )  # fmt: skip
    return f'<polygon points="{pts}" {style}/>'


def chart_svg(events: Events, meeting: date = tl.MEETING_DATE) -> str:
    """An accessible SVG timeline: one lane per category, the meeting marked.

    Parameters
    ----------
    events : DataFrame or sequence of records
        Output of :func:`course_lib.timeline.prepare_events` (or a filtered part of it), or
        the same rows as records.
    meeting : datetime.date
        Where to draw the meeting line.

    Returns
    -------
    str
        SVG markup (``role="img"`` with a title and description); every text from the data is
        escaped. Events that span time are drawn as a bar from start to end; events whose date
        straddles the meeting are drawn hollow.
    """
    rows = _records(events)
    cats = list(tl.CATEGORIES)
    height = _TOP + _LANE * len(cats) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" width="100%" '
        f'role="img" aria-labelledby="p63-tl-title p63-tl-desc" style="max-width:{_W}px">',
        '<title id="p63-tl-title">Timeline of the Sino-Soviet split, 1950-1969</title>',
        f'<desc id="p63-tl-desc">{len(rows)} events in {len(cats)} lanes by category, with '
        "the Liu-Kim meeting of 15 September 1963 marked by a dashed line. The table below the "
        "chart lists the same events in date order.</desc>",
    ]
    for year in range(FIRST_YEAR, LAST_YEAR + 2, 2):
        x = _x(date(year, 1, 1))
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 10}" x2="{x:.1f}" y2="{height - 24}" '
            'stroke="#dddddd" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{height - 8}" font-size="12" text-anchor="middle" '
            f'fill="#333333">{year}</text>'
        )
    for i, cat in enumerate(cats):
        style = CATEGORY_STYLE[cat]
        y = _TOP + _LANE * i + _LANE / 2
        label = f"{_SYMBOL[style['shape']]} {style['code']}: {tl.CATEGORIES[cat]}"
        parts.append(
            f'<text x="8" y="{y + 4:.1f}" font-size="12" fill="#000000">{esc(label)}</text>'
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_W - _RIGHT}" y2="{y:.1f}" '
            'stroke="#bbbbbb" stroke-width="1"/>'
        )
        for row in rows:
            if row["category"] != cat:
                continue
            x0, x1 = _x(row["start"]), _x(row["end"])  # type: ignore[arg-type]
            status = tl.STATUS_LABELS[str(row["status"])]
            tip = esc(f"{row['when']}: {row['title']} ({status} on 15 Sep 1963)")
            bar = ""
            if x1 - x0 >= 2:
                bar = (
                    f'<rect x="{x0:.1f}" y="{y - 3:.1f}" width="{x1 - x0:.1f}" height="6" '
                    f'fill="{style["colour"]}" fill-opacity="0.45"/>'
                )
            mark = _marker(style["shape"], x0, y, style["colour"], row["status"] == "ambiguous")
            parts.append(f"<g><title>{tip}</title>{bar}{mark}</g>")
    mx = _x(meeting)
    parts.append(
        f'<line x1="{mx:.1f}" y1="{_TOP - 14}" x2="{mx:.1f}" y2="{height - 24}" '
        'stroke="#000000" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{mx - 4:.1f}" y="{_TOP - 18}" font-size="12" text-anchor="end" '
        'fill="#000000">Liu-Kim meeting, 15 Sep 1963 ┐</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


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
        return "<p>No events match these filters.</p>"
    return html_table(tl.TABLE_COLUMNS, rows, caption="Events shown in the chart, in date order")


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
    records: Sequence[Mapping[str, object]],
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
    status = (
        f'<p role="status" aria-live="polite">'
        f"{esc(view_status(len(shown), len(records), hindsight, note))}</p>"
    )
    return chart_svg(shown), table_html(shown), status, event_options(shown)


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
        return (
            "<p>Choose an event to see its summary, source and the passages that refer to it.</p>"
        )
    ev = events[events["id"] == event_id].iloc[0]
    style = CATEGORY_STYLE.get(ev["category"], {"shape": "circle", "code": "?"})
    cat = f"{_SYMBOL.get(style['shape'], '')} {tl.CATEGORIES.get(ev['category'], ev['category'])}"
    raw_actors = ev["actors"] if isinstance(ev["actors"], str) else ""
    actors = ", ".join(a for a in raw_actors.split("|") if a)
    parts = [
        f"<h4>{esc(ev['title'])}</h4>",
        f"<p><strong>{esc(ev['when'])}</strong> · {esc(cat)} · known on 15 September 1963: "
        f"{esc(tl.STATUS_LABELS[ev['status']])}</p>",
        f"<p>{esc(ev['summary'])}</p>",
    ]
    if actors:
        parts.append(f"<p>Actors: {esc(actors)}</p>")
    parts.append(
        f'<p>Source: <a href="{esc(ev["source_url"])}" target="_blank" rel="noopener noreferrer">'
        f"{esc(ev['source_title'])}</a></p>"
    )
    passages = tl.turns_for_event(links, turns, event_id)
    if passages.empty:
        parts.append("<p>The minutes do not refer to this event directly.</p>")
    else:
        parts.append("<p>In the minutes:</p><ul>")
        for p in passages.itertuples(index=False):
            parts.append(
                f"<li><blockquote>“{esc(p.quote)}”</blockquote>"
                f"<p>Minutes, turn {esc(p.turn)} ({esc(p.speaker)}). {esc(p.note)}</p></li>"
            )
        parts.append("</ul>")
    return "".join(parts)


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
    found = tl.events_for_turn(links, events, turn)
    if tl.turn_number(turn) is None:
        return "<p>Choose a turn (1-54) to see the events it refers to.</p>"
    if found.empty:
        return f"<p>Minutes, turn {esc(turn)}: no linked events.</p>"
    parts = [f"<p>Minutes, turn {esc(turn)} refers to:</p><ul>"]
    for r in found.itertuples(index=False):
        parts.append(
            f"<li><strong>{esc(r.when)}: {esc(r.title)}</strong>"
            f"<blockquote>“{esc(r.quote)}”</blockquote><p>{esc(r.note)}</p></li>"
        )
    parts.append("</ul>")
    return "".join(parts)


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
        return "<p>Type a term from the minutes, for example “revisionism” or “Pravda”.</p>"
    hits = tl.lookup_terms(glossary, q)
    if hits.empty:
        return f"<p>No glossary entry matches “{esc(q)}”.</p>"
    parts = []
    for r in hits.itertuples(index=False):
        where = ", ".join(str(t) for t in getattr(r, "turns", [])) or "none"
        parts.append(
            f"<h4>{esc(r.term)}</h4><p>{esc(r.definition)}</p>"
            f"<p>In the minutes as: {esc(r.aliases.replace('|', '; '))}. Turns: {esc(where)}.</p>"
            f'<p>Source: <a href="{esc(r.source_url)}" target="_blank" '
            f'rel="noopener noreferrer">{esc(r.source_title)}</a></p>'
        )
    return "".join(parts)


def _checked(boxes: Iterable[tuple[str, w.Checkbox]]) -> list[str]:
    return [key for key, box in boxes if box.value]


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

    records = events.to_dict("records")  # once: updates filter these, not the DataFrame
    kit = Kit()  # shared layouts and styles: no callback below changes one
    initial = {"description_width": "initial"}
    year_options = [(str(y), y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    year_from, year_to = (
        kit.make(
            w.Dropdown,
            options=year_options,
            value=value,
            description=label,
            style=initial,
            layout={"width": "auto"},
        )
        for label, value in (("From year", FIRST_YEAR), ("To year", LAST_YEAR))
    )
    boxes = [
        (
            key,
            kit.make(
                w.Checkbox,
                value=True,
                description=f"{_SYMBOL[CATEGORY_STYLE[key]['shape']]} {label}",
                indent=False,
                style=initial,
                layout={"width": "auto"},
            ),
        )
        for key, label in tl.CATEGORIES.items()
    ]
    hindsight = kit.make(
        w.Checkbox,
        value=False,
        description="Only what was known on 15 September 1963",
        indent=False,
        style=initial,
        layout={"width": "auto"},
    )
    status = kit.html()
    chart = kit.html()
    table = kit.html()
    event_pick = kit.make(
        w.Dropdown,
        description="Event",
        style=initial,
        layout={"width": "auto", "max_width": "60em"},
    )
    event_pane = kit.html()
    turn_pick = kit.make(
        w.Dropdown,
        options=[("(choose a turn)", None)]
        + [(f"Turn {int(t.turn)} ({t.speaker})", int(t.turn)) for t in turns.itertuples()],
        value=None,
        description="From a turn, its events",
        style=initial,
        layout={"width": "auto", "max_width": "30em"},
    )
    turn_pane = kit.html(turn_pane_html(events, links, None))
    term = kit.make(
        w.Text,
        placeholder="revisionism, Pravda, echelon ...",
        description="Look up a term",
        style=initial,
        layout={"width": "auto", "max_width": "30em"},
    )
    term_pane = kit.html(glossary_html(glossary, ""))

    # Each setting of the controls is rendered once; going back to it is a lookup.
    views: OrderedDict[tuple[object, ...], tuple[str, str, str, list[tuple[str, str]]]]
    views = OrderedDict()

    def refresh(_change: object = None) -> None:
        key = (year_from.value, year_to.value, tuple(_checked(boxes)), hindsight.value)
        view = views.pop(key, None) or timeline_view(records, *key)
        views[key] = view  # now the most recently used
        while len(views) > _VIEWS_KEPT:
            views.popitem(last=False)
        chart.value, table.value, status.value, options = view
        choices = [("(choose an event)", None), *options]
        if list(event_pick.options) != choices:
            keep = event_pick.value if event_pick.value in {v for _, v in options} else None
            event_pick.options = choices
            event_pick.value = keep

    def show_event(_change: object = None) -> None:
        event_pane.value = event_pane_html(events, links, turns, event_pick.value)

    def show_turn(_change: object = None) -> None:
        turn_pane.value = turn_pane_html(events, links, turn_pick.value)

    def show_term(_change: object = None) -> None:
        term_pane.value = glossary_html(glossary, term.value)

    for control in [year_from, year_to, hindsight, *(b for _, b in boxes)]:
        control.observe(refresh, names="value")
    event_pick.observe(show_event, names="value")
    turn_pick.observe(show_turn, names="value")
    term.observe(show_term, names="value")
    refresh()
    show_event()

    wrap = {"flex_flow": "row wrap"}
    box = kit.make(
        w.VBox,
        children=[
            kit.html("<h3>The split in context, 1950-1969</h3>"),
            kit.make(w.HBox, children=[year_from, year_to], layout=wrap),
            kit.make(w.HBox, children=[b for _, b in boxes], layout=wrap),
            hindsight,
            status,
            chart,
            kit.html("<h4>The same events as a table</h4>"),
            table,
            event_pick,
            event_pane,
            turn_pick,
            turn_pane,
            term,
            term_pane,
        ],
    )
    box.parts = {  # type: ignore[attr-defined]
        "year_from": year_from,
        "year_to": year_to,
        "categories": dict(boxes),
        "hindsight": hindsight,
        "status": status,
        "chart": chart,
        "table": table,
        "event": event_pick,
        "event_pane": event_pane,
        "turn": turn_pick,
        "turn_pane": turn_pane,
        "term": term,
        "term_pane": term_pane,
    }
    return box
