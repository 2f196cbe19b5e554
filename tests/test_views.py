"""Display-ready views: what lessons show instead of raw pandas objects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from course_lib import load_table, load_turns
from course_lib.views import Table, cell_text, heading, table, turns_by_theme
from tests.conftest import HOSTILE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "yes"),
        (False, "no"),
        (np.bool_(True), "yes"),
        (np.int64(22), "22"),
        (47.0, "47"),
        (2.857143, "2.86"),
        (np.float64(0.5), "0.50"),
        (math.nan, ""),
        (math.inf, "infinite"),
        (None, ""),
        (pd.NA, ""),
        (("protocol_friendship",), "protocol_friendship"),
        (("a", "b"), "a, b"),
        ([1, 2, 3], "1, 2, 3"),
        ({"b", "a"}, "a, b"),
        ((), ""),
        ("Liu", "Liu"),
    ],
)
def test_cell_text(value, expected):
    assert cell_text(value) == expected


def test_heading():
    assert heading("words_spoken") == "Words spoken"
    assert heading("turn") == "Turn"
    assert heading("") == ""


def test_series_becomes_two_columns_without_name_or_dtype():
    series = pd.Series([1670, 1750], index=pd.Index(["Kim", "Liu"], name="speaker"), name="words")
    shown = table(series, {"speaker": "Speaker", "words": "Words"})
    text = str(shown)
    assert shown.header == ["Speaker", "Words"]
    assert shown.rows == [["Kim", "1670"], ["Liu", "1750"]]
    assert "dtype" not in text
    assert "Name:" not in text


def test_unnamed_series_gets_generic_headings():
    shown = table(pd.Series([3, 4]))
    assert shown.header == ["Item", "Value"]
    assert shown.rows == [["0", "3"], ["1", "4"]]


def test_range_index_is_dropped_named_index_is_kept():
    frame = pd.DataFrame({"turn": [22, 10], "words": [344, 246]}, index=[21, 9])
    assert table(frame).header == ["Turn", "Words"]
    assert table(frame).rows == [["22", "344"], ["10", "246"]]
    named = frame.set_index("turn")
    assert table(named).header == ["Turn", "Words"]


def test_columns_choose_order_and_headings():
    frame = pd.DataFrame({"a": [1], "b": [2], "c_d": [3]})
    assert table(frame, ["c_d", "a"]).header == ["C d", "A"]
    assert table(frame, {"b": "Bee"}).rows == [["2"]]


def test_unknown_column_is_a_clear_error():
    frame = pd.DataFrame({"turn": [1]})
    with pytest.raises(ValueError, match=r"no column 'speaker'.*'turn'"):
        table(frame, ["speaker"])
    with pytest.raises(ValueError, match="no column 'share'"):
        table(frame, formats={"share": "{:.0%}"})


def test_formats_pattern_and_function():
    frame = pd.DataFrame({"share": [0.511696, None], "new": [("war_memory",), ()]})
    labels = {"war_memory": "Memory of the Korean War"}
    shown = table(
        frame, formats={"share": "{:.0%}", "new": lambda t: [labels.get(x, x) for x in t]}
    )
    assert shown.rows == [["51%", "Memory of the Korean War"], ["", ""]]


def test_a_failing_format_names_the_column():
    with pytest.raises(ValueError, match="column 'x'"):
        table(pd.DataFrame({"x": ["text"]}), formats={"x": "{:.0%}"})


@pytest.mark.parametrize("bad", [None, [1, 2], {"a": 1}, "turns"])
def test_not_a_frame_is_a_type_error(bad):
    with pytest.raises(TypeError, match="DataFrame or Series"):
        table(bad)


def test_text_view_aligns_numbers_right_and_text_left():
    shown = table(pd.DataFrame({"speaker": ["Liu", "Kim"], "words": [1750, 98]}))
    assert str(shown).splitlines() == [
        "Speaker  Words",
        "-------  -----",
        "Liu       1750",
        "Kim         98",
    ]
    assert repr(shown) == str(shown)


def test_caption_and_empty_table():
    shown = table(pd.DataFrame({"turn": []}), caption="Nothing here")
    assert str(shown).splitlines() == ["Nothing here", "Turn", "----", "(no rows)"]
    assert "<caption>Nothing here</caption>" in shown._repr_html_()
    assert len(shown) == 0


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_view_escapes_every_cell_and_heading(hostile):
    shown = table(pd.DataFrame({hostile or "blank": [hostile]}), caption=hostile)
    html = shown._repr_html_()
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert html.startswith('<table class="p63-table">')


def test_table_checks_row_length():
    with pytest.raises(ValueError, match="row 2 has 1 cells but the table has 2 headings"):
        Table(["a", "b"], [["1", "2"], ["3"]])


def test_equality_and_to_frame():
    a = Table(["x"], [["1"]])
    assert a == Table(["x"], [["1"]])
    assert a != Table(["x"], [["2"]])
    assert a.to_frame().equals(pd.DataFrame({"x": ["1"]}))


def test_html_and_text_are_deterministic():
    turns = load_turns()
    first = table(turns.head(), ["turn", "speaker", "words"])
    second = table(turns.head(), ["turn", "speaker", "words"])
    assert first._repr_html_() == second._repr_html_()
    assert str(first) == str(second)


# --- turns_by_theme ----------------------------------------------------------------------------


def test_turns_by_theme_uses_codebook_labels_and_order():
    themes = load_table("themes")
    codebook = load_table("theme_codebook")
    shown = turns_by_theme(themes, codebook)
    assert shown.header == ["Theme", "Turns", "Which turns"]
    assert [r[0] for r in shown.rows] == [
        label
        for theme, label in zip(codebook["theme"], codebook["label"], strict=True)
        if theme in set(themes["theme"])
    ]
    war = next(r for r in shown.rows if r[0] == "Memory of the Korean War")
    expected = sorted(themes.loc[themes["theme"] == "war_memory", "turn"].astype(int))
    assert war[2] == ", ".join(map(str, expected))
    assert war[1] == str(len(expected))


def test_turns_by_theme_without_codebook_orders_by_first_turn():
    themes = pd.DataFrame({"turn": [5, 1, 3, 3], "theme": ["b", "a", "b", "b"]})
    assert turns_by_theme(themes).rows == [["a", "1", "1"], ["b", "2", "3, 5"]]


def test_turns_by_theme_only():
    themes = pd.DataFrame({"turn": [1, 2], "theme": ["a", "b"]})
    assert turns_by_theme(themes, only=["b"]).rows == [["b", "1", "2"]]
    with pytest.raises(ValueError, match="no turn is coded with the theme 'zzz'"):
        turns_by_theme(themes, only=["zzz"])


def test_turns_by_theme_needs_its_columns():
    with pytest.raises(ValueError, match="themes needs the columns turn, theme"):
        turns_by_theme(pd.DataFrame({"turn": [1]}))
    with pytest.raises(ValueError, match="codebook needs the columns theme, label"):
        turns_by_theme(pd.DataFrame({"turn": [1], "theme": ["a"]}), pd.DataFrame({"x": [1]}))
