"""The places table, the base map and the map's geometry (course_lib.places, scripts/build_basemap.py)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from course_lib import places as pl
from course_lib.data import DataError, load_table, load_turns
from course_lib.text import find_term, fold, parse_query

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "data" / "basemap.json"


def _script():
    spec = importlib.util.spec_from_file_location(
        "build_basemap", ROOT / "scripts" / "build_basemap.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def turns():
    return load_turns()


@pytest.fixture(scope="module")
def raw():
    return pl.load_places()


@pytest.fixture(scope="module")
def places(raw, turns):
    from course_lib import timeline as tl

    return pl.prepare_places(
        raw, turns, load_table("documents"), tl.prepare_events(load_table("timeline"))
    )


@pytest.fixture(scope="module")
def basemap():
    return pl.load_basemap()


@pytest.fixture(scope="module")
def lines():
    return pl.load_place_lines()


def _row(places, pid):
    return places[places["id"] == pid].iloc[0]


# --- the table ---------------------------------------------------------------------------------


def test_places_table_is_sound(raw):
    assert pl.check_places(raw) == []
    assert raw["id"].is_unique
    assert set(raw["kind"]) <= set(pl.KINDS)
    for r in raw.to_dict("records"):
        assert -90 <= r["lat"] <= 90, r["id"]
        assert -180 <= r["lon"] <= 180, r["id"]
        assert r["source_url"].startswith(("http://", "https://")), r["id"]


def test_coordinates_are_where_the_places_are(raw):
    """Every place lies in the region its note gives (a swapped lat/lon or a sign error fails)."""
    rows = {r["id"]: r for r in raw.to_dict("records")}
    korea = [
        p
        for p, r in rows.items()
        if r["kind"] in ("city", "province") and p not in ("andong", "niigata", "beijing", "moscow")
    ]
    for pid in korea:  # North Korea lies within 37.5-43 N, 124-131 E
        assert 37.5 < rows[pid]["lat"] < 43.1, pid
        assert 124.0 < rows[pid]["lon"] < 131.0, pid
    assert rows["andong"]["lon"] < rows["anju"]["lon"] < rows["hamhung"]["lon"]  # west to east
    assert (
        rows["andong"]["lat"] > rows["jeongju"]["lat"] > rows["pyongyang"]["lat"]
    )  # north to south
    assert rows["parallel_38"]["lat"] == 38.0  # by definition
    assert 55 < rows["moscow"]["lat"] < 56.5
    assert 37 < rows["moscow"]["lon"] < 38.5
    assert 39.5 < rows["beijing"]["lat"] < 40.5
    assert 116 < rows["beijing"]["lon"] < 117
    assert 137 < rows["niigata"]["lon"] < 140  # on Japan's Sea of Japan coast


def test_gazetteer_rows_cite_the_feature_they_take_coordinates_from(raw):
    cited = 0
    for r in raw.to_dict("records"):
        for title, url in (
            (r["source_title"], r["source_url"]),
            (r["source_2_title"], r["source_2_url"]),
        ):
            if isinstance(url, str) and "geonames.org" in url:
                m = re.fullmatch(r"https://www\.geonames\.org/(\d+)", url)
                assert m, (r["id"], url)
                assert f"feature {m.group(1)}" in title, (r["id"], title)
                cited += 1
    assert cited >= 15


def test_places_inside_another_share_its_point_and_say_so(raw):
    rows = {r["id"]: r for r in raw.to_dict("records")}
    inside = [r for r in rows.values() if isinstance(r["within"], str) and r["within"]]
    assert {r["id"] for r in inside} == {"daedong_bridge", "kwp_cc_building"}
    for r in inside:
        parent = rows[r["within"]]
        assert (r["lat"], r["lon"]) == (parent["lat"], parent["lon"])
        assert r["approximate"] is True


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("lat", 95.0, "latitude"),
        ("lon", -181.0, "longitude"),
        ("kind", "volcano", "kind"),
        ("within", "atlantis", "names no place"),
        ("spellings", "", "no spelling"),
    ],
)
def test_check_places_reports_bad_rows(raw, column, value, message):
    bad = raw.copy()
    bad[column] = bad[column].astype(object)
    bad.loc[0, column] = value
    problems = pl.check_places(bad)
    assert any(message in p and str(bad.loc[0, "id"]) in p for p in problems), problems


def test_check_places_reports_duplicates_and_missing_columns(raw):
    doubled = pd.concat([raw, raw.iloc[:1]], ignore_index=True)
    assert any("duplicate id" in p for p in pl.check_places(doubled))
    assert "missing column" in pl.check_places(raw.drop(columns=["lat"]))[0]


def test_a_damaged_places_file_is_a_clear_error(tmp_path, monkeypatch):
    text = (ROOT / "data" / "places.csv").read_text(encoding="utf-8")
    bad = tmp_path / "places.csv"
    bad.write_text(text.replace(",40.12917,124.39472,", ",140.12917,124.39472,"), encoding="utf-8")
    from course_lib import data

    descriptor = data.resource("places")[1]
    monkeypatch.setattr(pl, "resource", lambda name: (bad, descriptor))
    with pytest.raises(
        DataError, match=r"line 2: column 'lat': 140.12917 is more than the maximum 90"
    ):
        pl.load_places()


# --- named in the minutes ---------------------------------------------------------------------

#: Every place the minutes name, as printed, with the turn (read from the source by hand).
NAMED_IN_MINUTES = {
    "Andong": 45,
    "Dandong": 45,
    "38th parallel": 45,
    "Pyongyang": 46,
    "Jeongju": 46,
    "Chongju": 46,
    "Anju": 46,
    "Cheongcheon": 46,
    "Ch'ongch'on": 46,
    "Ryanggang": 22,
    "Moscow": 33,
    "Daedong [Taedong] Bridge": 10,
}

#: Capitalised words of the minutes that are not place names (people, titles, parties, months,
#: sentence openings ...). Together with the places' spellings and NOT_MAPPED they must cover
#: every capitalised word of the minutes, so a place nobody entered makes this test fail.
NOT_PLACES = frozenset(
    """
    A After Aidit Air Among Anastas And Army As Assembly At Back Because But CPSU Central
    Chairman Choe Committee Communist Compared Comprehensively Comrade Comrades Congress Corps
    De Dean Deng Did Dipa Do Doing During Eight Either Engineers Enlai For Force Forestry From
    Good Government He How However I If Il In Indeed Is It Joyous June Khrushchev Kim Last
    Lenin Liu Many Mao Marxism Mikoyan Negative Not Now Nusantara Of Okay One Openly Other Our
    Particularly Parties Party People Pravda Premier Province Provincial Rather Right River
    Rubles Secretary Since Sino-Soviet So Some Soviet Stalin Standing Such Sung Supreme
    Teachers Temporarily Thank That The Their There Therefore These They This Throughout To
    Tours Union University Very Volunteer War We When While Why With Workers Xiaoping You
    Zedong Zhou Zhu Five North Even
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@pytest.mark.parametrize(("name", "turn"), sorted(NAMED_IN_MINUTES.items()))
def test_every_place_named_in_the_minutes_has_a_row(places, turns, name, turn):
    text = turns[turns["turn"] == turn].iloc[0]["text"]
    assert find_term(text, name), f"{name!r} is not in turn {turn}: the list above is wrong"
    rows = [
        r for r in places.to_dict("records") if fold(name) in {fold(s) for s in pl.spellings(r)}
    ]
    assert len(rows) == 1, name
    assert turn in rows[0]["turns"]


def test_every_capitalised_word_of_the_minutes_is_accounted_for(raw, turns):
    words = set()
    for text in turns["text"]:
        words.update(
            re.sub(r"['\u2019]s?$", "", m.group(0))
            for m in re.finditer(r"[A-Z][\w'\u2019-]*", text)
        )
    covered = {
        w
        for r in raw.to_dict("records")
        for s in pl.spellings(r)
        for w in re.split(r"[\s\[\]]+", s)
        if w
    }
    for name in pl.NOT_MAPPED:
        covered.update(name.split())
    left = sorted(words - covered - NOT_PLACES)
    assert left == [], f"capitalised words that are neither places nor listed as not places: {left}"


def test_not_mapped_names_are_in_the_minutes(turns):
    text = " ".join(turns["text"])
    for name, reason in pl.NOT_MAPPED.items():
        assert find_term(text, name, mode="start"), name
        assert reason


EXPECTED_TURNS = {
    "andong": [45],
    "sinuiju": [],
    "yalu": [],
    "jeongju": [46],
    "anju": [46],
    "cheongcheon": [46],
    "pyongyang": [10, 22, 46],
    "daedong_bridge": [10],
    "kwp_cc_building": [],
    "parallel_38": [45],
    "armistice_line": [],
    "ryanggang": [22],
    "hamhung": [],
    "wonsan": [],
    "chongjin": [],
    "niigata": [],
    "repatriation_route": [50],
    "beijing": [],
    "moscow": [33],
}


def test_turns_per_place_come_from_the_search_engine(places):
    assert dict(zip(places["id"], places["turns"], strict=True)) == EXPECTED_TURNS


@pytest.mark.parametrize(
    ("spelling", "pid"),
    [
        ("Jeongju", "jeongju"),
        ("Chongju", "jeongju"),  # the other romanization
        ("Cheongcheon", "cheongcheon"),
        ("Chongchon", "cheongcheon"),  # apostrophes optional
        ("Ch\u2019\u014fngch\u2019\u014fn", "cheongcheon"),  # curly apostrophes and breves folded
        ("Andong", "andong"),
        ("Dandong", "andong"),
        ("P'yŏngyang", "pyongyang"),
    ],
)
def test_each_romanization_finds_the_same_turns(places, turns, spelling, pid):
    row = _row(places, pid)
    pairs = zip(turns["turn"], turns["text"], strict=True)
    found = sorted({int(t) for t, text in pairs if find_term(text, spelling)})
    assert found == list(row["turns"])
    assert fold(spelling) in {fold(s) for s in pl.spellings(row)}


def test_the_readers_search_expands_both_romanizations():
    """Typing either spelling of a place with two romanizations finds both (course_lib.text)."""
    for a, b in (("Chongju", "Jeongju"), ("Dandong", "Andong"), ("Chongchon", "Cheongcheon")):
        assert fold(b) in {fold(t) for t in parse_query(a)}


def test_places_for_a_turn(places):
    assert [p["id"] for p in pl.places_for_turn(places, 46)] == [
        "jeongju",
        "anju",
        "cheongcheon",
        "pyongyang",
    ]
    assert [p["id"] for p in pl.places_for_turn(places, 45)] == ["andong", "parallel_38"]
    assert [p["id"] for p in pl.places_for_turn(places, "45")] == ["andong", "parallel_38"]
    for bad in (None, "x", 999, "<script>"):
        assert pl.places_for_turn(places, bad) == []


def test_other_records_that_name_a_place(places):
    assert "peoples_daily_1963_09_27" in _row(places, "hamhung")["documents"]
    assert "choe_banquet_1963_06_15" in _row(places, "beijing")["documents"]
    assert "repatriation_from_japan" in _row(places, "niigata")["events"]
    assert "volunteers_cross_yalu" in _row(places, "yalu")["events"]
    assert _row(places, "wonsan")["documents"] == []
    assert _row(places, "wonsan")["events"] == []


def test_passages_quote_the_turn_around_the_name(places, turns):
    found = pl.place_passages(_row(places, "anju"), turns)
    assert [p["turn"] for p in found] == [46]
    p = found[0]
    assert p["match"] == "Anju"
    assert (p["left"] + p["match"] + p["right"]).strip() in turns[turns["turn"] == 46].iloc[0][
        "text"
    ]
    long = pl.place_passages(_row(places, "pyongyang"), turns, width=30)
    assert [p["turn"] for p in long] == [10, 22, 46]
    assert long[0]["cut_left"]
    assert long[0]["cut_right"]


def test_distance_km():
    assert pl.distance_km(40.0, 125.0, 40.0, 125.0) == 0
    d = pl.distance_km(40.12917, 124.39472, 39.61778, 125.66472)  # Andong to Anju
    assert 115 < d < 130
    assert pl.distance_km(39.61778, 125.66472, 40.12917, 124.39472) == pytest.approx(d)
    assert 6300 < pl.distance_km(39.03385, 125.75432, 55.75222, 37.61556) < 6500  # Pyongyang-Moscow
    assert pl.format_coordinates(39.61778, 125.66472) == "39.618° N, 125.665° E"
    assert pl.format_coordinates(-1, -2) == "1.000° S, 2.000° W"


# --- lines ----------------------------------------------------------------------------------


def test_every_line_place_has_a_drawing_near_its_point(raw, lines, basemap):
    drawn = set(lines["place_id"])
    assert drawn <= set(raw["id"])
    for pid, group in lines.groupby("place_id"):
        assert list(group["seq"]) == list(range(1, len(group) + 1)), pid
    for r in raw.to_dict("records"):
        if r["kind"] not in pl.LINE_KINDS:
            continue
        polylines = pl.line_points(r["id"], lines, basemap)
        assert polylines, r["id"]
        assert all(len(p) >= 2 for p in polylines), r["id"]
        nearest = min(
            math.hypot(lon - r["lon"], lat - r["lat"]) for line in polylines for lon, lat in line
        )
        assert nearest < 0.05 or r["id"] == "parallel_38", r["id"]
    parallel = lines[lines["place_id"] == "parallel_38"]
    assert set(parallel["lat"]) == {38.0}


def test_line_notes_say_where_each_point_comes_from(lines):
    assert all(isinstance(n, str) and len(n) > 5 for n in lines["note"])


# --- the base map ------------------------------------------------------------------------------


def test_basemap_is_small_valid_and_inside_its_extent(basemap):
    assert BASEMAP.stat().st_size < 60_000
    west, south, east, north = basemap["extent"]
    assert (west, south, east, north) == tuple(_script().EXTENT)
    for key in ("land", "coast"):
        assert basemap[key], key
        for line in basemap[key]:
            assert len(line) >= (3 if key == "land" else 2)
            for lon, lat in line:
                assert west - 1e-9 <= lon <= east + 1e-9
                assert south - 1e-9 <= lat <= north + 1e-9
    pairs = {tuple(b["between"]) for b in basemap["borders"]}
    assert ("156", "408") in pairs
    assert ("408", "410") in pairs
    assert basemap["source"]["sha256"] == _script().TOPOJSON_SHA256
    assert "public domain" in basemap["source"]["licence"]


def test_derived_lines_are_where_they_belong(basemap):
    (yalu,) = basemap["lines"]["yalu"]
    assert yalu[0][0] < 124.5
    assert 39.9 < yalu[0][1] < 40.2
    assert math.hypot(yalu[-1][0] - 128.06, yalu[-1][1] - 42.0) < 0.1  # Mount Paektu
    (armistice,) = basemap["lines"]["armistice_line"]
    assert all(37.5 < lat < 38.8 for _, lat in armistice)
    assert armistice[0][0] < 127 < 128 < armistice[-1][0]  # across the peninsula


def test_attribution_and_licence_are_shipped():
    text = (ROOT / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Natural Earth" in text
    assert "world-atlas" in text
    assert "ISC" in text
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    assert {"places", "place_lines", "basemap"} <= set(res)
    assert any("ISC" in lic["name"] for lic in res["basemap"]["licenses"])
    assert res["basemap"]["hash"] == "sha256:" + hashlib.sha256(BASEMAP.read_bytes()).hexdigest()


def _synthetic_topology() -> dict:
    """Two countries (China 156 and North Korea 408) sharing one arc, on a 0.01-degree grid whose
    origin is 124 E, 39 N. Arcs are delta-encoded, as in TopoJSON."""
    arcs = [
        # shared boundary, west to east: (0,100) (100,120) (200,160) (300,170) (400,200)
        [[0, 100], [100, 20], [100, 40], [100, 10], [100, 30]],
        # China's northern side, from (400,200) round to (0,100)
        [[400, 200], [0, 100], [-400, 0], [0, -200]],
        # North Korea's southern side, from (400,200) round to (0,100)
        [[400, 200], [0, -200], [-400, 0], [0, 100]],
    ]
    return {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [124.0, 39.0]},
        "arcs": arcs,
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "156", "arcs": [[0, 1]]},
                    {"type": "Polygon", "id": "408", "arcs": [[~0, ~2]]},
                ],
            }
        },
    }


def test_build_decodes_simplifies_clips_and_derives_the_yalu():
    script = _script()
    doc = script.build(_synthetic_topology(), "0" * 64)
    assert len(doc["land"]) == 2
    (yalu,) = doc["lines"]["yalu"]
    assert yalu[0] == [124.0, 40.0]  # the western end
    assert all(lon <= 128.06 + 1e-9 for lon, _ in yalu)
    assert doc["lines"]["armistice_line"] == []
    assert doc["source"]["sha256"] == "0" * 64
    assert script.to_bytes(doc) == script.to_bytes(script.build(_synthetic_topology(), "0" * 64))


def test_simplify_keeps_the_ends_and_drops_what_is_within_tolerance():
    script = _script()
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, -0.001), (3.0, 0.0), (3.0, 2.0)]
    assert script.simplify(line, 0.01) == [(0.0, 0.0), (3.0, 0.0), (3.0, 2.0)]
    assert script.simplify(line, 0.0) == line


def test_a_changed_upstream_file_is_refused():
    script = _script()
    with pytest.raises(script.BasemapError, match="upstream file changed"):
        script.check_checksum(b"{}")
    with pytest.raises(script.BasemapError, match="not a quantised TopoJSON"):
        script.decode_arcs({"arcs": []})


def test_clipping():
    square = pl.clip_polygon([(0, 0), (4, 0), (4, 4), (0, 4)], (1, 1, 2, 2))
    assert sorted(square) == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert pl.clip_polygon([(5, 5), (6, 5), (6, 6)], (0, 0, 1, 1)) == []
    assert pl.clip_line([(0, 1), (3, 1)], (1, 0, 2, 2)) == [[(1.0, 1.0), (2.0, 1.0)]]
    assert pl.clip_line([(0, 5), (3, 5)], (1, 0, 2, 2)) == []
    # in, out and in again: two pieces
    assert len(pl.clip_line([(0.5, 0.5), (3, 0.5), (3, 1.5), (0.5, 1.5)], (0, 0, 2, 2))) == 2


def test_the_script_reproduces_the_shipped_base_map(tmp_path):
    """Fetch world-atlas with npm, rebuild, compare byte for byte (skipped without npm)."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed here (the CI machine has it): cannot fetch world-atlas")
    script = _script()
    try:
        raw = script.fetch_topojson(tmp_path)
    except script.BasemapError as exc:
        if re.search(r"ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network", str(exc)):
            pytest.skip(f"the npm registry cannot be reached: {exc}")
        raise
    digest = script.check_checksum(raw)
    assert script.to_bytes(script.build(json.loads(raw), digest)) == BASEMAP.read_bytes()


def test_the_script_reports_a_missing_file_without_a_traceback(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_basemap.py"),
            "--topojson",
            str(tmp_path / "absent.json"),
            "--out",
            str(tmp_path / "basemap.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("build_basemap: ")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "basemap.json").exists()


# --- the map's geometry ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layout(places, lines, basemap):
    return pl.map_layout(places, lines, basemap)


def _labels(layout):
    out = []
    for key in ("lines", "marks", "arrows"):
        out += [(m["id"], m["box"]) for m in layout[key]]
    out += [(m["id"], m["box"]) for m in layout["inset"]["marks"]]
    out += [("inset-end", e["box"]) for e in layout["inset"]["ends"]]
    return out


def test_every_drawn_place_is_in_the_map_once(layout, places):
    ids = (
        [m["id"] for m in layout["lines"]]
        + [m["id"] for m in layout["marks"]]
        + [m["id"] for m in layout["arrows"]]
        + [m["id"] for m in layout["inset"]["marks"]]
        + [r["id"] for r in layout["inset"]["routes"]]
    )
    assert len(ids) == len(set(ids))
    expected = {
        r["id"]
        for r in places.to_dict("records")
        if not (isinstance(r["within"], str) and r["within"])
    }
    assert set(ids) == expected
    assert {a["id"] for a in layout["arrows"]} == {"beijing", "moscow"}
    assert [m["id"] for m in layout["inset"]["marks"]] == ["niigata"]


def test_marks_and_labels_stay_inside_the_view_box(layout):
    w, h = layout["width"], layout["height"]
    for m in layout["marks"]:
        assert 6 <= m["x"] <= w - 6, m["id"]
        assert 6 <= m["y"] <= h - 6, m["id"]
    for pid, (x0, y0, x1, y1) in _labels(layout):
        assert x0 >= 0, pid
        assert x1 <= w, pid
        assert y0 >= 0, pid
        assert y1 <= h, pid
    i = layout["inset"]
    assert i["x"] + i["width"] <= w
    assert i["y"] + i["height"] <= h
    for m in i["marks"]:
        x0, y0, x1, y1 = m["box"]
        assert i["x"] <= x0
        assert x1 <= i["x"] + i["width"]
        assert i["y"] <= y0
        assert y1 <= i["y"] + i["height"]


def test_labels_do_not_overlap(layout):
    boxes = _labels(layout)
    for k, (a, ba) in enumerate(boxes):
        for b, bb in boxes[k + 1 :]:
            assert pl._overlap(ba, bb) == 0, (a, b)


def test_close_marks_are_moved_apart_with_a_leader(layout):
    marks = {m["id"]: m for m in layout["marks"]}
    a, s = marks["andong"], marks["sinuiju"]  # 3 km apart across the Yalu
    assert math.hypot(a["x"] - s["x"], a["y"] - s["y"]) >= 15.9
    assert a["leader"]
    assert s["leader"]
    assert not marks["pyongyang"]["leader"]


def test_text_is_at_least_11px_at_700px(layout):
    css = (ROOT / "course_lib" / "static" / "course.css").read_text(encoding="utf-8")
    assert re.search(r"\.p63-svg svg\.p63-map-chart \{[^}]*min-width: 700px", css)
    assert layout["font"] * 700 / layout["width"] >= 11


def test_arrows_point_the_way_and_give_the_distance(layout):
    arrows = {a["id"]: a for a in layout["arrows"]}
    for a in arrows.values():
        assert a["label"].endswith(" km")
    assert "6,4" in arrows["moscow"]["label"]
    assert arrows["moscow"]["ly"] < arrows["beijing"]["ly"]  # Moscow lies further north


def test_hostile_place_data_is_escaped_in_the_svg(raw, turns, lines, basemap):
    from course_lib.widgets.map_widget import map_svg

    bad = raw.copy()
    bad.loc[bad["id"] == "anju", "name"] = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    bad.loc[bad["id"] == "anju", "id"] = 'x" onclick="alert(1)'
    svg = map_svg(pl.prepare_places(bad, turns), lines, basemap)
    assert "<script" not in svg
    assert "<img" not in svg
    assert 'onclick="' not in svg
    assert "&lt;script&gt;" in svg


def test_distance_to_a_line_is_to_its_nearest_point():
    # Andong to latitude 38 N: due south, about 2.13 degrees of latitude
    assert 230 < pl.nearest_km(40.12917, 124.39472, [[(124.3, 38.0), (129.3, 38.0)]]) < 240
    assert pl.nearest_km(40.0, 125.0, [[(125.0, 40.0), (126.0, 41.0)]]) == 0
    assert pl.nearest_km(40.0, 125.0, []) == math.inf
