"""The speaker-comparison widget, headless: set values, read what it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import ipywidgets as w
import pandas as pd
import pytest

from course_lib.text import ALIASES
from course_lib.widgets import speaker_comparison
from course_lib.widgets.speakers import (
    distinctive_html,
    flow_html,
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
    "style", "div", "p", "strong", "code", "section", "h4", "table", "caption", "thead",
    "tbody", "tr", "th", "td", "ul", "li", "mark", "span", "svg", "defs", "pattern", "rect",
    "text", "line", "title", "details", "summary",
}  # fmt: skip


@pytest.fixture(scope="module")
def widget() -> w.VBox:
    return speaker_comparison()


def test_builder_returns_a_widget_with_labelled_controls(widget):
    assert isinstance(widget, w.VBox)
    for name, control in widget.controls.items():
        if name == "tabs":
            assert [control.get_title(k) for k in range(4)] == [
                "Words and terms",
                "Distinctive words",
                "Themes",
                "Flow",
            ]
        else:
            assert control.description.strip(), name


def test_tab_labels_get_a_dark_colour_from_a_style_that_is_always_rendered(widget):
    # The summary sits outside the Tab, so its <style> is in the page whenever the tabs are;
    # the rule is scoped to this widget's outer class and reaches the inactive tab labels.
    assert widget.views["summary"] in widget.children
    assert "p63-speaker-comparison" in widget._dom_classes
    style = re.search(r"<style>(.*?)</style>", widget.views["summary"].value, re.S).group(1)
    rule = re.search(r"([^}]*lm-TabBar-tabLabel[^{]*)\{([^}]*)\}", style)
    assert rule, style
    assert all(s.strip().startswith(".p63-speaker-comparison ") for s in rule.group(1).split(","))
    assert "color:var(--jp-ui-font-color1,#1a1a1a)" in rule.group(2)


def test_initial_view_shows_the_summary_and_khrushchev(widget):
    summary = text_of(widget.views["summary"].value)
    assert "1,750" in summary
    assert "1,670" in summary
    terms = text_of(widget.views["terms"].value)
    assert "Khrushchev" in terms
    assert "inside a translators' insertion" in terms


def test_typing_a_term_updates_counts_and_kwic():
    box = speaker_comparison(term="")
    box.controls["term"].value = "Pravda"
    html = box.views["terms"].value
    assert html.count("<mark>Pravda</mark>") == 4
    assert "Turn 33" in text_of(html)


def test_preset_fills_the_term_box_with_its_aliases():
    box = speaker_comparison()
    box.controls["preset"].value = "Soviet party"
    assert box.controls["term"].value == " | ".join(ALIASES["Soviet party"])
    html = box.views["terms"].value
    assert "<mark>Soviet [Communist] Party</mark>" in html
    box.controls["preset"].value = ""  # back to "type your own": the term stays
    assert box.controls["term"].value == " | ".join(ALIASES["Soviet party"])


def test_insertion_toggle_changes_counts_everywhere():
    box = speaker_comparison(term="Khrushchev")
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
    box = speaker_comparison()
    box.controls["top_n"].value = 5
    html = box.views["distinctive"].value
    rows = html.count("<tr><td>")
    assert rows == 10  # five per speaker
    assert "together" in html
    box.controls["stop_words"].value = False
    box.controls["top_n"].value = 30
    assert re.search(r"<td>(the|we|they|you)</td>", box.views["distinctive"].value)


def test_themes_view_measure_switch_and_text_alternative():
    box = speaker_comparison()
    html = box.views["themes"].value
    assert 'role="img"' in html
    assert "aria-label=" in html
    assert "<table" in html
    assert "Memory of the Korean War" in html
    assert "share of turns" in html
    box.controls["measure"].value = "share_words"
    assert "share of words" in box.views["themes"].value


def test_flow_view_highlight_and_table():
    box = speaker_comparison()
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
    box = speaker_comparison(term="")
    box.controls["term"].value = value
    html = box.views["terms"].value
    assert tags(html) <= SAFE_TAGS
    assert "<script" not in html
    assert "<img" not in html
    assert len(html) < 20000


def test_hostile_term_at_build_time_is_cleaned():
    box = speaker_comparison(term="<script>" + "y" * 5000)
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
    box = speaker_comparison(turns, themes, codebook, term="Stalin")
    box.controls["highlight"].value = "<i>x</i>"
    for view in box.views.values():
        assert tags(view.value) <= SAFE_TAGS
        assert "<script>" not in view.value
        assert "<img" not in view.value


@pytest.mark.parametrize("value", [-5, 10**6])
def test_out_of_range_slider_values_are_clamped(value):
    box = speaker_comparison()
    box.controls["top_n"].value = value
    assert 5 <= box.controls["top_n"].value <= 30
    assert "<table" in box.views["distinctive"].value


def test_bad_dropdown_values_are_refused_without_breaking_the_view():
    box = speaker_comparison()
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
    # One Layout per look and one Style per kind of control (55 objects, 21 Layouts before).
    assert kinds.count("Layout") <= 3
    assert sum(k.endswith("Style") for k in kinds) <= 8
    assert len(made) <= 34
    c, v = box.controls, box.views
    assert len({id(x.layout) for x in v.values()}) == 1
    assert c["measure"].style is c["preset"].style
    assert c["term"].layout.width == "32em"
    assert c["top_n"].style.description_width == "initial"
    assert c["highlight"].style.description_width == "initial"
    assert c["preset"].style.description_width == ""
    # Sharing a Style does not share a value: switching a control leaves the others alone.
    c["measure"].value = "share_words"
    assert c["preset"].value == ""
    assert speaker_comparison().views["summary"].layout is not v["summary"].layout
