"""The reader: pure functions and the headless widget, hostile search input included."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import course_lib
from course_lib import reader as rd
from course_lib.widgets.reader_widget import reader
from tests.conftest import HOSTILE

# Raw tags a learner could inject (escaped text such as "&lt;img ... onerror=" is harmless).
INJECTED = re.compile(r"<script|<b>|<img|<[^>]*\sonerror=", re.IGNORECASE)


@pytest.fixture(scope="module")
def turns() -> pd.DataFrame:
    return course_lib.load_turns()


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    return course_lib.load_people()


@pytest.fixture(scope="module")
def glossary() -> pd.DataFrame:
    return course_lib.load_glossary()


@pytest.fixture
def widget(turns, people, glossary):
    return reader(turns, people, glossary)


def _visible_text(fragment: str) -> str:
    """Strip tags and unescape, to compare what a reader sees with the source."""
    import html

    no_notes = re.sub(r'<span class="p63-pb"[^>]*>[^<]*</span>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", no_notes))


def _assert_well_formed(fragment: str) -> None:
    """Every tag opened in the fragment is closed, innermost first."""
    from html.parser import HTMLParser

    stack: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            stack.append(tag)

        def handle_endtag(self, tag):
            assert stack, (tag, fragment)
            assert stack.pop() == tag, (tag, fragment)

    Checker().feed(fragment)
    assert stack == [], fragment


# --- pure functions -------------------------------------------------------------------------


def test_citation_and_clamp():
    assert rd.citation(22) == "Minutes, turn 22"
    assert [rd.clamp_turn(v) for v in (0, 1, 54, 55, "7", "seven", None, 3.0)] == [
        1,
        1,
        54,
        54,
        7,
        1,
        1,
        3,
    ]


@pytest.mark.parametrize("raw", HOSTILE)
def test_prepare_query_never_fails(raw):
    q = rd.prepare_query(raw)
    assert len(q.text) <= rd.MAX_QUERY_CHARS
    assert all(isinstance(t, str) and t for t in q.terms)


def test_prepare_query_empty_and_long():
    assert rd.prepare_query("").terms == ()
    assert rd.prepare_query("   ").terms == ()
    assert rd.prepare_query(None).terms == ()
    long = rd.prepare_query("y" * 5000)
    assert long.note.startswith("Your search was 5000 characters long")
    assert len(long.text) == rd.MAX_QUERY_CHARS


def test_aliases_expand_from_any_spelling():
    assert "Daedong" in rd.prepare_query("taedong").terms
    assert "Premier Kim" in rd.prepare_query("김일성").terms
    assert "Chairman Liu" in rd.prepare_query("刘少奇").terms


def test_render_text_marks_insertions_and_keeps_brackets():
    out = rd.render_text("As we arrived in [North] Korea", [(17, 24)])
    assert '<span class="p63-ins"' in out
    assert "[North]</span>" in out
    from course_lib.templating import stylesheet

    # A cue besides colour: the stylesheet sets insertions in italics.
    assert re.search(r"\.p63-ins \{[^}]*font-style: italic", stylesheet())
    assert _visible_text(out) == "As we arrived in [North] Korea"


def test_render_text_nests_overlapping_spans():
    text = "the [Korean] War"
    out = rd.render_text(text, [(4, 12)], [(5, 11)])
    assert out.count("<mark") == 1
    assert out.count("</mark>") == 1
    assert _visible_text(out) == text
    _assert_well_formed(out)


def test_render_text_escapes_everything():
    out = rd.render_text("<script>x</script> & [<b>]", [(21, 26)], [(0, 8)])
    assert "<script>" not in out
    assert "<b>" not in out
    assert "&lt;script&gt;" in out
    assert "&amp;" in out


def test_every_turn_renders_verbatim(turns):
    for _, row in turns.iterrows():
        out = rd.turn_html(row, "marked")
        _assert_well_formed(out)
        body = re.search(r'<p class="p63-turn-text">(.*?)</p>', out, re.S).group(1)
        seen = " ".join(_visible_text(body).split())
        assert seen == " ".join(row["text"].split()), row["turn"]
        assert f"Cite as: <cite>Minutes, turn {row['turn']}</cite>" in out


def test_hidden_mode_shows_what_was_said(turns):
    row = turns[turns["turn"] == 9].iloc[0]
    marked = rd.turn_html(row, "marked")
    hidden = rd.turn_html(row, "hidden")
    assert "[North]" in _visible_text(marked)
    assert "[" not in _visible_text(hidden)
    assert "p63-ins" not in hidden
    assert "As we arrived in Korea today" in _visible_text(hidden)


def test_page_breaks_are_shown_where_the_source_has_them(turns):
    for n in (10, 24, 35):
        row = turns[turns["turn"] == n].iloc[0]
        assert "page break in the source" in rd.turn_html(row, "marked")
    row = turns[turns["turn"] == 11].iloc[0]
    assert "page break" not in rd.turn_html(row, "marked")


def test_search_counts(turns):
    res = rd.search_turns(turns, rd.prepare_query("Stalin").terms)
    assert list(res["turn"]) == [11, 35, 36, 37, 38, 42, 43]
    assert int(res["matches"].sum()) == 15
    # the insertion "[North] Korea" is found only while insertions are kept
    north = rd.prepare_query("North").terms
    assert len(rd.search_turns(turns, north, "marked")) > 0
    assert len(rd.search_turns(turns, north, "hidden")) == 0
    assert rd.search_turns(turns, ()).empty


def test_search_is_literal_and_case_insensitive(turns):
    assert len(rd.search_turns(turns, rd.prepare_query("KHRUSHCHEV").terms)) == 12
    bracket = rd.search_turns(turns, rd.prepare_query("[").terms, "marked")
    assert int(bracket["matches"].sum()) == int(turns["text"].str.count(r"\[").sum())
    assert rd.search_turns(turns, rd.prepare_query("(((").terms).empty
    assert rd.search_turns(turns, rd.prepare_query(".*").terms).empty


def test_status_message_counts_and_notes(turns):
    q = rd.prepare_query("debt")
    msg = rd.status_message(q, rd.search_turns(turns, q.terms))
    assert msg.startswith('"debt": ')
    assert "match" in msg
    q = rd.prepare_query("z" * 300)
    msg = rd.status_message(q, rd.search_turns(turns, q.terms))
    assert "only the first 200 were used" in msg
    assert "No match" in msg
    assert rd.status_message(rd.prepare_query(""), rd.search_turns(turns, ())).startswith(
        "No search"
    )


def test_explain_options_name_people_and_terms(turns, people, glossary):
    row = turns[turns["turn"] == 48].iloc[0]
    keys = [k for _, k in rd.explain_options(row, people, glossary)]
    assert "person:kim_il_sung" in keys  # the speaker
    assert "person:anastas_mikoyan" in keys
    assert "term:old Rubles" in keys
    assert rd.explain_options(row, None, None) == []


def test_explain_html_has_role_and_source(people, glossary):
    out = rd.explain_html("person:anastas_mikoyan", people, glossary)
    assert "Mikoyan" in out
    assert "<a href=" in out
    assert "In September 1963" in out
    out = rd.explain_html("term:revisionism", people, glossary)
    assert "Source:" in out
    assert 'rel="noopener noreferrer"' in out
    assert "Choose a person" in rd.explain_html("", people, glossary)
    assert "No explanation" in rd.explain_html("person:<script>", people, glossary)


def test_explain_html_escapes_hostile_data():
    people = pd.DataFrame(
        [
            {
                "id": "x",
                "name": "<script>alert(1)</script>",
                "role_source_title": "t",
                "role_source_url": "javascript:alert(1)",
            }
        ]
    )
    out = rd.explain_html("person:x", people, None)
    assert "<script>" not in out
    assert "javascript:" not in out


# --- the widget ----------------------------------------------------------------------------


def test_widget_starts_on_turn_one(widget):
    c = widget.controls
    assert c["turn"].value == 1
    assert "Cite as:" in c["citation"].value
    assert "Minutes, turn 1" in c["citation"].value
    assert "Turn 1" in c["text"].value
    assert c["previous"].disabled
    assert not c["next"].disabled
    for control in c.values():
        if hasattr(control, "description") and not isinstance(control, type(c["text"])):
            assert control.description or control.tooltip


def test_widget_prev_next_and_jump(widget):
    c = widget.controls
    c["next"].click()
    c["next"].click()
    assert c["turn"].value == 3
    assert "Minutes, turn 3" in c["citation"].value
    c["previous"].click()
    assert c["turn"].value == 2
    c["turn"].value = 54
    assert c["next"].disabled
    assert "Turn 54" in c["text"].value
    c["next"].click()
    assert c["turn"].value == 54


def test_widget_hide_and_show_insertions(widget):
    c = widget.controls
    c["turn"].value = 9
    assert "[North]" in c["text"].value
    c["mode"].value = "hidden"
    assert "[North]" not in c["text"].value
    assert "arrived in Korea today" in c["text"].value
    c["mode"].value = "marked"
    assert "[North]" in c["text"].value


def test_widget_search_and_go_to_match(widget):
    c = widget.controls
    c["search"].value = "Mikoyan"
    assert "1 match in 1 turn (48)" in c["status"].value
    assert 'aria-live="polite"' in c["status"].value
    assert [v for _, v in c["matches"].options][1:] == [48]
    c["matches"].value = 48
    assert c["turn"].value == 48
    assert "<mark" in c["text"].value


def test_widget_whole_view_filters_by_search(widget):
    c = widget.controls
    assert c["citation"].layout.display == "none"  # the turn shows its own citation
    c["view"].value = "whole"
    assert c["citation"].layout.display is None
    assert c["text"].value.count("<article") == 54
    assert c["text"].value.count("Cite as: <cite>Minutes, turn ") == 54
    c["search"].value = "Stalin"
    assert c["text"].value.count("<article") == 7
    c["search"].value = ""
    assert c["text"].value.count("<article") == 54
    assert c["previous"].disabled
    assert c["next"].disabled


@pytest.mark.parametrize("raw", HOSTILE)
def test_widget_hostile_search(widget, raw):
    c = widget.controls
    for view in ("turn", "whole"):
        c["view"].value = view
        c["search"].value = raw
        for part in ("text", "status", "citation", "explanation"):
            assert not INJECTED.search(c[part].value), (raw, part)
        assert 'role="status"' in c["status"].value
    if len(raw) > rd.MAX_QUERY_CHARS:
        assert "only the first 200 were used" in c["status"].value


def test_widget_explain_pane(widget):
    c = widget.controls
    c["turn"].value = 38
    keys = [k for _, k in c["explain"].options]
    assert "person:choe_yong_geon" in keys
    c["explain"].value = "person:choe_yong_geon"
    assert "Choe Yong-geon" in c["explanation"].value
    c["turn"].value = 37
    assert "Choose a person" in c["explanation"].value


def test_widget_works_without_editorial_tables(turns):
    box = reader(turns, people=pd.DataFrame(), glossary=pd.DataFrame())
    assert [k for _, k in box.controls["explain"].options] == [""]


def test_builder_reachable_from_the_package(turns):
    from course_lib.widgets import reader as builder

    assert callable(builder)
    assert builder(turns, start=5).controls["turn"].value == 5


def test_cached_rendering_matches_fresh_rendering(turns, people, glossary):
    data = rd.ReaderData.from_frames(turns, people, glossary)
    for args in [
        (22, "turn", "marked", "Stalin"),
        (5, "whole", "hidden", "Korea"),
        (1, "whole", "marked", ""),
    ]:
        fresh = rd.render_view(turns, *args, people=people, glossary=glossary)
        rd.render_view(data, *args)
        cached = rd.render_view(data, *args)
        assert cached == fresh
    assert data.cache


@pytest.mark.parametrize(("start", "expected"), [(0, 1), (999, 54), ("7", 7), ("x", 1), (None, 1)])
def test_builder_clamps_the_start_turn(turns, start, expected):
    assert reader(turns, start=start, query=None).controls["turn"].value == expected


def _new_widgets(build):
    """The ipywidgets objects (each one a comm message) that ``build()`` creates."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    result = build()
    return result, [_instances[k] for k in set(_instances) - before]


def test_widget_shares_layouts_and_styles(turns, people, glossary):
    box, made = _new_widgets(lambda: reader(turns, people, glossary))
    kinds = [type(x).__name__ for x in made]
    # One Layout per look and one Style per kind of control (47 objects, 17 Layouts before; the
    # "Did you mean" list and the citation have their own, as refresh() hides them; the hidden
    # keyboard guard has one).
    assert kinds.count("Layout") <= 8
    assert sum(k.endswith("Style") for k in kinds) <= 8
    # 32 before the search got its match mode, match stepping and suggestions (5 controls, their
    # row), the stylesheet, the keyboard guard and the Turn box's own label style.
    assert len(made) <= 40
    c = box.controls
    assert c["previous"].layout is c["next"].layout
    assert c["previous"].style is c["next"].style
    assert c["turn"].layout.width == "9em"
    assert c["search"].layout.width == "26em"
    assert c["search"].layout.max_width == "100%"  # never wider than the cell at 800 px
    # The citation is shown and hidden through its layout, so that layout is its own.
    assert all(c["citation"].layout is not x.layout for k, x in c.items() if k != "citation")
    c["view"].value = "whole"
    assert c["citation"].layout.display is None
    assert c["text"].layout.display is None
    c["view"].value = "turn"
    assert c["citation"].layout.display == "none"
    assert c["text"].layout.display is None


def test_step_match_wraps_both_ways():
    assert rd.step_match([3, 11, 22], 11, +1) == 22
    assert rd.step_match([3, 11, 22], 22, +1) == 3
    assert rd.step_match([3, 11, 22], 3, -1) == 22
    assert rd.step_match([3, 11, 22], 12, -1) == 11
    assert rd.step_match([], 5, +1) is None


def test_widget_search_jumps_to_the_first_match_and_steps(turns, people, glossary):
    box = reader(turns, people, glossary)
    c = box.controls
    c["search"].value = "Mikoyan"
    found = [t for _, t in c["matches"].options if t]
    assert found
    assert c["turn"].value == found[0]
    c["search"].value = "Stalin"
    found = [t for _, t in c["matches"].options if t]
    first = c["turn"].value
    assert first == found[0]
    c["next_match"].click()
    assert c["turn"].value == found[1]
    c["previous_match"].click()
    c["previous_match"].click()
    assert c["turn"].value == found[-1]


def test_widget_finds_every_spelling_and_word_starts(turns, people, glossary):
    c = reader(turns, people, glossary).controls
    c["search"].value = "Choe Yong-gon"
    assert 38 in [t for _, t in c["matches"].options if t]
    c["search"].value = "korea"
    whole = len(c["matches"].options)
    c["view"].value = "whole"
    assert '<mark class="p63-hit">Korean</mark>' not in c["text"].value
    c["match"].value = "start"
    assert len(c["matches"].options) > whole
    assert '<mark class="p63-hit">Korean</mark>' in c["text"].value


def test_widget_offers_did_you_mean_and_searches_it(turns, people, glossary):
    c = reader(turns, people, glossary).controls
    c["search"].value = "Khruschev"
    assert "Did you mean" in c["status"].value
    assert c["suggestions"].layout.display is None
    assert ("Khrushchev", "Khrushchev") in c["suggestions"].options
    c["suggestions"].value = "Khrushchev"
    assert c["search"].value == "Khrushchev"
    assert c["suggestions"].layout.display == "none"
    assert "<mark" in c["text"].value


def test_explain_shows_a_second_source_and_never_a_javascript_link(people, glossary):
    tampered = glossary.copy()
    tampered["source_url"] = "javascript:alert(1)"
    tampered["source_2_title"] = "Second source"
    tampered["source_2_url"] = "https://example.org/b"
    term = tampered["term"].iloc[0]
    out = rd.explain_html(f"term:{term}", people, tampered)
    assert "javascript:" not in out
    assert 'href="https://example.org/b"' in out
    assert "Second source" in out


def test_turn_view_lists_what_other_records_say(turns, people, glossary):
    from course_lib.documents import load_document_links

    linked = int(load_document_links()["turn"].iloc[0])
    c = reader(turns, people, glossary, start=linked).controls
    assert 'class="p63-docs' in c["text"].value
    c["view"].value = "whole"
    assert 'class="p63-docs' not in c["text"].value  # the whole view stays the minutes alone
