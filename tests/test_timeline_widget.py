"""Headless tests of the timeline widget: set values, read what it shows."""

from __future__ import annotations

import inspect
import itertools
import re

import pytest

from course_lib.widgets import timeline as build_timeline
from course_lib.widgets.timeline_widget import (
    chart_svg,
    event_options,
    event_pane_html,
    glossary_html,
    table_html,
    timeline_view,
    turn_pane_html,
    view_status,
)
from tests.conftest import HOSTILE


@pytest.fixture
def widget():
    return build_timeline()


def _all_html(widget) -> str:
    p = widget.parts
    return p["chart"].svg + "".join(
        p[k].value for k in ("status", "table", "event_pane", "turn_pane", "term_pane")
    )


def test_builder_is_exported_and_returns_a_container(widget):
    import ipywidgets as w

    assert inspect.isfunction(build_timeline)
    assert isinstance(widget, w.VBox)
    for key in ("year_from", "year_to", "hindsight", "event", "turn", "term"):
        assert widget.parts[key].description
    for box in widget.parts["categories"].values():
        assert box.description


def test_year_controls_are_labelled_dropdowns_over_the_data_years(widget):
    """Two labelled controls replace the range slider, whose handles had no accessible name."""
    import ipywidgets as w

    p = widget.parts
    assert p["year_from"].description == "From year"
    assert p["year_to"].description == "To year"
    for key in ("year_from", "year_to"):
        assert isinstance(p[key], w.Dropdown)
        assert [v for _, v in p[key].options] == list(range(1950, 1970))
    assert (p["year_from"].value, p["year_to"].value) == (1950, 1969)
    assert not any(isinstance(c, w.IntRangeSlider) for c in widget.children)


def test_long_descriptions_are_not_cut_off(widget):
    """A checkbox's label is clipped to the default widget width unless the layout grows."""
    p = widget.parts
    long_ones = [p["hindsight"], *p["categories"].values(), p["turn"], p["term"], p["event"]]
    for control in long_ones:
        assert control.layout.width == "auto", control.description
        assert control.style.description_width == "initial", control.description


def test_initial_view_shows_everything_and_marks_the_meeting(widget):
    p = widget.parts
    n = int(re.search(r"(\d+) of (\d+)", p["status"].value).group(2))
    assert f"{n} of {n} events shown" in p["status"].value
    assert "Liu-Kim meeting, 15 Sep 1963" in p["chart"].svg
    assert 'role="group"' in p["chart"].svg  # its marks are buttons, so not role="img"
    assert 'aria-labelledby="p63-tl-title"' in p["chart"].svg
    assert p["table"].value.count("<tr>") == n + 1  # header row + one per event


def test_year_range_filters_chart_and_table(widget):
    p = widget.parts
    p["year_from"].value = 1964
    assert "Khrushchev ousted" in p["table"].value
    assert "Korean War begins" not in p["table"].value
    assert "Khrushchev ousted" in p["chart"].svg
    p["year_to"].value = 1963  # From after To: read as 1963-1964, and said so
    assert "Khrushchev ousted" in p["table"].value
    assert "On the Question of Stalin" in p["table"].value
    assert "Korean War begins" not in p["table"].value
    assert "“From year” (1964) is after “To year” (1963)" in p["status"].value
    assert "1963-1964 are shown" in p["status"].value
    p["year_from"].value = 1950
    assert "is after" not in p["status"].value
    assert "Korean War begins" in p["table"].value


def test_each_view_matches_the_library_and_survives_a_round_trip(widget):
    """Settings are rendered once and reused: going back shows exactly what was shown."""
    from course_lib import load_timeline
    from course_lib import timeline as tl

    events = tl.prepare_events(load_timeline())
    p = widget.parts
    first = (p["chart"].svg, p["table"].value, p["status"].value)
    p["year_to"].value = 1958
    p["hindsight"].value = True
    expected = tl.filter_events(events, (1950, 1958), hindsight=True)
    assert f"{len(expected)} of {len(events)} events shown" in p["status"].value
    assert p["table"].value == table_html(expected)
    assert p["chart"].svg == chart_svg(expected, years=(1950, 1958), bands_from=events)
    assert [v for _, v in p["event"].options][1:] == list(expected["id"])
    p["hindsight"].value = False
    p["year_to"].value = 1969
    assert (p["chart"].svg, p["table"].value, p["status"].value) == first


def test_category_checkbox_filters(widget):
    p = widget.parts
    for key, box in p["categories"].items():
        box.value = key == "nuclear"
    assert "test-ban" in p["table"].value.lower()
    assert "Secret Speech" not in p["table"].value
    for box in p["categories"].values():
        box.value = False
    assert "No events match" in p["table"].value
    assert "0 of" in p["status"].value


def test_hindsight_toggle(widget):
    p = widget.parts
    p["hindsight"].value = True
    assert "Khrushchev ousted" not in p["table"].value
    assert "On the Question of Stalin" in p["table"].value
    assert "uncertain" in p["table"].value  # Aidit's visit, dated only to the month
    assert "only what had begun by 15 September 1963" in p["status"].value
    p["hindsight"].value = False
    assert "Khrushchev ousted" in p["table"].value


def test_event_pane_shows_summary_source_and_passages(widget):
    p = widget.parts
    p["event"].value = "stalin_removed_from_mausoleum"
    pane = p["event_pane"].value
    assert "Minutes, turn 38" in pane
    assert "22nd Congress burned Stalin" in pane
    assert 'href="http://oldtmt.vedomosti.ru/' in pane  # the row's first source
    assert 'rel="noopener noreferrer"' in pane


def test_event_choice_survives_filtering_only_if_still_shown(widget):
    p = widget.parts
    p["event"].value = "korean_war_begins"
    p["year_from"].value = 1960
    assert p["event"].value is None
    assert "Choose an event" in p["event_pane"].value


def test_turn_selector_lists_its_events(widget):
    p = widget.parts
    p["turn"].value = 12
    assert "Aidit visits Pyongyang" in p["turn_pane"].value
    assert "[Dipa Nusantara]" in p["turn_pane"].value
    p["turn"].value = 4
    assert "no linked events" in p["turn_pane"].value


@pytest.mark.parametrize("text", HOSTILE)
def test_term_box_hostile_input_is_escaped(widget, text):
    p = widget.parts
    p["term"].value = text
    html = p["term_pane"].value
    assert "<script>" not in html
    assert "No glossary entry" in html or "Type a term" in html or "<h4>" in html
    assert "<script>" not in _all_html(widget)


def test_term_box_finds_an_entry(widget):
    p = widget.parts
    p["term"].value = "  ad HOMONYM "
    assert "ad hominem" in p["term_pane"].value
    assert "Turns: 16." in p["term_pane"].value


@pytest.mark.parametrize("bad", [None, "", "<script>", "(((", 999, "刘少奇"])
def test_pure_panes_handle_bad_ids(bad):
    from course_lib import load_table, load_timeline, load_turns
    from course_lib import timeline as tl

    events = tl.prepare_events(load_timeline())
    links, turns = load_table("event_links"), load_turns()
    assert "Choose an event" in event_pane_html(events, links, turns, bad)
    html = turn_pane_html(events, links, bad)
    assert "<script>" not in html


def test_data_with_markup_is_escaped():
    import pandas as pd

    from course_lib import timeline as tl

    raw = pd.DataFrame(
        {
            "id": ["x"],
            "date": ["1960"],
            "end_date": [pd.NA],
            "title": ["<img src=x onerror=alert(1)>"],
            "summary": ["<script>bad()</script>"],
            "category": ["korea"],
            "actors": ["<b>A</b>"],
            "source_title": ['"><script>'],
            "source_url": ['https://e.org/"onmouseover="x'],
        }
    )
    events = tl.prepare_events(raw)
    links = pd.DataFrame({"event_id": [], "turn": [], "quote": [], "note": []})
    turns = pd.DataFrame({"turn": [1], "speaker": ["Liu"], "text": ["t"]})
    for html in (
        chart_svg(events),
        table_html(events),
        event_pane_html(events, links, turns, "x"),
    ):
        assert "<script>" not in html
        assert "<img" not in html
        assert '"onmouseover' not in html


def test_glossary_html_and_status_text():
    import pandas as pd

    gl = pd.DataFrame(
        {
            "term": ["t"],
            "definition": ["<b>d</b>"],
            "aliases": ["t"],
            "source_title": ["s"],
            "source_url": ["https://e.org"],
            "turns": [[1, 2]],
        }
    )
    assert "&lt;b&gt;d&lt;/b&gt;" in glossary_html(gl, "t")
    assert "Turns: 1, 2." in glossary_html(gl, "t")
    assert (
        view_status(3, 49, True)
        == "3 of 49 events shown, only what had begun by 15 September 1963."
    )
    assert view_status(3, 49, False, "A note.") == "3 of 49 events shown. A note."


def test_pure_renderers_take_records_or_frames_alike():
    from course_lib import load_timeline
    from course_lib import timeline as tl

    events = tl.prepare_events(load_timeline())
    part = tl.filter_events(events, (1956, 1962), ["polemic", "korea"])
    records = part.to_dict("records")
    assert chart_svg(records) == chart_svg(part)
    assert table_html(records) == table_html(part)
    assert event_options(records) == event_options(part)
    assert table_html([]) == "<p>No events match these filters.</p>"


@pytest.mark.parametrize("bad", [None, "", "<script>", "(((", 3000, -5, True])
def test_timeline_view_with_bad_years_explains_and_escapes(bad):
    from course_lib import load_timeline
    from course_lib import timeline as tl

    records = tl.prepare_events(load_timeline()).to_dict("records")
    chart, table, status, options = timeline_view(records, bad, 1969, list(tl.CATEGORIES), False)
    assert "<script>" not in status + chart + table
    assert "“From year”" in status
    assert "events shown" in status
    assert 'role="status"' in status
    assert options


def _new_widgets(build):
    """The ipywidgets objects (each one a comm message) that ``build()`` creates."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    result = build()
    return result, [_instances[k] for k in set(_instances) - before]


def test_timeline_shares_layouts_and_styles():
    box, made = _new_widgets(build_timeline)
    kinds = [type(x).__name__ for x in made]
    # One Layout per look and one Style per kind of control (66 objects, 23 Layouts before; the
    # year presets, the selectable chart, the side-by-side panes and the collapsible table add
    # a few).
    assert kinds.count("Layout") <= 9
    assert sum(k.endswith("Style") for k in kinds) <= 6
    assert len(made) <= 52
    boxes = list(box.parts["categories"].values())
    assert len({id(b.layout) for b in boxes}) == 1
    assert len({id(b.style) for b in boxes}) == 1
    assert box.parts["event"].layout.max_width == "100%"
    assert box.parts["turn"].layout.max_width == "100%"
    assert box.parts["year_from"].layout.max_width is None
    # Two timelines never share an object, and sharing does not leak a control's state.
    other = build_timeline()
    assert other.parts["status"].layout is not box.parts["status"].layout
    boxes[0].value = False
    assert not boxes[0].value
    assert all(b.value for b in boxes[1:])


def test_axis_follows_the_chosen_years_and_one_year_shows_months(widget):
    p = widget.parts
    p["year_from"].value, p["year_to"].value = 1960, 1963
    svg = p["chart"].svg
    ticks = re.findall(r'class="p63-tick"[^>]*>(\d{4})<', svg)
    assert ticks[0] == "1960"
    assert ticks[-1] == "1963"
    p["presets"][3].click()  # 1963, month by month
    assert (p["year_from"].value, p["year_to"].value) == (1963, 1963)
    svg = p["chart"].svg
    assert ">Jan 1963<" in svg
    assert ">Sep<" in svg
    # Markers spread over the whole width instead of piling up at the right edge.
    xs = [float(x) for x in re.findall(r'<circle class="p63-ev-mark" cx="([\d.]+)"', svg)]
    assert xs
    assert min(xs) < 400 < max(xs)


def test_choosing_a_marker_opens_its_event_with_its_passages(widget):
    p = widget.parts
    assert 'data-select="cpsu_open_letter"' in p["chart"].svg
    p["chart"].selected = "soviet_air_cover_delayed"  # what a click or Enter on the mark sends
    assert p["event"].value == "soviet_air_cover_delayed"
    assert "In the minutes:" in p["event_pane"].value
    assert "Minutes, turn" in p["event_pane"].value
    # And the other way: choosing in the list marks it in the chart.
    p["event"].value = "cpsu_open_letter"
    assert p["chart"].selected == "cpsu_open_letter"


def test_unknown_marker_id_changes_nothing(widget):
    p = widget.parts
    p["chart"].selected = "<script>"
    assert p["event"].value is None
    assert "Choose an event" in p["event_pane"].value


def test_bands_and_the_meeting_line_stay(widget):
    svg = widget.parts["chart"].svg
    assert "The alliance" in svg
    assert "The polemic in the open" in svg
    assert 'class="p63-meeting"' in svg
    p = widget.parts
    p["year_from"].value, p["year_to"].value = 1950, 1955
    assert 'class="p63-meeting"' not in p["chart"].svg  # outside the chosen years


def test_chart_text_is_never_tiny():
    """The chart keeps a minimum width (scrolling sideways in a narrower cell) at which its
    smallest text renders at 11 px or more; tests/browser/test_narrow.py measures it."""
    from course_lib.templating import stylesheet

    css = stylesheet()
    min_px = float(re.search(r"\.p63-svg svg \{[^}]*min-width: (\d+)px", css).group(1))
    svg = chart_svg(load_events_for_test(), years=(1950, 1969))
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) * min_px / width >= 11
    # ... and at 800 px with JupyterLab's sidebar collapsed (a cell about 620 px wide) the
    # whole chart fits without scrolling
    assert min_px <= 620


def load_events_for_test():
    from course_lib import load_timeline
    from course_lib import timeline as tl

    return tl.prepare_events(load_timeline())


@pytest.mark.parametrize(
    "years",
    [
        (1950, 1969),
        (1950, 1959),
        (1960, 1964),
        (1963, 1963),
        (1962, 1963),
        (1963, 1969),
        (1950, 1963),
        (1958, 1958),
    ],
)
def test_chart_labels_stay_inside_the_chart_and_apart(years):
    """Every label's estimated extent lies inside the viewBox, and the labels of the top rows
    (meeting, shaded periods) and of the lanes do not share a row."""
    from course_lib.widgets.timeline_widget import _text_width, chart_layout

    events = load_events_for_test()
    c = chart_layout(events, years=years, bands_from=events)

    def extent(x, text, anchor):
        w = _text_width(text)
        start = x - (w / 2 if anchor == "middle" else 0 if anchor == "start" else w)
        return start, start + w

    labels = [(t["lx"], t["label"], t["anchor"]) for t in c["ticks"] if t["label"]]
    labels += [(b["lx"], b["short"], b["anchor"]) for b in c["bands"]]
    if c["meeting_x"] is not None:
        labels.append((c["meeting_lx"], c["meeting_label"], c["meeting_anchor"]))
    for x, text, anchor in labels:
        lo, hi = extent(x, text, anchor)
        assert lo >= 0, (years, text, lo)
        assert hi <= c["width"], (years, text, hi)
    # the rows: meeting label above the period labels, above the first lane's label
    font = c["font"]
    assert c["meeting_y"] + 0.3 * font < c["band_y"] - font
    assert c["band_y"] + 0.3 * font < c["lanes"][0]["label_y"] - font
    # two period labels on the same row never overlap
    spans = sorted(extent(b["lx"], b["short"], b["anchor"]) for b in c["bands"])
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, (years, spans)


def test_table_is_collapsible_and_panes_sit_above_it(widget):
    children = list(widget.children)
    side = next(i for i, c in enumerate(children) if "p63-side" in c._dom_classes)
    table = children.index(widget.parts["table_box"])
    assert side < table
    assert widget.parts["table_box"].selected_index is None


def test_tampered_links_never_reach_an_href():
    """javascript: URLs from a tampered table are shown as text, never as links (50 of 50
    events leaked before the http(s) rule)."""
    from course_lib import load_table, load_timeline, load_turns
    from course_lib import timeline as tl
    from course_lib.widgets.timeline_widget import event_pane_html, glossary_html

    events = tl.prepare_events(load_timeline())
    events["source_url"] = "javascript:alert(document.cookie)"
    links, turns = load_table("event_links"), load_turns()
    leaked = [e for e in events["id"] if "javascript:" in event_pane_html(events, links, turns, e)]
    assert leaked == []
    glossary = tl.term_turns(load_table("glossary"), turns)
    glossary["source_url"] = "javascript:alert(1)"
    assert "javascript:" not in glossary_html(glossary, "revisionism")
