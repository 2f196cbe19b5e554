"""Headless tests of the map of the conversation: set values as the browser would, read what it shows."""

from __future__ import annotations

import inspect
import re
import socket
from html.parser import HTMLParser

import pandas as pd
import pytest

import course_lib.widgets as widgets
from course_lib import places as pl
from course_lib import reader as rd
from course_lib.data import load_people, load_table, load_turns
from course_lib.widgets import conversation_map
from course_lib.widgets.map_widget import (
    map_status,
    map_svg,
    place_options,
    place_pane_html,
    places_table_html,
)
from tests.conftest import HOSTILE


class _Markup(HTMLParser):
    """Collects what the browser would see as markup: tags and their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def injected(markup: str) -> list[str]:
    """Markup that would run or load something: script or img elements, event-handler
    attributes, javascript: links. Escaped text ("&lt;img ...") is text, not markup."""
    parser = _Markup()
    parser.feed(markup)
    bad = []
    for tag, attrs in parser.tags:
        if tag in {"script", "img", "iframe", "object"}:
            bad.append(tag)
        for name, value in attrs:
            if name.lower().startswith("on"):
                bad.append(f"{tag} {name}")
            if (
                name.lower() in {"href", "src", "xlink:href"}
                and "javascript:" in (value or "").lower()
            ):
                bad.append(f"{tag} {name}={value}")
    return bad


@pytest.fixture(scope="module")
def turns():
    return load_turns()


@pytest.fixture(scope="module")
def places(turns):
    from course_lib import timeline as tl

    return pl.prepare_places(
        pl.load_places(), turns, load_table("documents"), tl.prepare_events(load_table("timeline"))
    )


@pytest.fixture
def widget():
    return conversation_map()


def _everything(widget) -> str:
    p = widget.parts
    return p["chart"].svg + "".join(p[k].value for k in ("status", "pane", "legend", "table"))


def test_builder_is_exported_under_a_name_that_does_not_hide_map():
    assert "conversation_map" in widgets.__all__
    assert "map" not in widgets.__all__
    assert inspect.isfunction(conversation_map)
    with pytest.raises(AttributeError):
        widgets.map  # noqa: B018 - the builtin must stay the builtin in lessons
    assert map(str, [1]) is not None  # still Python's map after the import


def test_widget_has_its_parts_and_the_course_classes(widget):
    import ipywidgets as w

    assert isinstance(widget, w.VBox)
    assert "p63" in widget._dom_classes
    assert "p63-map" in widget._dom_classes
    p = widget.parts
    assert p["place"].description == "Place"
    assert p["table_box"].selected_index is None  # the table starts collapsed
    assert 'role="status"' in p["status"].value
    assert "Choose a place" in p["pane"].value


def test_choosing_a_place_on_the_map_shows_its_turns_and_passages(widget):
    p = widget.parts
    p["chart"].selected = "anju"  # what a click or Enter on the mark sends
    assert p["place"].value == "anju"
    pane = p["pane"].value
    assert "<h4>Anju</h4>" in pane
    assert "Minutes, turn 46 (Kim)" in pane
    assert "<mark>Anju</mark>" in pane
    assert "Jeongju [Chongju]" in pane  # the quotation keeps the translators' brackets
    assert "39.618° N, 125.665° E" in pane
    assert 'href="https://www.geonames.org/1879613"' in pane
    assert re.search(r"1[12]\d km from Andong \(Dandong\)", pane)
    assert "Anju: named in turn 46." in p["status"].value


def test_both_romanizations_in_the_passage(widget):
    p = widget.parts
    p["chart"].selected = "jeongju"
    assert "<mark>Jeongju</mark>" in p["pane"].value
    assert "<mark>Chongju</mark>" in p["pane"].value  # the bracketed romanization is found too


def test_choosing_from_the_list_marks_the_map(widget):
    p = widget.parts
    p["place"].value = "pyongyang"
    assert p["chart"].selected == "pyongyang"
    assert p["pane"].value.count("<blockquote>") == 3  # turns 10, 22 and 46
    assert "Also in Pyongyang" in p["pane"].value
    assert "Daedong (Taedong) Bridge" in p["pane"].value
    p["place"].value = "daedong_bridge"  # not drawn on its own
    assert p["chart"].selected == ""
    assert "in Pyongyang" in p["pane"].value
    p["place"].value = None
    assert "Choose a place" in p["pane"].value


def test_places_not_named_in_the_minutes_say_so(widget):
    p = widget.parts
    p["chart"].selected = "hamhung"
    assert "The minutes do not name it." in p["pane"].value
    assert "Named in the corroboration set" in p["pane"].value
    assert "not named in the minutes" in p["status"].value
    p["chart"].selected = "repatriation_route"
    assert "Minutes, turn 50 (Kim)" in p["pane"].value  # named by "returned from Japan"
    assert "Schematic" in p["pane"].value


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "nowhere", "", "anju\x00"])
def test_unknown_or_hostile_selection_changes_nothing_harmful(widget, value):
    p = widget.parts
    p["chart"].selected = value
    assert p["place"].value is None
    assert injected(_everything(widget)) == []
    assert "Choose a place" in p["pane"].value


def test_every_place_is_one_button_in_the_svg(widget, places):
    svg = widget.parts["chart"].svg
    ids = re.findall(r'data-select="([^"]+)"', svg)
    drawn = [r["id"] for r in places.to_dict("records") if not isinstance(r["within"], str)]
    assert sorted(ids) == sorted(drawn)
    for pid in ids:  # every button has an accessible name
        assert re.search(rf'data-select="{pid}" aria-label="[^"]+"', svg)
    assert 'role="group"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg


def test_legend_says_what_is_approximate(widget):
    legend = widget.parts["legend"].value
    assert "approximate" in legend
    assert "Natural Earth" in legend
    assert "schematic" in legend


def test_text_alternative_lists_every_place_with_coordinates(widget, places):
    table = widget.parts["table"].value
    assert table.count("<tr><td>") == len(places)
    assert "<caption>" in table
    assert "40.129" in table  # Andong's latitude
    assert "124.395" in table
    assert "45" in table


def test_pure_functions_escape_hostile_rows(places, turns):
    bad = places.copy()
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    bad["name"] = evil
    bad["note"] = evil
    bad["source_title"] = evil
    bad["source_url"] = "javascript:alert(document.cookie)"
    bad["source_2_url"] = "javascript:alert(1)"
    bad["spellings"] = bad["spellings"].astype(str) + "|" + evil
    out = (
        place_pane_html(bad, turns, "anju")
        + places_table_html(bad)
        + map_status(bad, "anju")
        + pl.place_card_html("anju", bad)
        + map_svg(bad, pl.load_place_lines(), pl.load_basemap())
    )
    assert injected(out) == []
    assert "&lt;script&gt;" in out


def test_javascript_urls_never_reach_an_href(places, turns):
    """Of 19 tampered rows, none produces a link; the titles show as text."""
    bad = places.copy()
    bad["source_url"] = "javascript:alert(document.cookie)"
    leaked = [
        pid
        for pid in bad["id"]
        if "javascript:" in place_pane_html(bad, turns, pid) + pl.place_card_html(pid, bad)
    ]
    assert leaked == []
    assert "javascript:" not in places_table_html(bad)
    assert "GeoNames gazetteer" in place_pane_html(bad, turns, "anju")  # the title, unlinked


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_place_names_on_the_map(places, text):
    bad = places.copy()
    bad.loc[bad["id"] == "wonsan", "name"] = text
    svg = map_svg(bad, pl.load_place_lines(), pl.load_basemap())
    assert injected(svg) == []
    assert svg.count("<svg") == 1


def test_place_options_mark_places_inside_another(places):
    options = dict((v, k) for k, v in place_options(places))
    assert options["daedong_bridge"] == "Daedong (Taedong) Bridge (in Pyongyang)"
    assert options["anju"] == "Anju"


def test_the_map_works_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the map tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    box = conversation_map(selected="andong")
    assert "<h4>Andong (Dandong)</h4>" in box.parts["pane"].value


def test_opening_on_a_place(turns):
    box = conversation_map(turns=turns, selected="moscow")
    assert box.parts["place"].value == "moscow"
    assert box.parts["chart"].selected == "moscow"
    assert "the Moscow Pravda" in box.parts["pane"].value.replace("<mark>", "").replace(
        "</mark>", ""
    )
    assert conversation_map(turns=turns, selected="<b>").parts["place"].value is None


# --- both ways: the reader's "Explain" menu -----------------------------------------------------


def test_reader_explain_lists_the_places_of_a_turn(turns):
    row = turns[turns["turn"] == 46].iloc[0]
    keys = [k for _, k in rd.explain_options(row, load_people(), None)]
    for pid in ("jeongju", "anju", "cheongcheon", "pyongyang"):
        assert f"place:{pid}" in keys
    labels = [label for label, _ in rd.explain_options(row, None, None)]
    assert "Place: Anju" in labels
    assert rd.explain_options(row, None, None, places=None) == []
    row45 = turns[turns["turn"] == 45].iloc[0]
    assert [k for _, k in rd.explain_options(row45, None, None)] == [
        "place:andong",
        "place:parallel_38",
    ]


def test_reader_place_card_has_coordinates_and_source():
    out = rd.explain_html("place:anju", None, None)
    assert "Anju" in out
    assert "39.618° N, 125.665° E" in out
    assert 'href="https://www.geonames.org/1879613"' in out
    assert "Named in turns" in out
    assert "No place with that name" in rd.explain_html("place:<script>", None, None)
    assert "<script>" not in rd.explain_html("place:<script>", None, None)


def test_reader_explain_survives_a_damaged_places_table(turns):
    row = turns[turns["turn"] == 46].iloc[0]
    damaged = pd.DataFrame([{"id": "x"}])  # no spellings, no name
    assert rd.explain_options(row, None, None, places=damaged) == []
    assert "No explanation" in rd.explain_html("place:x", None, None, places=damaged)


def test_reader_widget_explains_a_place(turns):
    from course_lib.widgets import reader

    box = reader(turns)
    c = box.controls
    c["turn"].value = 46
    keys = [k for _, k in c["explain"].options]
    assert "place:cheongcheon" in keys
    c["explain"].value = "place:cheongcheon"
    assert "Cheongcheon River" in c["explanation"].value
    assert "approximate" in c["explanation"].value


def test_the_injection_check_catches_markup():
    assert injected('<img src=x onerror="alert(1)">') == ["img", "img onerror"]
    assert injected('<a href=" javascript:alert(1)">x</a>') == ["a href= javascript:alert(1)"]
    assert injected('<g aria-label="&lt;img src=x onerror=alert(1)&gt;"></g>') == []


def test_distances_help_judge_turns_45_and_46(widget):
    """The pane gives each place's distance from Andong; for a line, to its nearest point."""
    p = widget.parts
    found = {}
    for pid in ("parallel_38", "anju", "pyongyang", "cheongcheon"):
        p["place"].value = pid
        m = re.search(r"([\d,]+) km from Andong \(Dandong\) in a straight line", p["pane"].value)
        assert m, pid
        found[pid] = int(m.group(1).replace(",", ""))
    assert found["cheongcheon"] < found["anju"] < found["pyongyang"] < found["parallel_38"]
    p["place"].value = "parallel_38"
    assert "to its nearest point" in p["pane"].value


def test_the_keyboard_order_follows_the_story_and_marks_take_the_clicks(widget, places):
    """The map's buttons come in the document order the keyboard follows: the lines first (so
    the marks of places on a line lie on top of it and take the clicks: the Cheongcheon passes
    through Anju), then the places in the table's order, Andong (turn 45) first."""
    svg = widget.parts["chart"].svg
    ids = re.findall(r'data-select="([^"]+)"', svg)
    kinds = dict(zip(places["id"], places["kind"], strict=True))
    lines = [i for i in ids if kinds[i] in pl.LINE_KINDS and i != "repatriation_route"]
    assert ids[: len(lines)] == lines
    points = [i for i in ids if kinds[i] not in pl.LINE_KINDS and i not in ("beijing", "moscow")]
    table_order = [r["id"] for r in places.to_dict("records") if r["id"] in points]
    assert [i for i in ids if i in points and i != "niigata"] == table_order[: len(points) - 1]
    assert ids.index("anju") > ids.index("cheongcheon")
    assert ids.index("niigata") > ids.index("repatriation_route")
    assert [i for i in ids if i in points][:2] == ["andong", "sinuiju"]
