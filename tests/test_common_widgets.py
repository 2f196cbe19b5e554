"""Shared widget helpers and the document card: escaping, input cleaning, accessible tables."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
import pytest

import course_lib
from course_lib.widgets import document_card
from course_lib.widgets._common import clean_input, esc, html_table, status
from course_lib.widgets.document import document_card_html
from tests.conftest import HOSTILE


@pytest.mark.parametrize("value", HOSTILE)
def test_esc_never_lets_markup_through(value):
    out = esc(value)
    assert "<" not in out
    assert ">" not in out
    assert '"' not in out


def test_esc_missing_values():
    assert esc(None) == ""
    assert esc(pd.NA) == ""
    assert esc(float("nan")) == ""
    assert esc(3) == "3"


@pytest.mark.parametrize("value", [*HOSTILE, None, 42])
def test_clean_input_is_bounded_text(value):
    out = clean_input(value)
    assert isinstance(out, str)
    assert len(out) <= 200
    assert out == out.strip()


def test_html_table_escapes_cells_and_has_headers():
    html = html_table(["a<b"], [["<script>"]], caption="Cap & co")
    assert "<script>" not in html
    assert '<th scope="col">a&lt;b</th>' in html
    assert "<caption>Cap &amp; co</caption>" in html


def test_status_is_a_live_region():
    widget = status("3 matches <b>")
    assert 'aria-live="polite"' in widget.value
    assert "&lt;b&gt;" in widget.value


def test_document_card_shows_both_dates_and_escapes():
    box = document_card()
    assert "p63" in box._dom_classes
    card = box.card
    assert isinstance(card, w.HTML)
    assert "September 15, 1963" in card.value
    assert "5 September 1963, 5:00 p.m.-7:00 p.m." in card.value
    assert "PRC FMA 203-00566-05, pp. 91-100" in card.value
    doc = dict(course_lib.load_document(), title="<script>x</script>")
    assert "<script>" not in document_card_html(doc)


def test_document_card_survives_an_empty_document():
    assert '<table class="p63-table">' in document_card_html({})


def test_document_card_never_links_a_javascript_url():
    doc = dict(course_lib.load_document(), url="javascript:alert(1)")
    out = document_card_html(doc)
    assert "href" not in out
    assert "javascript:alert(1)" in out  # shown as text, so the learner sees what is wrong


@pytest.mark.parametrize("name", ["reader", "timeline", "capstone"])
def test_builders_build_after_their_module_was_imported(name):
    """Importing a builder's module first must not change what the package gives."""
    import importlib

    importlib.import_module(f"course_lib.widgets.{name}_widget")
    from course_lib import widgets

    built = getattr(widgets, name)()
    assert isinstance(built, w.Box)


def test_kit_shares_one_layout_per_look_and_one_style_per_kind():
    from ipywidgets.widgets.widget_bool import CheckboxStyle
    from ipywidgets.widgets.widget_description import DescriptionStyle

    from course_lib.widgets._common import Kit

    kit = Kit()
    assert kit.layout(width="auto", max_width="3em") is kit.layout(max_width="3em", width="auto")
    assert kit.layout(width="auto") is not kit.layout(width="auto", max_width="3em")
    assert kit.layout() is not kit.layout(width="auto")
    assert kit.style(CheckboxStyle) is kit.style(CheckboxStyle)
    assert kit.style(CheckboxStyle) is not kit.style(CheckboxStyle, description_width="initial")
    a = kit.make(w.Checkbox, description="a", layout={"width": "auto"})
    b = kit.make(w.Checkbox, description="b", layout={"width": "auto"})
    d = kit.make(w.Dropdown, description="d", options=["x"], layout={"width": "auto"})
    t = kit.make(w.Checkbox, description="t", style={"description_width": "initial"})
    assert a.layout is b.layout is d.layout
    assert a.style is b.style
    assert isinstance(a.style, CheckboxStyle)
    assert isinstance(d.style, DescriptionStyle)
    assert t.style is not a.style
    assert t.style.description_width == "initial"
    assert t.layout is kit.layout()
    assert t.layout is not a.layout
    own = w.Layout(display="none")
    assert kit.make(w.HTML, layout=own).layout is own
    assert kit.html("<b>x</b>").value == "<b>x</b>"
    box = kit.make(w.VBox, children=[a, b])
    assert box.layout is kit.layout()
    assert box.children == (a, b)
    with pytest.raises(TypeError):
        kit.make(w.VBox, style={"description_width": "initial"})
    # A second kit (another widget tree) shares nothing with the first.
    assert Kit().layout() is not kit.layout()


@pytest.mark.parametrize(
    "name",
    [
        "capstone",
        "document_card",
        "question",
        "question_set",
        "reader",
        "speaker_comparison",
        "timeline",
    ],
)
def test_every_builder_is_a_plain_function_whatever_was_imported_first(name):
    import importlib
    import inspect

    import course_lib.widgets as widgets

    # Importing every widget module first must not shadow a builder with its module.
    for module in ("capstone_widget", "reader_widget", "timeline_widget", "questions", "speakers"):
        importlib.import_module(f"course_lib.widgets.{module}")
    assert inspect.isfunction(getattr(widgets, name))
    assert name in dir(widgets)
