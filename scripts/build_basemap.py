"""Build the map's base layer, ``data/basemap.json``, from Natural Earth (via the npm package
``world-atlas``).

Usage::

    python scripts/build_basemap.py            # fetch world-atlas with npm, rebuild the file
    python scripts/build_basemap.py --check    # rebuild in memory; exit 1 if the file differs
    python scripts/build_basemap.py --topojson countries-50m.json   # use a local copy

What it does, all in plain Python (no GIS library):

1. ``npm pack world-atlas@<version>`` into a temporary folder (the only network access; the
   course at run time reads only the shipped ``data/basemap.json``), and read
   ``package/countries-50m.json`` from the tarball. Its SHA-256 must equal
   :data:`TOPOJSON_SHA256`, so that a changed upstream file is noticed, not silently used.
2. Decode the TopoJSON arcs (delta-encoded, quantised) into longitude/latitude.
3. Simplify every arc once with Douglas-Peucker (distances measured with longitudes scaled by
   cos 40°, so a tolerance means the same on the ground east-west and north-south); arcs shared
   by two countries are simplified once, so neighbours still meet.
4. Keep what falls in :data:`EXTENT` (Korea, north-east China and Japan's Sea of Japan coast):
   land polygons clipped to the extent (Sutherland-Hodgman) for the fill, coastlines (arcs of one
   country) and boundaries (arcs shared by two) clipped as lines, and two lines derived from the
   boundaries: the Yalu (the China-North Korea boundary west of Mount Paektu) and the 1953
   armistice line (the boundary between the two Koreas).
5. Round to 3 decimals (about 100 m) and write deterministic JSON, atomically.

Natural Earth is in the public domain; world-atlas is under the ISC licence (see
ATTRIBUTION.md). ``data/schemas/basemap.json`` describes the file in the data package; run
``python scripts/build_data.py`` afterwards to refresh its hash in ``datapackage.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.places import clip_line, clip_polygon  # noqa: E402

OUT = ROOT / "data" / "basemap.json"

#: The npm package and version the base map is built from.
PACKAGE = "world-atlas"
VERSION = "2.0.2"
#: The file inside the package, and its SHA-256 (checked before use).
MEMBER = "package/countries-50m.json"
TOPOJSON_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"

#: (west, south, east, north) in degrees: the main map and the Niigata inset together.
EXTENT = (122.5, 34.5, 141.5, 43.5)
#: The main map's box: features here are simplified more finely.
MAIN = (123.0, 37.2, 131.0, 42.6)
#: Douglas-Peucker tolerances in degrees (of latitude): inside and outside the main box.
TOLERANCE_MAIN = 0.012
TOLERANCE_OUTSIDE = 0.05
#: Land rings smaller than this (square degrees, after clipping) are left out (small islands).
MIN_RING_AREA = 0.004
#: Longitude scale for distances (cos 40°).
COS0 = math.cos(math.radians(40.0))
#: ISO 3166-1 numeric codes of the countries whose shared boundaries give the derived lines.
CHINA, NORTH_KOREA, SOUTH_KOREA = "156", "408", "410"
#: Mount Paektu (lon, lat), where the China-North Korea boundary passes from the Yalu (to the
#: south-west) to the Tumen (to the north-east).
PAEKTU = (128.06, 42.0)
DECIMALS = 3

Point = tuple[float, float]
Line = list[Point]


class BasemapError(Exception):
    """The TopoJSON could not be fetched or does not look like world-atlas's."""


# --- fetching --------------------------------------------------------------------------------


def fetch_topojson(workdir: Path) -> bytes:
    """``npm pack`` the pinned world-atlas into ``workdir`` and return the TopoJSON's bytes.

    Parameters
    ----------
    workdir : Path
        An empty temporary folder.

    Returns
    -------
    bytes

    Raises
    ------
    BasemapError
        npm missing or failing (the message says why), or the member absent from the tarball.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise BasemapError("npm is not installed; install Node.js or pass --topojson FILE")
    proc = subprocess.run(
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", str(workdir)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise BasemapError(f"npm pack {PACKAGE}@{VERSION} failed: {proc.stderr.strip()[-500:]}")
    tarballs = sorted(workdir.glob(f"{PACKAGE}-{VERSION}.tgz"))
    if not tarballs:
        raise BasemapError(f"npm pack did not leave {PACKAGE}-{VERSION}.tgz in {workdir}")
    with tarfile.open(tarballs[0], "r:gz") as tar:
        try:
            member = tar.getmember(MEMBER)
        except KeyError:
            raise BasemapError(f"{MEMBER} is not in the {PACKAGE} tarball") from None
        fh = tar.extractfile(member)
        if fh is None:
            raise BasemapError(f"{MEMBER} in the tarball is not a regular file")
        return fh.read()


def check_checksum(raw: bytes, expected: str = TOPOJSON_SHA256) -> str:
    """The SHA-256 of ``raw``, which must be ``expected``.

    Parameters
    ----------
    raw : bytes
    expected : str

    Returns
    -------
    str

    Raises
    ------
    BasemapError
        On a mismatch (a different upstream file).
    """
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected:
        raise BasemapError(
            f"{MEMBER} has SHA-256 {digest}, expected {expected}: the upstream file changed; "
            "review it, then update TOPOJSON_SHA256"
        )
    return digest


# --- TopoJSON ---------------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[Line]:
    """Every arc of a quantised TopoJSON topology as longitude/latitude points.

    Parameters
    ----------
    topology : dict
        With ``arcs`` (delta-encoded integer positions) and ``transform`` (``scale``,
        ``translate``).

    Returns
    -------
    list of list of (float, float)
    """
    try:
        (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
        arcs = topology["arcs"]
    except (KeyError, TypeError, ValueError):
        raise BasemapError("not a quantised TopoJSON topology (no transform or arcs)") from None
    out = []
    for arc in arcs:
        x = y = 0
        line = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            line.append((x * sx + tx, y * sy + ty))
        out.append(line)
    return out


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A Polygon's or MultiPolygon's rings as lists of arc indexes (``~i`` means reversed)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def ring_points(ring: Sequence[int], arcs: Mapping[int, Line]) -> Line:
    """Join a ring's arcs (reversing those given as ``~i``), dropping repeated joints."""
    pts: Line = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        pts.extend(arc if not pts else arc[1:])
    return pts


# --- geometry ---------------------------------------------------------------------------------


def _dist2(p: Point, a: Point, b: Point) -> float:
    """Squared distance from ``p`` to segment ``ab`` (longitudes scaled by cos 40°)."""
    px, py = p[0] * COS0, p[1]
    ax, ay = a[0] * COS0, a[1]
    bx, by = b[0] * COS0, b[1]
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return (px - ax) ** 2 + (py - ay) ** 2
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2


def simplify(line: Sequence[Point], tolerance: float) -> Line:
    """Douglas-Peucker simplification (iterative; the end points are always kept).

    Parameters
    ----------
    line : sequence of (lon, lat)
    tolerance : float
        In degrees of latitude.

    Returns
    -------
    list of (lon, lat)
    """
    n = len(line)
    if n < 3:
        return list(line)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tolerance * tolerance
    while stack:
        i, j = stack.pop()
        best, at = -1.0, -1
        for k in range(i + 1, j):
            d = _dist2(line[k], line[i], line[j])
            if d > best:
                best, at = d, k
        if best > tol2:
            keep[at] = True
            stack.append((i, at))
            stack.append((at, j))
    return [p for p, k in zip(line, keep, strict=True) if k]


def _bbox(line: Sequence[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in line]
    ys = [p[1] for p in line]
    return min(xs), min(ys), max(xs), max(ys)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def area(ring: Sequence[Point]) -> float:
    """Absolute shoelace area in square degrees."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def _round(line: Sequence[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in line:
        p = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def join(lines: Iterable[Line]) -> list[Line]:
    """Join polylines that share end points into as few polylines as possible.

    Parameters
    ----------
    lines : iterable of polylines

    Returns
    -------
    list of polylines
    """
    pending = [list(line) for line in lines if len(line) >= 2]
    out: list[Line] = []
    while pending:
        current = pending.pop(0)
        grown = True
        while grown:
            grown = False
            for k, other in enumerate(pending):
                if other[0] == current[-1]:
                    current += other[1:]
                elif other[-1] == current[-1]:
                    current += list(reversed(other))[1:]
                elif other[-1] == current[0]:
                    current = other[:-1] + current
                elif other[0] == current[0]:
                    current = list(reversed(other))[:-1] + current
                else:
                    continue
                pending.pop(k)
                grown = True
                break
        out.append(current)
    return out


def yalu_part(boundary: Line, paektu: Point = PAEKTU) -> Line:
    """The part of the China-North Korea boundary from its western end to Mount Paektu.

    Parameters
    ----------
    boundary : polyline
        The whole boundary, joined.
    paektu : (lon, lat)

    Returns
    -------
    polyline
        From the Yalu's mouth (the western end) to the vertex nearest Mount Paektu.
    """
    line = boundary if boundary[0][0] <= boundary[-1][0] else list(reversed(boundary))
    nearest = min(range(len(line)), key=lambda k: _dist2(line[k], paektu, paektu))
    return line[: nearest + 1]


# --- the build --------------------------------------------------------------------------------


def build(topology: dict[str, Any], sha256: str) -> dict[str, Any]:
    """The base-map document for ``data/basemap.json`` (pure).

    Parameters
    ----------
    topology : dict
        world-atlas's ``countries-50m.json``.
    sha256 : str
        Its checksum, recorded in the output.

    Returns
    -------
    dict
    """
    arcs = decode_arcs(topology)
    try:
        geometries = topology["objects"]["countries"]["geometries"]
    except (KeyError, TypeError):
        raise BasemapError("no 'countries' object in the topology") from None

    # Which countries use each arc.
    users: dict[int, set[str]] = defaultdict(set)
    for g in geometries:
        for poly in polygons(g):
            for ring in poly:
                for index in ring:
                    users[index if index >= 0 else ~index].add(str(g.get("id")))

    # Every arc of a country that reaches the extent is simplified (a ring must be whole to be
    # clipped), finely where it touches the main map, coarsely elsewhere.
    wanted: set[int] = set()
    for g in geometries:
        for poly in polygons(g):
            ring_arcs = [i if i >= 0 else ~i for i in poly[0]]
            if any(_overlaps(_bbox(arcs[i]), EXTENT) for i in ring_arcs):
                wanted.update(i for ring in poly for i in (j if j >= 0 else ~j for j in ring))
    simplified: dict[int, Line] = {}
    for i in sorted(wanted):
        tol = TOLERANCE_MAIN if _overlaps(_bbox(arcs[i]), MAIN) else TOLERANCE_OUTSIDE
        simplified[i] = simplify(arcs[i], tol)

    land: list[list[list[float]]] = []
    for g in sorted(geometries, key=lambda g: str(g.get("id"))):
        for poly in polygons(g):
            outer = poly[0]
            if not all((i if i >= 0 else ~i) in simplified for i in outer):
                continue  # a ring outside the extent
            pts = ring_points(outer, simplified)
            if not _overlaps(_bbox(pts), EXTENT):
                continue
            clipped = clip_polygon(pts, EXTENT)
            if len(clipped) >= 3 and area(clipped) >= MIN_RING_AREA:
                land.append(_round(clipped))

    coast: list[list[list[float]]] = []
    borders: list[dict[str, Any]] = []
    derived: dict[str, list[list[list[float]]]] = {"yalu": [], "armistice_line": []}
    china_korea: list[Line] = []
    for i in sorted(simplified):
        who = sorted(users.get(i, set()))
        pieces = clip_line(simplified[i], EXTENT)
        if not pieces:
            continue
        if len(who) == 1:
            coast.extend(_round(p) for p in pieces)
            continue
        for p in pieces:
            borders.append({"between": who, "line": _round(p)})
        if set(who) == {CHINA, NORTH_KOREA}:
            china_korea.append(simplified[i])
        if set(who) == {NORTH_KOREA, SOUTH_KOREA}:
            derived["armistice_line"].extend(_round(p) for p in pieces)
    for boundary in join(china_korea):
        derived["yalu"].extend(_round(p) for p in clip_line(yalu_part(boundary), EXTENT))

    return {
        "title": "Base map for the map of the conversation (Korea, north-east China, Sea of Japan)",
        "source": {
            "title": "Natural Earth, Admin 0 countries, 1:50m (version 4.1.0), via world-atlas",
            "package": f"{PACKAGE}@{VERSION}",
            "file": MEMBER,
            "sha256": sha256,
            "url": "https://www.naturalearthdata.com/downloads/50m-cultural-vectors/",
            "licence": "Natural Earth: public domain; world-atlas: ISC",
        },
        "crs": "WGS84 longitude/latitude, decimal degrees, rounded to 3 decimals",
        "extent": list(EXTENT),
        "simplification": {
            "method": "Douglas-Peucker per arc, longitudes scaled by cos 40°",
            "tolerance_main_deg": TOLERANCE_MAIN,
            "tolerance_outside_deg": TOLERANCE_OUTSIDE,
            "main_box": list(MAIN),
            "min_ring_area_deg2": MIN_RING_AREA,
        },
        "land": land,
        "coast": coast,
        "borders": borders,
        "lines": {
            "yalu": derived["yalu"],
            "armistice_line": derived["armistice_line"],
        },
        "lines_note": (
            "yalu: Natural Earth's China-North Korea boundary from the sea to Mount Paektu "
            f"({PAEKTU[0]}° E, {PAEKTU[1]}° N), which the river forms; armistice_line: Natural "
            "Earth's boundary between North and South Korea, which follows the Military "
            "Demarcation Line of 1953. Both approximate at this scale."
        ),
    }


def to_bytes(doc: dict[str, Any]) -> bytes:
    """Deterministic, compact JSON: one top-level key a line, numbers as written."""
    parts = []
    for key, value in doc.items():
        parts.append(
            f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
        )
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


def write_atomic(path: Path, content: bytes) -> None:
    """Write through a temporary sibling (owner-only, as ``build_data.py`` does), then move it
    into place, so a failed run never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--topojson", type=Path, help="a local countries-50m.json (no npm)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: data/)")
    args = parser.parse_args(argv)
    try:
        if args.topojson is not None:
            raw = args.topojson.read_bytes()
        else:
            with tempfile.TemporaryDirectory() as tmp:
                raw = fetch_topojson(Path(tmp))
        digest = check_checksum(raw)
        content = to_bytes(build(json.loads(raw), digest))
    except (BasemapError, OSError, ValueError) as exc:
        print(f"build_basemap: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if not args.out.exists() or args.out.read_bytes() != content:
            print(f"stale: {args.out}", file=sys.stderr)
            return 1
        return 0
    write_atomic(args.out, content)
    print(f"wrote {args.out} ({len(content):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
