"""Places named in the talk and the documents: sourced coordinates, the turns that name them, and
the geometry of the map of the conversation.

``data/places.csv`` lists every place the minutes name (and those the corroboration set and the
timeline name, and a few shown for orientation), each with WGS84 coordinates from a cited
gazetteer; ``data/place_lines.csv`` draws the rivers, lines and routes the base map does not
carry; ``data/basemap.json`` is Natural Earth's land, coasts and boundaries, simplified once by
``scripts/build_basemap.py``. Everything here is pure except the loaders:

- :func:`prepare_places` adds, with the course's one search engine
  (:func:`course_lib.text.find_term`), the turns, corroborating records and timeline events that
  name each place (computed, never stored);
- :func:`places_for_turn` is the other direction (the reader's "Explain" menu);
- :func:`map_layout` computes where everything goes in the map (like the timeline's
  ``chart_layout``), :func:`place_card_html` renders a small card for the reader.

Projection: equirectangular with longitudes scaled by the cosine of the map's middle latitude
(a plate carrée that keeps shapes right near 40° N); distances are great-circle kilometres
(:func:`distance_km`). Countries and larger regions the minutes name are not places on this
map; :data:`NOT_MAPPED` lists them with the reason.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from typing import Any, SupportsFloat, SupportsIndex, SupportsInt

import pandas as pd

from course_lib.data import DataError, read_json, resource, to_records
from course_lib.templating import render_macro
from course_lib.text import find_term, kwic

__all__ = [
    "INSET_EXTENT",
    "KINDS",
    "LINE_KINDS",
    "MAIN_EXTENT",
    "NOT_MAPPED",
    "REFERENCE",
    "card_context",
    "check_places",
    "clip_line",
    "clip_polygon",
    "distance_km",
    "format_coordinates",
    "line_points",
    "load_basemap",
    "load_place_lines",
    "load_places",
    "map_layout",
    "nearest_km",
    "place_card_html",
    "place_passages",
    "places_for_turn",
    "prepare_places",
    "shipped",
    "shipped_geometry",
    "spellings",
]

#: What a place can be (the ``kind`` column).
KINDS = ("city", "river", "province", "line", "route", "bridge", "building")
#: Kinds drawn as lines rather than points.
LINE_KINDS = frozenset({"river", "line", "route"})

#: Names in the minutes that are not places on this map, with the reason (the tests check that
#: every capitalised word of the minutes is a place, one of these, or not a place name at all).
NOT_MAPPED: dict[str, str] = {
    "Korea": "a country (the map shows it whole)",
    "Korean": "adjective of a country (Korea)",
    "Chinese": "adjective of a country (China)",
    "China": "a country (the map shows its north-east)",
    "Soviet Union": "a country; its capital, Moscow, has an arrow",
    "Soviets": "the Soviet Union's people or government",
    "Japan": "a country (the inset shows its Sea of Japan coast)",
    "Albania": "a country far outside the map",
    "Bulgaria": "a country far outside the map",
    "Bulgarian": "adjective of a country (Bulgaria) far outside the map",
    "Poland": "a country far outside the map",
    "Romania": "a country far outside the map",
    "Czechoslovakia": "a country far outside the map",
    "Italian": "adjective of a country (Italy) far outside the map",
    "French": "adjective of a country (France) far outside the map",
    "American": "adjective of a country (the United States) far outside the map",
    "Europe": "a continent",
    "Eastern Europe": "a region",
    "European": "adjective of a continent",
    "Far East": "a region",
    "Manchurian": "the region of north-east China, named only in a party committee's name "
    "(turn 11); no single point stands for it",
}

#: The place distances are measured from in the place panes: Andong, where Liu says the Soviet
#: divisions were sent (turn 45), so students can judge how far the air cover reached.
REFERENCE = "andong"

#: The main map and the inset: (west, south, east, north) in degrees.
MAIN_EXTENT = (123.2, 37.4, 130.6, 42.3)
INSET_EXTENT = (128.3, 35.6, 140.6, 43.0)
#: Width of the map in SVG units. The stylesheet keeps the map at least 700 px wide (it scrolls
#: sideways in a narrower cell), so 12-unit text never renders below 11 px.
WIDTH = 760
_FONT = 12
_CHAR_W = 6.7  # estimated width of one character at 12 units (sans-serif), for placement
_INSET_W = 172
_INSET_MARGIN = 4
_MIN_SEP = 16.0  # point marks closer than this are pushed apart, with a leader line
_R = 6  # mark radius
_EARTH_KM = 6371.0088

#: Where line labels go (presentation only): place id -> (lon, lat, text-anchor, dx, dy).
_LINE_LABELS: dict[str, tuple[float, float, str, float, float]] = {
    "yalu": (125.45, 40.66, "end", -6, -8),
    "cheongcheon": (126.72, 40.425, "start", 6, 4),
    "parallel_38": (124.35, 38.0, "start", 2, -6),
    "armistice_line": (127.3, 38.312, "middle", 0, 18),
}
#: Country names (presentation): (label, lon, lat) in the main map; (label, lon, lat) in the inset.
_COUNTRIES = (
    ("CHINA", 124.2, 41.75),
    ("NORTH KOREA", 127.35, 40.72),
    ("SOUTH KOREA", 127.7, 37.62),
)
_INSET_COUNTRIES = (("JAPAN", 138.2, 36.3),)

Rows = Sequence[Mapping[str, Any]]
Box = tuple[float, float, float, float]
Point = tuple[float, float]


# --- loading ----------------------------------------------------------------------------------


def load_places() -> pd.DataFrame:
    """The places table (``data/places.csv``), checked.

    Returns
    -------
    DataFrame

    Raises
    ------
    DataError
        A coordinate out of range, an unknown kind, a duplicate id or a ``within`` that names
        no place (the message names the row).
    """
    path, descriptor = resource("places")
    from course_lib.data import read_csv_rows, rows_to_frame

    header, rows = read_csv_rows(path)
    frame = rows_to_frame(header, rows, descriptor.get("schema", {}), path)
    problems = check_places(frame)
    if problems:
        raise DataError("; ".join(problems[:5]), path)
    return frame


def check_places(places: pd.DataFrame) -> list[str]:
    """Problems with a places table, in words (empty when it is sound).

    Parameters
    ----------
    places : DataFrame

    Returns
    -------
    list of str
    """
    problems = []
    needed = {"id", "name", "spellings", "kind", "lat", "lon"}
    missing = needed - set(places.columns)
    if missing:
        return [f"missing column(s) {', '.join(sorted(missing))}"]
    ids = [str(i) for i in places["id"]]
    seen: set[str] = set()
    for row in to_records(places):
        pid = str(row["id"])
        if pid in seen:
            problems.append(f"{pid}: duplicate id")
        seen.add(pid)
        lat, lon = row["lat"], row["lon"]
        if not _finite(lat) or not -90 <= float(lat) <= 90:
            problems.append(f"{pid}: latitude {lat!r} is not between -90 and 90")
        if not _finite(lon) or not -180 <= float(lon) <= 180:
            problems.append(f"{pid}: longitude {lon!r} is not between -180 and 180")
        if row["kind"] not in KINDS:
            problems.append(f"{pid}: kind {row['kind']!r} is not one of {', '.join(KINDS)}")
        within = row.get("within")
        if isinstance(within, str) and within and within not in ids:
            problems.append(f"{pid}: within {within!r} names no place")
        if not spellings(row):
            problems.append(f"{pid}: no spelling to search for")
    return problems


def _finite(value: object) -> bool:
    try:
        if not isinstance(value, str | bytes | bytearray | SupportsFloat | SupportsIndex):
            raise TypeError  # what float() would raise
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def load_place_lines() -> pd.DataFrame:
    """The drawn lines (``data/place_lines.csv``): ``place_id``, ``seq``, ``lat``, ``lon``, ``note``.

    Returns
    -------
    DataFrame
    """
    from course_lib.data import load_table

    return load_table("place_lines")


def load_basemap() -> dict[str, Any]:
    """The shipped base map (``data/basemap.json``): land, coasts, boundaries, derived lines.

    Returns
    -------
    dict

    Raises
    ------
    DataError
        If the file is missing, not JSON, or lacks one of its keys.
    """
    path, _ = resource("basemap")
    doc = read_json(path)
    if not isinstance(doc, dict) or not all(
        k in doc for k in ("land", "coast", "borders", "lines")
    ):
        raise DataError("not a base map (expected land, coast, borders and lines)", path)
    return doc


# --- where places are named -------------------------------------------------------------------


def _split(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [v.strip() for v in value.split("|") if v.strip()]


def spellings(row: Mapping[str, Any]) -> tuple[str, ...]:
    """Everything searched for a place: its spellings, then its ``mentions`` phrases.

    Parameters
    ----------
    row : mapping
        A places row.

    Returns
    -------
    tuple of str
    """
    return tuple(dict.fromkeys([*_split(row.get("spellings")), *_split(row.get("mentions"))]))


def _where(groups: Sequence[tuple[str, ...]], texts: Sequence[object]) -> list[list[int]]:
    """For each alias group, the indexes of the texts where it occurs (whole words, folded).

    The texts are joined by a character no spelling holds and that is not a word character (so
    the whole-word rule behaves as at a text's ends) and searched once per group; each match's
    offset gives its text.
    """
    sep = "\x00"
    strings = [t if isinstance(t, str) else "" for t in texts]
    joined = sep.join(strings)
    starts = list(accumulate((len(t) + 1 for t in strings[:-1]), initial=0))
    found = []
    for group in groups:
        spellings_ = tuple(g for g in group if sep not in g)
        hits = {bisect_right(starts, start) - 1 for start, _ in find_term(joined, spellings_)}
        found.append(sorted(hits))
    return found


def prepare_places(
    places: pd.DataFrame,
    turns: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The places with where each is named, found by the course's one search engine.

    A place is named in a text where any of its spellings or ``mentions`` matches as whole words
    under the rules of :func:`course_lib.text.find_term` (case, accents, apostrophes and both
    romanizations folded: "Chongchon" finds "Ch'ongch'on").

    Parameters
    ----------
    places : DataFrame
        :func:`load_places`.
    turns : DataFrame
        ``load_turns()`` (``turn``, ``text``).
    documents : DataFrame, optional
        The corroboration set (``doc_id``, ``title``, ``summary``); searched in title and summary.
    events : DataFrame, optional
        The timeline (``id``, ``title``, ``summary``).

    Returns
    -------
    DataFrame
        ``places`` with ``turns`` (sorted list of turn numbers), ``documents`` (doc ids) and
        ``events`` (event ids) columns.
    """
    records = to_records(places)
    groups = [spellings(r) for r in records]
    out = places.copy()
    numbers = [int(n) for n in turns["turn"]]
    out["turns"] = [[numbers[i] for i in hit] for hit in _where(groups, list(turns["text"]))]
    for column, frame, key in (("documents", documents, "doc_id"), ("events", events, "id")):
        if frame is None or not len(frame):
            out[column] = [[] for _ in records]
            continue
        texts = [f"{_str(r.get('title'))}. {_str(r.get('summary'))}" for r in to_records(frame)]
        ids = [str(v) for v in frame[key]]
        out[column] = [[ids[i] for i in hit] for hit in _where(groups, texts)]
    return out


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


@cache
def shipped() -> pd.DataFrame:
    """The shipped places, prepared against the shipped turns, documents and timeline (cached).

    Returns
    -------
    DataFrame
    """
    from course_lib.data import load_table, load_timeline, load_turns

    try:
        documents = load_table("documents")
    except DataError:
        documents = None
    return prepare_places(load_places(), load_turns(), documents, load_timeline())


def places_for_turn(places: pd.DataFrame | Rows, turn: object) -> list[dict[str, Any]]:
    """The places named in one turn, in the table's order.

    Parameters
    ----------
    places : DataFrame or records
        From :func:`prepare_places` (with its ``turns`` column).
    turn : object
        A turn number; anything else names no place.

    Returns
    -------
    list of dict
    """
    try:
        if not isinstance(turn, str | bytes | bytearray | SupportsInt | SupportsIndex):
            raise TypeError  # what int() would raise
        number = int(turn)
    except (TypeError, ValueError):
        return []
    rows = to_records(places) if isinstance(places, pd.DataFrame) else list(places)
    return [dict(r) for r in rows if number in (r.get("turns") or [])]


def place_passages(
    place: Mapping[str, Any], turns: pd.DataFrame, width: int = 70
) -> list[dict[str, Any]]:
    """Every passage that names a place: keyword in context, cut at word boundaries.

    Parameters
    ----------
    place : mapping
        A places row.
    turns : DataFrame
        ``load_turns()``.
    width : int
        Characters of context on each side.

    Returns
    -------
    list of dict
        ``turn``, ``speaker``, ``left``, ``match``, ``right``, ``cut_left`` and ``cut_right``
        (whether the context stops short of the turn's start or end), in turn order.
    """
    found = kwic(turns, spellings(place), width=width)
    lengths = {
        int(t): len(x)
        for t, x in zip(turns["turn"], turns["text"], strict=True)
        if isinstance(x, str)
    }
    out = []
    for r in to_records(found):
        text_len = lengths.get(int(r["turn"]), 0)
        out.append(
            {
                "turn": int(r["turn"]),
                "speaker": str(r["speaker"]),
                "left": str(r["left"]),
                "match": str(r["match"]),
                "right": str(r["right"]),
                # the context was cut before or after (whitespace runs count as one character)
                "cut_left": int(r["start"]) > len(str(r["left"])) + 1,
                "cut_right": int(r["end"]) + len(str(r["right"])) + 1 < text_len,
            }
        )
    return out


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (haversine, mean Earth radius).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Degrees.

    Returns
    -------
    float

    Examples
    --------
    >>> round(distance_km(40.12917, 124.39472, 39.61778, 125.66472))
    122
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_km(lat: float, lon: float, polylines: Iterable[Sequence[Sequence[float]]]) -> float:
    """Great-circle distance from a point to the nearest point of some polylines (in km).

    Each segment is sampled every few kilometres, which is ample at the map's scale.

    Parameters
    ----------
    lat, lon : float
        The point, in degrees.
    polylines : iterable of sequences of (lon, lat)

    Returns
    -------
    float
        ``inf`` when there are no points.

    Examples
    --------
    >>> round(nearest_km(40.12917, 124.39472, [[(124.3, 38.0), (129.3, 38.0)]]))
    237
    """
    best = math.inf
    for line in polylines:
        pts = [(float(p[0]), float(p[1])) for p in line]
        for (x0, y0), (x1, y1) in (
            itertools.pairwise(pts) if len(pts) > 1 else [(pts[0], pts[0])] if pts else []
        ):
            steps = max(1, int(math.hypot(x1 - x0, y1 - y0) / 0.02))
            for k in range(steps + 1):
                t = k / steps
                best = min(best, distance_km(lat, lon, y0 + t * (y1 - y0), x0 + t * (x1 - x0)))
    return best


def format_coordinates(lat: float, lon: float) -> str:
    """``"39.618° N, 125.665° E"``.

    Parameters
    ----------
    lat, lon : float

    Returns
    -------
    str
    """
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.3f}° {ns}, {abs(lon):.3f}° {ew}"


@cache
def shipped_geometry() -> dict[str, list[list[tuple[float, float]]]]:
    """The drawn lines of the shipped line places (rivers, lines, routes), by place id (cached).

    Returns
    -------
    dict
    """
    lines, basemap = load_place_lines(), load_basemap()
    places = load_places()
    return {
        str(r["id"]): line_points(str(r["id"]), lines, basemap)
        for r in to_records(places)
        if r["kind"] in LINE_KINDS
    }


def place_card_html(place_id: object, places: pd.DataFrame | None = None) -> str:
    """A small card for one place (the reader's "Explain" pane): what, where, source, turns.

    Parameters
    ----------
    place_id : object
        A place's id; anything else gives a short message.
    places : DataFrame, optional
        From :func:`prepare_places` (default: :func:`shipped`).

    Returns
    -------
    str
        Escaped HTML; links only to http(s) addresses.
    """
    frame = shipped() if places is None else places
    match = frame[frame["id"] == place_id] if isinstance(place_id, str) else frame.iloc[0:0]
    if not len(match):
        return render_macro("map_panes.html.j2", "missing")
    geometry = shipped_geometry() if places is None else None
    return render_macro(
        "map_panes.html.j2", "card", card_context(to_records(match)[0], frame, geometry)
    )


def card_context(
    place: Mapping[str, Any],
    places: pd.DataFrame | Rows,
    geometry: Mapping[str, Sequence[Sequence[Sequence[float]]]] | None = None,
) -> dict[str, Any]:
    """What a place card or pane shows, as plain values for a template.

    Parameters
    ----------
    place : mapping
        A prepared places row.
    places : DataFrame or records
        All prepared places (for the place it lies within, those within it, and the distance
        from :data:`REFERENCE`).
    geometry : mapping, optional
        Drawn lines by place id (:func:`shipped_geometry`): the distance to a river, line or
        route is then to its nearest point; without it, a line place gets no distance.

    Returns
    -------
    dict
    """
    rows = to_records(places) if isinstance(places, pd.DataFrame) else list(places)
    by_id = {str(r["id"]): r for r in rows}
    pid = str(place["id"])
    lat, lon = float(place["lat"]), float(place["lon"])
    ref = by_id.get(REFERENCE)
    distance = None
    line = _str(place.get("kind")) in LINE_KINDS
    if ref is not None and pid != REFERENCE and not _str(place.get("within")):
        if not line:
            distance = round(distance_km(float(ref["lat"]), float(ref["lon"]), lat, lon))
        elif geometry and geometry.get(pid):
            distance = round(nearest_km(float(ref["lat"]), float(ref["lon"]), geometry[pid]))
    within = by_id.get(_str(place.get("within")))
    inside = [
        {"name": _str(r["name"]), "turns": list(r.get("turns") or []), "note": _str(r.get("note"))}
        for r in rows
        if _str(r.get("within")) == pid
    ]
    forms = [s for s in _split(place.get("spellings")) if s != place.get("name")]
    return {
        "id": pid,
        "name": _str(place.get("name")),
        "kind": _str(place.get("kind")),
        "forms": forms,
        "coordinates": format_coordinates(lat, lon),
        "approximate": bool(place.get("approximate"))
        if not pd.isna(place.get("approximate"))
        else False,
        "distance": distance,
        "to_nearest": line,
        "reference": _str(ref["name"]) if ref is not None else "",
        "within": _str(within["name"]) if within is not None else "",
        "inside": inside,
        "turns": list(place.get("turns") or []),
        "note": _str(place.get("note")),
        "source_title": _str(place.get("source_title")),
        "source_url": _str(place.get("source_url")),
        "source_2_title": _str(place.get("source_2_title")),
        "source_2_url": _str(place.get("source_2_url")),
    }


# --- clipping (shared with scripts/build_basemap.py) ----------------------------------------


def clip_polygon(ring: Sequence[Point], box: Box) -> list[Point]:
    """Sutherland-Hodgman: the part of a closed ring inside an axis-aligned box.

    Parameters
    ----------
    ring : sequence of (x, y)
        Closed or not (the first point is not repeated in the result).
    box : (west, south, east, north)
        With y growing north (or, for screen coordinates, pass (left, top, right, bottom)).

    Returns
    -------
    list of (x, y)
        Possibly empty.

    Examples
    --------
    >>> sorted(clip_polygon([(0, 0), (4, 0), (4, 4), (0, 4)], (1, 1, 2, 2)))
    [(1.0, 1), (1.0, 2), (2.0, 1), (2.0, 2)]
    """
    x0, y0, x1, y1 = box
    pts = list(ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring)
    for axis, bound, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not pts:
            break

        def inside(
            p: Point, axis: int = axis, bound: float = bound, above: bool = keep_above
        ) -> bool:
            return p[axis] >= bound if above else p[axis] <= bound

        out: list[Point] = []
        prev = pts[-1]
        for cur in pts:
            if inside(cur):
                if not inside(prev):
                    out.append(_cut(prev, cur, axis, bound))
                out.append(cur)
            elif inside(prev):
                out.append(_cut(prev, cur, axis, bound))
            prev = cur
        pts = out
    return pts


def _cut(a: Point, b: Point, axis: int, bound: float) -> Point:
    t = (bound - a[axis]) / (b[axis] - a[axis])
    other = a[1 - axis] + t * (b[1 - axis] - a[1 - axis])
    return (bound, other) if axis == 0 else (other, bound)


def clip_line(line: Sequence[Point], box: Box) -> list[list[Point]]:
    """The pieces of a polyline inside a box (Liang-Barsky per segment, pieces joined).

    Parameters
    ----------
    line : sequence of (x, y)
    box : (x0, y0, x1, y1)
        ``x0 <= x1`` and ``y0 <= y1``.

    Returns
    -------
    list of polylines

    Examples
    --------
    >>> clip_line([(0, 1), (3, 1)], (1, 0, 2, 2))
    [[(1.0, 1.0), (2.0, 1.0)]]
    """
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for a, b in itertools.pairwise(line):
        seg = _clip_segment(a, b, box)
        if seg is None:
            if current:
                pieces.append(current)
                current = []
            continue
        p, q = seg
        if current and current[-1] == p:
            current.append(q)
        else:
            if current:
                pieces.append(current)
            current = [p, q]
        if q != b:  # the line leaves the box here
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [p for p in pieces if len(p) >= 2]


def _clip_segment(a: Point, b: Point, box: Box) -> tuple[Point, Point] | None:
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    start = a if t0 == 0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    end = b if t1 == 1 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return start, end


# --- the map's geometry -----------------------------------------------------------------------


class _Projection:
    """Equirectangular: x grows east, y grows south, longitudes scaled by cos(middle latitude)."""

    def __init__(self, extent: Box, width: float, x: float = 0.0, y: float = 0.0) -> None:
        west, south, east, north = extent
        self.extent = extent
        self.cos = math.cos(math.radians((south + north) / 2))
        self.k = width / ((east - west) * self.cos)
        self.width = width
        self.height = (north - south) * self.k
        self.x, self.y = x, y

    def __call__(self, lon: float, lat: float) -> Point:
        west, _, _, north = self.extent
        return (self.x + (lon - west) * self.cos * self.k, self.y + (north - lat) * self.k)

    @property
    def box(self) -> Box:
        return (self.x, self.y, self.x + self.width, self.y + self.height)

    def km(self, lat: float) -> float:
        """SVG units per kilometre east-west at a latitude."""
        return self.k * self.cos / (math.pi / 180 * _EARTH_KM * math.cos(math.radians(lat)))


def _path(lines: Iterable[Sequence[Point]], close: bool = False) -> str:
    parts = []
    for line in lines:
        if len(line) < 2:
            continue
        head = f"M{line[0][0]:.1f},{line[0][1]:.1f}"
        body = "".join(f"L{x:.1f},{y:.1f}" for x, y in line[1:])
        parts.append(head + body + ("Z" if close else ""))
    return "".join(parts)


def _project_lines(
    lines: Iterable[Sequence[Sequence[float]]], proj: _Projection
) -> list[list[Point]]:
    out: list[list[Point]] = []
    for line in lines:
        pts = [proj(float(p[0]), float(p[1])) for p in line]
        out.extend(clip_line(pts, proj.box))
    return out


def _project_rings(
    rings: Iterable[Sequence[Sequence[float]]], proj: _Projection
) -> list[list[Point]]:
    out = []
    for ring in rings:
        clipped = clip_polygon([proj(float(p[0]), float(p[1])) for p in ring], proj.box)
        if len(clipped) >= 3:
            out.append(clipped)
    return out


def _label_box(x: float, y: float, text: str, anchor: str) -> Box:
    w = len(text) * _CHAR_W + 2
    left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
    return (left, y - _FONT + 2, left + w, y + 3)


def _overlap(a: Box, b: Box) -> float:
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _inside(box: Box, frame: Box, margin: float = 2.0) -> bool:
    return (
        box[0] >= frame[0] + margin
        and box[1] >= frame[1] + margin
        and box[2] <= frame[2] - margin
        and box[3] <= frame[3] - margin
    )


_CANDIDATES = (  # (dx, dy, anchor) from the mark's centre
    (9, 4, "start"),
    (-9, 4, "end"),
    (0, -10, "middle"),
    (0, 17, "middle"),
    (7, -7, "start"),
    (7, 14, "start"),
    (-7, -7, "end"),
    (-7, 14, "end"),
)


def _place_label(
    x: float, y: float, text: str, taken: list[Box], frame: Box
) -> tuple[float, float, str, Box]:
    """The first candidate position whose label box stays inside ``frame`` and overlaps nothing
    taken; failing that, the one that overlaps least."""
    best: tuple[float, float, str, Box] | None = None
    best_cost = math.inf
    for dx, dy, anchor in _CANDIDATES:
        lx, ly = x + dx, y + dy
        box = _label_box(lx, ly, text, anchor)
        cost = sum(_overlap(box, t) for t in taken) + (0 if _inside(box, frame) else 1e6)
        if cost == 0:
            return lx, ly, anchor, box
        if cost < best_cost:
            best, best_cost = (lx, ly, anchor, box), cost
    assert best is not None
    return best


def _spread(points: list[dict[str, Any]]) -> None:
    """Push point marks closer than ``_MIN_SEP`` apart (in place), keeping their true position
    for a leader line."""
    for _ in range(20):
        moved = False
        for i, a in enumerate(points):
            for b in points[i + 1 :]:
                dx, dy = b["x"] - a["x"], b["y"] - a["y"]
                d = math.hypot(dx, dy)
                if d >= _MIN_SEP:
                    continue
                if d < 1e-6:
                    dx, dy, d = 0.0, 1.0, 1.0
                push = (_MIN_SEP - d) / 2 + 0.1
                ux, uy = dx / d, dy / d
                a["x"], a["y"] = a["x"] - ux * push, a["y"] - uy * push
                b["x"], b["y"] = b["x"] + ux * push, b["y"] + uy * push
                moved = True
        if not moved:
            break
    for p in points:
        p["leader"] = math.hypot(p["x"] - p["x0"], p["y"] - p["y0"]) > 0.5


def _named(place: Mapping[str, Any]) -> bool:
    return bool(place.get("turns"))


def _mark_label(place: Mapping[str, Any]) -> str:
    turns = list(place.get("turns") or [])
    kind = _str(place.get("kind"))
    if turns:
        said = f"named in turn{'s' if len(turns) > 1 else ''} {', '.join(str(t) for t in turns)}"
    else:
        said = "not named in the minutes"
    extra = ", approximate" if place.get("approximate") is True else ""
    return f"{_str(place.get('name'))}: {kind}{extra}, {said}"


def _arrow(start: Point, end: Point, size: float = 7.0) -> tuple[str, str]:
    """An arrow's shaft (path) and head (polygon points) from ``start`` to ``end``."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    base = (end[0] - ux * size, end[1] - uy * size)
    left = (base[0] - uy * size * 0.6, base[1] + ux * size * 0.6)
    right = (base[0] + uy * size * 0.6, base[1] - ux * size * 0.6)
    shaft = f"M{start[0]:.1f},{start[1]:.1f}L{base[0]:.1f},{base[1]:.1f}"
    head = " ".join(f"{x:.1f},{y:.1f}" for x, y in (end, left, right))
    return shaft, head


def _edge_point(origin: Point, direction: Point, box: Box, inset: float) -> Point:
    """Where a ray from ``origin`` leaves ``box`` shrunk by ``inset``."""
    x0, y0, x1, y1 = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    ts = []
    dx, dy = direction
    if dx < 0:
        ts.append((x0 - origin[0]) / dx)
    if dx > 0:
        ts.append((x1 - origin[0]) / dx)
    if dy < 0:
        ts.append((y0 - origin[1]) / dy)
    if dy > 0:
        ts.append((y1 - origin[1]) / dy)
    t = min(t for t in ts if t >= 0) if ts else 0.0
    return (origin[0] + t * dx, origin[1] + t * dy)


def line_points(
    place_id: str, lines: pd.DataFrame | Rows | None, basemap: Mapping[str, Any]
) -> list[list[tuple[float, float]]]:
    """A line place's polylines as (lon, lat): from ``place_lines``, else from the base map.

    Parameters
    ----------
    place_id : str
    lines : DataFrame or records, optional
        :func:`load_place_lines`.
    basemap : mapping
        :func:`load_basemap` (its ``lines``: the Yalu, the armistice line).

    Returns
    -------
    list of list of (float, float)
        Empty when the place has no drawing.
    """
    rows = to_records(lines) if isinstance(lines, pd.DataFrame) else list(lines or [])
    pts = sorted(
        (
            (int(r["seq"]), float(r["lon"]), float(r["lat"]))
            for r in rows
            if r["place_id"] == place_id
        ),
    )
    if pts:
        return [[(lon, lat) for _, lon, lat in pts]]
    derived = basemap.get("lines", {}).get(place_id, [])
    return [[(float(p[0]), float(p[1])) for p in line] for line in derived]


def map_layout(
    places: pd.DataFrame | Rows,
    lines: pd.DataFrame | Rows | None,
    basemap: Mapping[str, Any],
    width: int = WIDTH,
) -> dict[str, Any]:
    """Where everything goes in the map of the conversation (pure).

    The main map covers :data:`MAIN_EXTENT` (north-east China and North Korea); an inset in the
    Sea of Japan shows :data:`INSET_EXTENT` with the Niigata-Chongjin route; places beyond both
    (Beijing, Moscow) get an arrow at the map's edge, pointing the way they lie (in the map's
    projection) from Pyongyang, with the great-circle distance. Point marks closer than 16 units
    are pushed apart, with a leader line to their true position; each label takes the first of
    eight positions around its mark that stays inside the map and overlaps no other label.

    Parameters
    ----------
    places : DataFrame or records
        From :func:`prepare_places`.
    lines : DataFrame or records, optional
        :func:`load_place_lines`.
    basemap : mapping
        :func:`load_basemap`.
    width : int
        The map's width in SVG units.

    Returns
    -------
    dict
        Geometry and text for ``map_chart.svg.j2`` (every string escaped by the template).
    """
    rows = to_records(places) if isinstance(places, pd.DataFrame) else [dict(r) for r in places]
    rows = [r for r in rows if not _str(r.get("within"))]
    main = _Projection(MAIN_EXTENT, width)
    height = round(main.height, 1)
    frame: Box = (0.0, 0.0, float(width), height)

    # The inset sits in the open sea east of Korea, right-aligned, its top at latitude 40.3.
    inset_w = _INSET_W * width / WIDTH
    inset_x = width - inset_w - _INSET_MARGIN
    inset_y = main(MAIN_EXTENT[2], 40.3)[1]
    inset = _Projection(INSET_EXTENT, inset_w, inset_x, inset_y)

    sorted_rows = _sort_places(rows, lines, basemap, main, frame)
    # Every label placed so far (and the inset, and the point marks), for the next to avoid.
    taken: list[Box] = [inset.box]
    line_marks = [_line_mark(r, pieces, main) for r, pieces in sorted_rows.lines]
    taken += [m["box"] for m in line_marks]
    marks = _point_marks(sorted_rows.points, taken, frame)
    arrows = _arrow_marks(rows, sorted_rows.beyond, main, frame, taken)
    # The inset: its own land and coasts, the route, and the places in it.
    inset_doc = _inset_layout(inset, basemap, sorted_rows.inset)
    n_places = len(marks) + len(line_marks) + len(arrows) + len(inset_doc["marks"])
    n_named = sum(1 for r in rows if _named(r))
    return {
        "width": width,
        "height": height,
        "title": "Map of the conversation: north-east China and North Korea",
        "description": (
            f"{n_places} places, each a button; {n_named} of them are named in the minutes "
            "(filled marks). Lines show the 38th parallel, the 1953 armistice line (approximate) and rivers; an inset shows the "
            "Niigata-Chongjin repatriation route; arrows at the edge point to places beyond the "
            "map. The table after the map lists every place with its coordinates and turns."
        ),
        "land": _path(_project_rings(basemap.get("land", []), main), close=True),
        "coast": _path(_project_lines(basemap.get("coast", []), main)),
        "borders": _path(_project_lines([b["line"] for b in basemap.get("borders", [])], main)),
        "lines": line_marks,
        "marks": marks,
        "arrows": arrows,
        "inset": inset_doc,
        "buttons": _buttons(rows, line_marks, marks, arrows, inset_doc),
        "scale": _scale_bar(main, height),
        "countries": _labels_at(_COUNTRIES, main),
        "has_parallel": any(m["id"] == "parallel_38" for m in line_marks),
        "font": _FONT,
    }


@dataclass
class _SortedPlaces:
    """The map's places by where they are drawn, each list in the table's order."""

    #: Line places in the main map, with their pieces clipped to it (in map units).
    lines: list[tuple[dict[str, Any], list[list[Point]]]] = field(default_factory=list)
    #: Point places in the main map: the row, its position, and (by :func:`_spread`) its leader.
    points: list[dict[str, Any]] = field(default_factory=list)
    #: Places beyond both maps, drawn as arrows at the edge.
    beyond: list[dict[str, Any]] = field(default_factory=list)
    #: The inset's places: routes with their polylines (lon, lat), points with none.
    inset: list[tuple[dict[str, Any], list[list[Point]]]] = field(default_factory=list)


def _sort_places(
    rows: list[dict[str, Any]],
    lines: pd.DataFrame | Rows | None,
    basemap: Mapping[str, Any],
    main: _Projection,
    frame: Box,
) -> _SortedPlaces:
    """Which part of the map draws each place: a line, a point, an arrow, or the inset."""
    out = _SortedPlaces()
    for r in rows:
        kind = _str(r.get("kind"))
        lon, lat = float(r["lon"]), float(r["lat"])
        if kind in LINE_KINDS:
            polylines = line_points(str(r["id"]), lines, basemap)
            if kind == "route":
                out.inset.append((r, polylines))
                continue
            pieces = [p for line in polylines for p in clip_line([main(*q) for q in line], frame)]
            if pieces:
                out.lines.append((r, pieces))
            continue
        x, y = main(lon, lat)
        if _inside((x, y, x, y), frame, margin=_R + 2):
            out.points.append({"row": r, "x": x, "y": y, "x0": x, "y0": y})
        elif MAIN_EXTENT[0] <= lon <= INSET_EXTENT[2] and INSET_EXTENT[1] <= lat <= INSET_EXTENT[3]:
            out.inset.append((r, []))
        else:
            out.beyond.append(r)
    return out


def _line_mark(
    r: Mapping[str, Any], pieces: list[list[Point]], main: _Projection
) -> dict[str, Any]:
    """A line place (a river, a border) in the main map, with its label where it is set."""
    pid = str(r["id"])
    lon_l, lat_l, anchor, dx, dy = _LINE_LABELS.get(
        pid, (float(r["lon"]), float(r["lat"]), "start", 6, -6)
    )
    ax, ay = main(lon_l, lat_l)
    lx, ly = ax + dx, ay + dy
    return {
        "id": pid,
        "kind": _str(r.get("kind")),
        "d": _path(pieces),
        "approximate": r.get("approximate") is True,
        "label": _str(r["name"]),
        "aria": _mark_label(r),
        "lx": round(lx, 1),
        "ly": round(ly, 1),
        "anchor": anchor,
        "box": _label_box(lx, ly, _str(r["name"]), anchor),
        "named": _named(r),
    }


def _point_marks(
    point_rows: list[dict[str, Any]], taken: list[Box], frame: Box
) -> list[dict[str, Any]]:
    """The main map's point marks, pushed apart, each labelled clear of the others (appends to
    ``taken`` every mark and label)."""
    _spread(point_rows)
    for p in point_rows:
        taken.append((p["x"] - _R - 1, p["y"] - _R - 1, p["x"] + _R + 1, p["y"] + _R + 1))
    marks = []
    for p in point_rows:
        r = p["row"]
        lx, ly, anchor, box = _place_label(p["x"], p["y"], _str(r["name"]), taken, frame)
        taken.append(box)
        marks.append(
            {
                "id": str(r["id"]),
                "kind": _str(r.get("kind")),
                "shape": "square" if r.get("kind") == "province" else "circle",
                "x": round(p["x"], 1),
                "y": round(p["y"], 1),
                "x0": round(p["x0"], 1),
                "y0": round(p["y0"], 1),
                "leader": p["leader"],
                "named": _named(r),
                "label": _str(r["name"]),
                "aria": _mark_label(r),
                "lx": round(lx, 1),
                "ly": round(ly, 1),
                "anchor": anchor,
                "box": box,
            }
        )
    return marks


def _arrow_marks(
    rows: list[dict[str, Any]],
    beyond: list[dict[str, Any]],
    main: _Projection,
    frame: Box,
    taken: list[Box],
) -> list[dict[str, Any]]:
    """Arrows to places beyond the map, from Pyongyang's position, in the map's projection,
    northernmost first (appends each label to ``taken``)."""
    origin_row = next((r for r in rows if r["id"] == "pyongyang"), None)
    origin = (
        main(float(origin_row["lon"]), float(origin_row["lat"]))
        if origin_row
        else main((MAIN_EXTENT[0] + MAIN_EXTENT[2]) / 2, (MAIN_EXTENT[1] + MAIN_EXTENT[3]) / 2)
    )
    arrows = []
    for r in sorted(beyond, key=lambda r: -float(r["lat"])):
        km = (
            distance_km(
                float(origin_row["lat"]), float(origin_row["lon"]), float(r["lat"]), float(r["lon"])
            )
            if origin_row
            else 0.0
        )
        arrow = _arrow_mark(r, origin, main(float(r["lon"]), float(r["lat"])), km, frame, taken)
        taken.append(arrow["box"])
        arrows.append(arrow)
    return arrows


def _arrow_mark(
    r: Mapping[str, Any], origin: Point, target: Point, km: float, frame: Box, taken: list[Box]
) -> dict[str, Any]:
    """One arrow at the map's edge, pointing from ``origin`` towards ``target``, labelled with
    the place and its distance; the label moves down until it is clear of ``taken``."""
    width, height = frame[2], frame[3]
    direction = (target[0] - origin[0], target[1] - origin[1])
    tip = _edge_point(origin, direction, frame, 3)
    d = math.hypot(*direction) or 1.0
    tail = (tip[0] - direction[0] / d * 40, tip[1] - direction[1] / d * 40)
    shaft, head = _arrow(tail, tip)
    text = f"{_str(r['name'])}, {round(km, -1):,.0f} km"
    anchor = "start" if tip[0] < width / 2 else "end"
    lx = tail[0] + (4 if anchor == "start" else -4)
    ly = tail[1] + 4
    box = _label_box(lx, ly, text, anchor)
    while any(_overlap(box, t) for t in taken) and ly < height - 20:
        ly += 14
        box = _label_box(lx, ly, text, anchor)
    return {
        "id": str(r["id"]),
        "shaft": shaft,
        "head": head,
        "hit": f"M{tail[0]:.1f},{tail[1]:.1f}L{tip[0]:.1f},{tip[1]:.1f}",
        "label": text,
        "aria": _mark_label(r) + f"; {round(km, -1):,.0f} km from Pyongyang, off the map",
        "lx": round(lx, 1),
        "ly": round(ly, 1),
        "anchor": anchor,
        "box": box,
        "named": _named(r),
    }


def _scale_bar(main: _Projection, height: float) -> dict[str, Any]:
    """A 100 km scale bar, bottom left, measured at the map's middle latitude."""
    mid = (MAIN_EXTENT[1] + MAIN_EXTENT[3]) / 2
    bar = 100 * main.km(mid)
    return {"x": 12.0, "y": round(height - 14, 1), "length": round(bar, 1), "label": "100 km"}


def _labels_at(
    names: Iterable[tuple[str, float, float]], proj: _Projection
) -> list[dict[str, Any]]:
    """Country names at their (lon, lat), projected."""
    out = []
    for text, lon, lat in names:
        x, y = proj(lon, lat)
        out.append({"label": text, "x": round(x, 1), "y": round(y, 1)})
    return out


def _buttons(
    rows: list[dict[str, Any]],
    line_marks: list[dict[str, Any]],
    marks: list[dict[str, Any]],
    arrows: list[dict[str, Any]],
    inset_doc: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """The buttons, in the order the keyboard walks them (front.js follows the document).

    The lines first, so that the marks of the places on them lie on top and take the clicks (the
    Cheongcheon passes through Anju), then the places in the table's order (the order of the
    story, Andong first), the arrows, and the inset's route with Niigata on top of it.
    """
    rank = {str(r["id"]): k for k, r in enumerate(rows)}
    typed = (
        [("line", m) for m in line_marks]
        + [("point", m) for m in marks]
        + [("arrow", m) for m in arrows]
        + [("route", m) for m in inset_doc["routes"]]
        + [("inset_point", m) for m in inset_doc["marks"]]
    )
    layer = {"line": 0, "point": 1, "arrow": 2, "route": 3, "inset_point": 4}
    typed.sort(key=lambda tm: (layer[tm[0]], rank.get(tm[1]["id"], 0)))
    return [{"type": t, **m} for t, m in typed]


def _inset_layout(
    proj: _Projection,
    basemap: Mapping[str, Any],
    entries: Sequence[tuple[Mapping[str, Any], list[list[tuple[float, float]]]]],
) -> dict[str, Any]:
    """The inset's geometry: land, coasts, the route (its title is its label) and its places."""
    box = proj.box
    routes, points = _inset_routes_and_points(proj, entries)
    taken: list[Box] = [(m["x"] - _R, m["y"] - _R, m["x"] + _R, m["y"] + _R) for m in points]
    ends = _route_ends(routes, points)
    title_y = box[1] + 14
    title = "Repatriation route"
    taken.append(_label_box(box[0] + 5, title_y, title, "start"))
    out_marks = []
    for m in points:
        r = m["row"]
        lx, ly, anchor, lbox = _place_label(m["x"], m["y"], _str(r["name"]), taken, box)
        taken.append(lbox)
        out_marks.append(
            {
                "id": str(r["id"]),
                "kind": _str(r.get("kind")),
                "shape": "circle",
                "leader": False,
                "x": round(m["x"], 1),
                "y": round(m["y"], 1),
                "named": _named(r),
                "label": _str(r["name"]),
                "aria": _mark_label(r),
                "lx": round(lx, 1),
                "ly": round(ly, 1),
                "anchor": anchor,
                "box": lbox,
            }
        )
    return {
        "x": round(box[0], 1),
        "y": round(box[1], 1),
        "width": round(box[2] - box[0], 1),
        "height": round(box[3] - box[1], 1),
        "title": title,
        "title_x": round(box[0] + 5, 1),
        "title_y": round(title_y, 1),
        "land": _path(_project_rings(basemap.get("land", []), proj), close=True),
        "coast": _path(_project_lines(basemap.get("coast", []), proj)),
        "routes": routes,
        "marks": out_marks,
        "ends": _end_labels(ends, taken, box),
        "countries": _labels_at(_INSET_COUNTRIES, proj),
    }


def _inset_routes_and_points(
    proj: _Projection,
    entries: Sequence[tuple[Mapping[str, Any], list[list[tuple[float, float]]]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The inset's routes (template fields, and their ends until they are used) and its points
    (the place's row and its position)."""
    box = proj.box
    routes: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for r, polylines in entries:
        if not polylines:
            x, y = proj(float(r["lon"]), float(r["lat"]))
            points.append({"row": r, "x": x, "y": y})
            continue
        pieces = [p for line in polylines for p in clip_line([proj(*q) for q in line], box)]
        if pieces:
            routes.append(
                {
                    "id": str(r["id"]),
                    "d": _path(pieces),
                    "label": _str(r["name"]),
                    "aria": _mark_label(r),
                    "named": _named(r),
                    "ends": [pieces[0][0], pieces[-1][-1]],
                }
            )
    return routes, points


def _route_ends(routes: list[dict[str, Any]], points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The routes' ends that no place marks (Chongjin): each gets an unselectable dot and a name.

    Takes the ``ends`` out of each route.
    """
    ends = []
    for route in routes:
        for x, y in route.pop("ends"):
            if any(math.hypot(x - m["x"], y - m["y"]) < 3 for m in points):
                continue
            ends.append({"x": round(x, 1), "y": round(y, 1)})
    return ends


def _end_labels(ends: list[dict[str, Any]], taken: list[Box], box: Box) -> list[dict[str, Any]]:
    """Name each unmarked route end, clear of the labels in ``taken`` (appends to it)."""
    out = []
    for e in ends:
        lx, ly, anchor, lbox = _place_label(e["x"], e["y"], "Chongjin", taken, box)
        taken.append(lbox)
        out.append(
            {
                **e,
                "lx": round(lx, 1),
                "ly": round(ly, 1),
                "anchor": anchor,
                "label": "Chongjin",
                "box": lbox,
            }
        )
    return out
