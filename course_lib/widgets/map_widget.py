"""The map of the conversation: the places the talk and the documents name, linked both ways.

:func:`conversation_map` builds and returns the container; it never displays it. (It is not
called ``map``, which would hide Python's built-in ``map`` in a lesson that imports it.) Every
callback calls one of the pure functions below, which take DataFrames and plain values and
return escaped HTML or SVG; the geometry comes from :func:`course_lib.places.map_layout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from course_lib import places as pl
from course_lib.data import to_records
from course_lib.templating import render, render_macro, status_html
from course_lib.widgets._common import Kit
from course_lib.widgets._front import SelectableSVG

__all__ = [
    "conversation_map",
    "map_status",
    "map_svg",
    "place_options",
    "place_pane_html",
    "places_table_html",
]


def map_svg(
    places: pd.DataFrame | Sequence[Mapping[str, Any]],
    lines: pd.DataFrame | None,
    basemap: Mapping[str, Any],
) -> str:
    """The map as accessible SVG: every place a button with its name and the turns naming it.

    Parameters
    ----------
    places : DataFrame or records
        From :func:`course_lib.places.prepare_places`.
    lines : DataFrame, optional
        :func:`course_lib.places.load_place_lines`.
    basemap : mapping
        :func:`course_lib.places.load_basemap`.

    Returns
    -------
    str
        SVG markup from ``map_chart.svg.j2`` (every text from the data escaped).
    """
    return render("map_chart.svg.j2", c=pl.map_layout(places, lines, basemap))


def place_options(places: pd.DataFrame) -> list[tuple[str, str]]:
    """Options for the place list: ``(label, id)``, places inside another one indented by name.

    Parameters
    ----------
    places : DataFrame
        From :func:`course_lib.places.prepare_places`.

    Returns
    -------
    list of (str, str)
    """
    names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    out = []
    for r in places.to_dict("records"):
        within = r.get("within")
        label = str(r["name"])
        if isinstance(within, str) and within:
            label += f" (in {names.get(within, within)})"
        out.append((label, str(r["id"])))
    return out


def _documents(ids: Sequence[str], documents: pd.DataFrame | None) -> list[dict[str, str]]:
    if documents is None or not len(documents) or not ids:
        return []
    rows = {str(r["doc_id"]): r for r in documents.to_dict("records")}
    out = []
    for i in ids:
        r = rows.get(i)
        if r is not None:
            out.append(
                {
                    "title": str(r.get("title", "")),
                    "url": str(r.get("url", "")),
                    "date": str(r.get("date", "")),
                }
            )
    return out


def _events(ids: Sequence[str], events: pd.DataFrame | None) -> list[dict[str, str]]:
    if events is None or not len(events) or not ids:
        return []
    rows = {str(r["id"]): r for r in events.to_dict("records")}
    out = []
    for i in ids:
        r = rows.get(i)
        if r is not None:
            when = r.get("when") if isinstance(r.get("when"), str) else r.get("date")
            out.append({"when": str(when or ""), "title": str(r.get("title", ""))})
    return out


def place_pane_html(
    places: pd.DataFrame,
    turns: pd.DataFrame,
    place_id: object,
    documents: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    geometry: Mapping[str, Any] | None = None,
) -> str:
    """The place pane: what and where, its sources, and every passage of the minutes naming it.

    Parameters
    ----------
    places : DataFrame
        From :func:`course_lib.places.prepare_places`.
    turns : DataFrame
        ``load_turns()``.
    place_id : object
        The chosen place; an unknown or missing id gives a short prompt.
    documents, events : DataFrame, optional
        The corroboration set and the timeline, for the records that name the place.
    geometry : mapping, optional
        Drawn lines by place id, for the distance to a river, line or route.

    Returns
    -------
    str
        Escaped HTML; links only to http(s) addresses.
    """
    if not isinstance(place_id, str) or place_id not in set(places["id"]):
        return render_macro("map_panes.html.j2", "choose")
    row = to_records(places[places["id"] == place_id])[0]
    card = pl.card_context(row, places, geometry)
    passages = pl.place_passages(row, turns)
    docs = _documents(list(row.get("documents") or []), documents)
    evs = _events(list(row.get("events") or []), events)
    return render_macro("map_panes.html.j2", "pane", card, passages, docs, evs)


def map_status(places: pd.DataFrame, place_id: object) -> str:
    """A short sentence for the live region ("Anju: named in turn 46.").

    Parameters
    ----------
    places : DataFrame
    place_id : object

    Returns
    -------
    str
        HTML of the one live region (the text escaped).
    """
    if not isinstance(place_id, str) or place_id not in set(places["id"]):
        named = sum(1 for t in places["turns"] if t)
        return status_html(f"{len(places)} places, {named} of them named in the minutes.")
    row = places[places["id"] == place_id].iloc[0]
    turns = list(row["turns"] or [])
    if turns:
        said = f"named in turn{'s' if len(turns) > 1 else ''} {', '.join(str(t) for t in turns)}"
    else:
        said = "not named in the minutes"
    return status_html(f"{row['name']}: {said}.")


def places_table_html(places: pd.DataFrame) -> str:
    """The map's text alternative: every place with its coordinates, turns and source.

    Parameters
    ----------
    places : DataFrame
        From :func:`course_lib.places.prepare_places`.

    Returns
    -------
    str
        Escaped HTML.
    """
    names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    rows = []
    for r in places.to_dict("records"):
        others = len(r.get("documents") or []) + len(r.get("events") or [])
        within = r.get("within") if isinstance(r.get("within"), str) else ""
        rows.append(
            {
                "name": r["name"],
                "kind": r["kind"],
                "within": names.get(within, "") if within else "",
                "approximate": r.get("approximate") is True,
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "turns": list(r.get("turns") or []),
                "others": f"{others} record{'s' if others != 1 else ''}" if others else "none",
                "source_title": r.get("source_title"),
                "source_url": r.get("source_url"),
            }
        )
    return render_macro("map_panes.html.j2", "table", rows)


def conversation_map(
    places: pd.DataFrame | None = None,
    turns: pd.DataFrame | None = None,
    lines: pd.DataFrame | None = None,
    basemap: Mapping[str, Any] | None = None,
    documents: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    selected: str = "",
) -> w.VBox:
    """Build the map of the conversation (it is returned, not displayed).

    Parameters
    ----------
    places, turns, lines : DataFrame, optional
        The ``places``, ``turns`` and ``place_lines`` tables; loaded from the data package when
        omitted.
    basemap : mapping, optional
        The base map; the shipped ``data/basemap.json`` when omitted (no network).
    documents, events : DataFrame, optional
        The corroboration set and the timeline, for the records that name each place; loaded
        when omitted.
    selected : str
        A place to open at the start (``"anju"``).

    Returns
    -------
    ipywidgets.VBox
        The map (places are buttons: click, or Tab to the map and use the arrow keys and Enter),
        a place list that does the same, the place pane with the passages that name the place
        (right under the map, so a choice shows at once), the key, and the table of places
        (collapsed). The parts are reachable by name through
        the container's ``parts`` attribute.
    """
    from course_lib import data
    from course_lib import timeline as tl

    turns = data.load_turns() if turns is None else turns
    if documents is None:
        try:
            documents = data.load_table("documents")
        except data.DataError:
            documents = None
    if events is None:
        events = tl.prepare_events(data.load_timeline())
    elif "when" not in events.columns:
        events = tl.prepare_events(events)
    raw = pl.load_places() if places is None else places
    prepared = pl.prepare_places(raw, turns, documents, events)
    lines = pl.load_place_lines() if lines is None else lines
    basemap = pl.load_basemap() if basemap is None else basemap

    geometry = {
        str(r["id"]): pl.line_points(str(r["id"]), lines, basemap)
        for r in prepared.to_dict("records")
        if r["kind"] in pl.LINE_KINDS
    }
    kit = Kit()
    options = place_options(prepared)
    ids = {v for _, v in options}
    drawn = {
        str(r["id"])
        for r in prepared.to_dict("records")
        if not isinstance(r.get("within"), str) or not r.get("within")
    }
    start = selected if selected in ids else None
    chart = SelectableSVG(svg=map_svg(prepared, lines, basemap), layout=kit.layout(width="100%"))
    status = kit.html(map_status(prepared, start))
    pick = kit.make(
        w.Dropdown,
        options=[("(choose a place)", None), *options],
        value=start,
        description="Place",
        style={"description_width": "initial"},
        layout={"width": "auto", "max_width": "100%"},
    )
    pane = kit.html(place_pane_html(prepared, turns, start, documents, events, geometry))
    legend = kit.html(render_macro("map_panes.html.j2", "legend", _reference_name(prepared)))
    table = kit.html(places_table_html(prepared))
    table_box = w.Accordion(children=[table], titles=("The places, as a table",))
    table_box.selected_index = None  # collapsed: the map's marks carry the same names
    panes: dict[object, tuple[str, str]] = {}

    def show(_change: object = None) -> None:
        key = pick.value
        if key not in panes:
            panes[key] = (
                place_pane_html(prepared, turns, key, documents, events, geometry),
                map_status(prepared, key),
            )
        pane.value, status.value = panes[key]
        chart.selected = key if key in drawn else ""

    def pick_from_map(change: dict[str, object]) -> None:
        chosen = change["new"]
        if isinstance(chosen, str) and chosen in ids and chosen != pick.value:
            pick.value = chosen

    pick.observe(show, names="value")
    chart.observe(pick_from_map, names="selected")
    show()

    box = kit.root(
        [
            kit.html("<h3>A map of the conversation</h3>"),
            status,
            chart,
            pick,
            pane,
            legend,
            table_box,
        ],
        "map",
    )
    box.parts = {
        "chart": chart,
        "place": pick,
        "pane": pane,
        "status": status,
        "legend": legend,
        "table": table,
        "table_box": table_box,
        "places": prepared,
    }
    return box


def _reference_name(places: pd.DataFrame) -> str:
    match = places[places["id"] == pl.REFERENCE]
    return str(match.iloc[0]["name"]) if len(match) else "Andong"
