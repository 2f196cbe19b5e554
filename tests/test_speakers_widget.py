"""The speaker-comparison widget, headless: set values, read what it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import ipywidgets as w
import pandas as pd
import pytest

from course_lib.templating import style_tag
from course_lib.text import ALIASES
from course_lib.widgets import speaker_comparison
from course_lib.widgets._common import OKABE_ITO
from course_lib.widgets.speakers import (
    CONVERSATION_VIEWS,
    distinctive_html,
    flow_html,
    passage_segments,
    summary_html,
    terms_html,
    themes_html,
)
from tests.conftest import HOSTILE


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def tags(html: str) -> set[str]:
    parser = _Tags()
    parser.feed(html)
    return set(parser.tags)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S))


SAFE_TAGS = {
    "div", "p", "strong", "em", "code", "section", "h4", "h5", "table", "caption", "thead",
    "tbody", "tr", "th", "td", "ul", "li", "mark", "span", "svg", "defs", "pattern", "rect",
    "text", "line", "circle", "title", "details", "summary", "blockquote", "a",
}  # fmt: skip


def every_tab_opened(box: w.VBox) -> w.VBox:
    """Open each tab once, as a learner clicking through them would (tabs render when opened)."""
    for index in range(5):
        box.controls["tabs"].selected_index = index
    box.controls["tabs"].selected_index = 0
    return box


@pytest.fixture(scope="module")
def widget() -> w.VBox:
    return every_tab_opened(speaker_comparison())


def test_tabs_are_rendered_when_first_opened():
    box = speaker_comparison()
    assert "Working out this view" in box.views["themes"].value
    assert "<table" in box.views["terms"].value  # the first tab is ready at once
    box.controls["tabs"].selected_index = 2
    assert "<table" in box.views["themes"].value
    assert "Working out this view" in box.views["flow"].value


TAB_TITLES = ["Words and terms", "Distinctive words", "Themes", "Flow", "Conversation"]


def opened(**kwargs) -> w.VBox:
    """A widget with every tab opened, ending on the Conversation tab (each is computed when
    first opened)."""
    box = every_tab_opened(speaker_comparison(**kwargs))
    box.controls["tabs"].selected_index = 4
    return box


@pytest.fixture(scope="module")
def conv() -> w.VBox:
    return opened()


def all_views(box: w.VBox) -> dict[str, str]:
    """Every view's HTML, the Conversation tab in each of its views."""
    out = {name: view.value for name, view in box.views.items()}
    for key in CONVERSATION_VIEWS:
        box.controls["conv_view"].value = key
        out[f"conversation:{key}"] = box.views["conversation"].value
        out[f"passage:{key}"] = box.views["passage"].value
    box.controls["conv_view"].value = "shares"
    return out


def test_builder_returns_a_widget_with_labelled_controls(widget):
    assert isinstance(widget, w.VBox)
    for name, control in widget.controls.items():
        if name == "tabs":
            assert [control.get_title(k) for k in range(5)] == TAB_TITLES
        else:
            assert control.description.strip(), name


def test_one_stylesheet_for_the_whole_widget_and_no_inline_styles(conv):
    # The root carries the course class; the course stylesheet is rendered once, at the top.
    assert {"p63", "p63-speaker-comparison"} <= set(conv._dom_classes)
    assert conv.children[0].value == style_tag()
    for name, html in all_views(conv).items():
        assert "<style" not in html, name
        assert not re.search(r"\sstyle=", html), name


def test_colours_in_the_views_are_only_okabe_ito_marks(conv):
    palette = {c.lower() for c in OKABE_ITO.values()}
    for name, html in all_views(conv).items():
        colours = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{3,8}\b", html)}
        assert colours <= palette, (name, colours - palette)
        # Marks take a fill; text and lines take their colour from the theme (course.css).
        assert not re.search(r"<text[^>]*\sfill=", html), name
        assert not re.search(r'<line[^>]*stroke="#000', html), name


def test_svg_text_is_at_least_11_px_and_charts_fit_800_px(conv):
    for name, html in all_views(conv).items():
        for size in re.findall(r'font-size="([0-9.]+)"', html):
            assert float(size) >= 11, name
        for width in re.findall(r'<svg role="img"[^>]*\swidth="([0-9.]+)"', html):
            assert float(width) <= 640, name
        # Each chart sits in a box that scrolls sideways instead of shrinking its text.
        assert html.count('<svg role="img"') == html.count('<div class="p63-sc-chart"><svg'), name


def test_every_chart_has_a_text_alternative(conv):
    for name, html in all_views(conv).items():
        for chart in re.finditer(r'<svg role="img" aria-label="([^"]+)"', html):
            assert len(chart.group(1)) > 40, name
            assert "<table" in html[chart.end() :], name  # the same numbers, as a table after it


def test_initial_view_shows_the_summary_and_khrushchev(widget):
    summary = text_of(widget.views["summary"].value)
    assert "1,750" in summary
    assert "1,670" in summary
    terms = text_of(widget.views["terms"].value)
    assert "Khrushchev" in terms
    assert "inside a translators' insertion" in terms


def test_typing_a_term_updates_counts_and_kwic():
    box = every_tab_opened(speaker_comparison(term=""))
    box.controls["term"].value = "Pravda"
    html = box.views["terms"].value
    assert html.count("<mark>Pravda</mark>") == 4
    assert "Turn 33" in text_of(html)


def test_preset_fills_the_term_box_with_its_aliases():
    box = every_tab_opened(speaker_comparison())
    box.controls["preset"].value = "Soviet party"
    assert box.controls["term"].value == " | ".join(ALIASES["Soviet party"])
    html = box.views["terms"].value
    assert "<mark>Soviet [Communist] Party</mark>" in html
    box.controls["preset"].value = ""  # back to "type your own": the term stays
    assert box.controls["term"].value == " | ".join(ALIASES["Soviet party"])


def test_insertion_toggle_changes_counts_everywhere():
    box = every_tab_opened(speaker_comparison(term="Khrushchev"))
    before = box.views["terms"].value
    assert "inside a translators" in before
    box.controls["text"].value = False
    after = box.views["terms"].value
    assert "inside a translators" not in after
    assert "1,642" in text_of(after)  # Liu's spoken words are now the denominator
    assert "1,642" in text_of(box.views["summary"].value)
    flow = text_of(box.views["flow"].value)
    assert flow != ""


def test_distinctive_words_slider_and_stop_list():
    box = every_tab_opened(speaker_comparison())
    box.controls["top_n"].value = 5
    html = box.views["distinctive"].value
    rows = html.count("<tr><td>")
    assert rows == 10  # five per speaker
    assert "together" in html
    box.controls["stop_words"].value = False
    box.controls["top_n"].value = 30
    assert re.search(r"<td>(the|we|they|you)</td>", box.views["distinctive"].value)


def test_themes_view_measure_switch_and_text_alternative():
    box = every_tab_opened(speaker_comparison())
    html = box.views["themes"].value
    assert 'role="img"' in html
    assert "aria-label=" in html
    assert "<table" in html
    assert "Memory of the Korean War" in html
    assert "share of turns" in html
    box.controls["measure"].value = "share_words"
    assert "share of words" in box.views["themes"].value


def test_flow_view_highlight_and_table():
    box = every_tab_opened(speaker_comparison())
    box.controls["highlight"].value = "stalin"
    html = box.views["flow"].value
    assert "Highlighted: Stalin." in html
    assert 'fill-opacity="0.25"' in html
    assert "<details>" in html
    assert "Table: every turn" in html
    assert html.count("<tr><td>") == 54
    assert "Liu: 6 of 10; Kim: 4 of 10" in html


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_terms_are_escaped_and_never_raise(value):
    box = every_tab_opened(speaker_comparison(term=""))
    box.controls["term"].value = value
    html = box.views["terms"].value
    assert tags(html) <= SAFE_TAGS
    assert "<script" not in html
    assert "<img" not in html
    assert len(html) < 20000


def test_hostile_term_at_build_time_is_cleaned():
    box = every_tab_opened(speaker_comparison(term="<script>" + "y" * 5000))
    assert len(box.controls["term"].value) <= 200
    assert "<script>" not in box.views["terms"].value


def test_hostile_values_in_the_data_are_escaped():
    turns = pd.DataFrame(
        {
            "turn": [1, 2],
            "speaker": ["<b>Liu</b>", "Kim"],
            "text": ["<script>alert(1)</script> Stalin", "[<img src=x>] Stalin 刘少奇"],
        }
    )
    themes = pd.DataFrame({"turn": [1, 2], "theme": ["<i>x</i>", "stalin"]})
    codebook = pd.DataFrame({"theme": ["<i>x</i>", "stalin"], "label": ["<u>X</u>", "Stalin"]})
    box = every_tab_opened(speaker_comparison(turns, themes, codebook, term="Stalin"))
    box.controls["highlight"].value = "<i>x</i>"
    for view in box.views.values():
        assert tags(view.value) <= SAFE_TAGS
        assert "<script>" not in view.value
        assert "<img" not in view.value


@pytest.mark.parametrize("value", [-5, 10**6])
def test_out_of_range_slider_values_are_clamped(value):
    box = every_tab_opened(speaker_comparison())
    box.controls["top_n"].value = value
    assert 5 <= box.controls["top_n"].value <= 30
    assert "<table" in box.views["distinctive"].value


def test_bad_dropdown_values_are_refused_without_breaking_the_view():
    box = every_tab_opened(speaker_comparison())
    for name, bad in (("measure", "<script>"), ("highlight", "nope"), ("preset", "nope")):
        with pytest.raises(Exception, match="Invalid selection"):
            box.controls[name].value = bad
    assert "<table" in box.views["themes"].value


# --- pure renderers ------------------------------------------------------------------------------


def test_renderers_handle_empty_tables():
    assert "No turns" in summary_html(pd.DataFrame())
    assert "No words" in distinctive_html(pd.DataFrame(), ["Liu", "Kim"])
    assert "No themes" in themes_html(pd.DataFrame(), pd.DataFrame(), ["Liu"])
    assert "No turns" in flow_html(pd.DataFrame(), ["Liu"])
    empty_kwic = pd.DataFrame(columns=["speaker"])
    assert "Type a word" in terms_html(pd.DataFrame(), empty_kwic, ())


def test_themes_html_falls_back_to_turn_shares_for_an_unknown_measure(widget):
    from course_lib import load_table, load_turns
    from course_lib.speakers import theme_firsts, theme_shares

    turns, themes, book = load_turns(), load_table("themes"), load_table("theme_codebook")
    html = themes_html(theme_shares(turns, themes, book), theme_firsts(turns, themes, book),
                       ["Liu", "Kim"], measure="<script>")  # fmt: skip
    assert "share of turns" in html
    assert "<script>" not in html


def _new_widgets(build):
    """The ipywidgets objects (each one a comm message) that ``build()`` creates."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    result = build()
    return result, [_instances[k] for k in set(_instances) - before]


def test_widget_shares_layouts_and_styles():
    box, made = _new_widgets(speaker_comparison)
    kinds = [type(x).__name__ for x in made]
    # One Layout per look and one Style per kind of control (the strip chart, hidden outside the
    # term view, has its own, and so has the hidden keyboard guard).
    assert kinds.count("Layout") <= 7
    assert sum(k.endswith("Style") for k in kinds) <= 10
    assert len(made) <= 53  # 50, plus the strip chart, the keyboard guard and the collocate list
    c, v = box.controls, box.views
    assert len({id(x.layout) for k, x in v.items() if k != "strip"}) == 1
    assert c["measure"].style is c["preset"].style
    assert c["term"].layout.width == "32em"
    assert c["top_n"].style.description_width == "initial"
    assert c["highlight"].style.description_width == "initial"
    assert c["preset"].style.description_width == ""
    # Sharing a Style does not share a value: switching a control leaves the others alone.
    c["measure"].value = "share_words"
    assert c["preset"].value == ""
    assert speaker_comparison().views["summary"].layout is not v["summary"].layout


# --- the Conversation tab ------------------------------------------------------------------------


def test_conversation_tab_is_computed_when_first_opened():
    box = speaker_comparison()
    assert box.views["conversation"].value == ""
    assert "Open the Conversation tab" in text_of(box.views["passage"].value)
    box.controls["tabs"].selected_index = 4
    html = text_of(box.views["conversation"].value)
    assert "Who talks more" in html
    assert "Could easily be chance in a text this short" in html
    assert "seed 1963" in html
    assert "Turn 1 of 54, Liu" in text_of(box.views["passage"].value)


def test_word_shares_and_distinctive_words_against_chance(conv):
    conv.controls["conv_view"].value = "shares"
    html = text_of(conv.views["conversation"].value)
    assert "51.2%" in html
    assert "1,750 ÷ 3,420 = 51.2%" in html  # the arithmetic
    assert "Shuffles: some word as high" in html
    assert "together" in html
    assert "Stands out" not in html


def test_term_view_rates_strip_collocates_and_framing():
    box = opened()
    c = box.controls
    c["conv_view"].value = "term"
    html = box.views["conversation"].value
    plain = text_of(html)
    assert "The term: revisionism | revisionist | revisionists" in plain
    assert "Too few to tell." in plain  # six uses in three turns
    assert "Only 6 hits, from 3 turns" in plain
    assert "Liu uses it first, in turn 15. Kim first uses it in turn 20, 5 turns later." in plain
    # The strip is a chart of its own whose strokes open their passage.
    strip = box.views["strip"]
    assert "Dispersion strip" in strip.svg
    assert strip.svg.count("<title>Turn ") == 6
    assert strip.layout.display is None
    assert 'data-select="20"' in strip.svg
    strip.selected = "20"  # what a click or Enter on a stroke sends
    assert c["turn"].value == 20
    assert "Turn 20" in box.views["passage"].value
    assert "Gries" in plain
    assert "up to 5 words either side" in plain
    c["window"].value = 2
    assert "up to 2 words either side" in text_of(box.views["conversation"].value)
    c["conv_term"].value = "Pravda"
    plain = text_of(box.views["conversation"].value)
    assert "Liu uses it first, in turn 33. The other speaker never uses it." in plain
    c["conv_view"].value = "shares"
    assert box.views["strip"].layout.display == "none"  # only the term view has a strip


def test_controls_a_view_does_not_use_are_disabled(conv):
    c = conv.controls
    expect = {
        "shares": (True, True, True),
        "term": (False, False, True),
        "stance": (True, True, False),
        "uptake": (False, True, True),
        "agenda": (True, True, True),
    }
    for view, flags in expect.items():
        c["conv_view"].value = view
        assert (c["conv_term"].disabled, c["window"].disabled, c["marker"].disabled) == flags, view
    c["conv_view"].value = "shares"


def test_stance_view_says_whose_words_and_lists_every_marker():
    box = opened()
    c = box.controls
    c["conv_view"].value = "stance"
    plain = text_of(box.views["conversation"].value)
    assert "These are the English translators' words." in plain
    assert "Hedges (softening a claim)" in plain
    c["marker"].value = "agreement"
    html = box.views["conversation"].value
    assert html.count("<mark>") == 9  # every agreement marker in the minutes, in context
    assert "<mark>We agree</mark>" in html
    assert "Very good" in html
    assert 'href="https://arxiv.org/abs/1306.6078"' in html  # the source of each entry
    # The passage of a marked turn highlights its markers.
    c["turn"].value = 18
    passage = box.views["passage"].value
    assert "<mark>We agree</mark>" in passage
    assert "Turn 18 of 54, Kim: marked turn 4 of 9" in text_of(passage)


def test_uptake_and_agenda_views():
    box = opened()
    c = box.controls
    c["conv_view"].value = "uptake"
    plain = text_of(box.views["conversation"].value)
    assert "Liu, turn 15" in plain
    assert "Kim, turn 48 (1 turn later)" in plain
    assert plain.count("revisionism") == 1  # a preset typed by name is not listed twice
    assert "Kim, turn 20 (5 turns later)" in plain
    c["conv_view"].value = "agenda"
    plain = text_of(box.views["conversation"].value)
    assert "3 turns share no theme with the turn before: Liu 2; Kim 1." in plain
    assert "Did Comrade Premier read it yet?" in plain
    assert "Runs of consecutive turns" in plain


def test_turn_list_and_buttons_step_through_the_marked_turns():
    box = opened()
    c, passage = box.controls, box.views["passage"]
    c["conv_view"].value = "term"  # revisionism: turns 15, 20 and 22
    assert c["turn"].value == 1
    visited = []
    for _ in range(4):
        c["next"].click()
        visited.append(c["turn"].value)
    assert visited == [15, 20, 22, 15]  # and round again
    c["previous"].click()
    assert c["turn"].value == 22
    assert "<mark>revisionism</mark>" in passage.value
    assert "Turn 22 of 54, Kim: marked turn 3 of 3" in text_of(passage.value)
    c["turn"].value = 10
    assert "not one of the marked turns" in text_of(passage.value)
    assert '<span class="p63-ins">[Chinese People&#39;s]</span>' in passage.value


def test_counting_switch_reaches_the_conversation_tab():
    box = opened()
    box.controls["conv_view"].value = "stance"
    assert "counting only what was said" not in text_of(box.views["conversation"].value)
    box.controls["text"].value = False
    assert "counting only what was said" in text_of(box.views["conversation"].value)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_conversation_terms_are_escaped_and_never_raise(value):
    box = opened()
    for view in ("term", "uptake"):
        box.controls["conv_view"].value = view
        box.controls["conv_term"].value = value
        box.controls["next"].click()
        for html in (box.views["conversation"].value, box.views["passage"].value):
            assert tags(html) <= SAFE_TAGS
            assert "<script" not in html
            assert "<img" not in html


def test_hostile_values_in_the_data_reach_the_conversation_tab_escaped():
    turns = pd.DataFrame(
        {
            "turn": [1, 2, 3],
            "speaker": ["<b>Liu</b>", "Kim", "<b>Liu</b>"],
            "text": [
                "<script>x</script> revisionism? We agree.",
                "[<img src=x>] revisionism",
                "Yes",
            ],
        }
    )
    themes = pd.DataFrame({"turn": [1, 2, 3], "theme": ["<i>x</i>", "stalin", "stalin"]})
    codebook = pd.DataFrame({"theme": ["<i>x</i>", "stalin"], "label": ["<u>X</u>", "Stalin"]})
    box = opened(turns=turns, themes=themes, codebook=codebook)
    for name, html in all_views(box).items():
        assert tags(html) <= SAFE_TAGS, name
        assert "<script>" not in html
        assert "<img" not in html
        assert "<b>" not in html


def test_passage_segments():
    text = "We [the Party] say revisionism."
    pieces = passage_segments(text, [(19, 30), (4, 7)])
    assert "".join(p["text"] for p in pieces) == text
    assert [p["kind"] for p in pieces] == ["text", "ins", "mark_ins", "ins", "text", "mark", "text"]
    assert passage_segments("", [(0, 3)]) == []


def test_a_collocate_opens_the_turn_where_it_stands_with_the_term():
    box = opened()
    c = box.controls
    c["conv_view"].value = "term"
    c["conv_term"].value = "revisionism"
    words = [v for _, v in c["collocate"].options if v]
    assert words
    assert not c["collocate"].disabled
    c["turn"].value = 1
    c["collocate"].value = words[0]
    assert c["turn"].value != 1
    assert f"Turn {c['turn'].value}" in box.views["passage"].value
    c["conv_view"].value = "shares"
    assert c["collocate"].disabled  # only the term view has collocates
