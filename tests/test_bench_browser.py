"""The in-browser benchmark's wiring (no browser here): every widget has controls to time, the
report says what was missed, and a partial run keeps the other sections, dated."""

from __future__ import annotations

import json

import pytest

from benchmarks import __main__ as bench
from benchmarks import bench_browser as bb


def test_every_course_widget_has_controls_to_time():
    widgets = {c.name.split(":")[0] for c in bb.CONTROLS}
    assert widgets == {"reader", "timeline", "speakers", "questions", "capstone"}
    for c in bb.CONTROLS:
        assert c.kind in {"text", "select", "click"}, c
        if c.kind in {"text", "select"}:
            assert len(c.values) >= 2, c  # a value that changes every action
    # the list: reader search/turn/match, timeline years/category/preset/marker,
    # question choice/check, capstone text
    names = " ".join(c.name for c in bb.CONTROLS)
    for word in ("search", "turn", "match", "years", "category", "preset", "marker",
                 "choose", "check", "essay"):  # fmt: skip
        assert word in names, word


def _result(**control):
    base = {"name": "reader: search", "n": 24, "no_change": 0, "p50_ms": 50.0, "p95_ms": 90.0}
    return {
        "echo": {"p50_ms": 40.0, "p95_ms": 60.0, "n": 100},
        "controls": [{**base, **control}],
        "actions": 24,
        "chromium": "1.0",
    }


@pytest.mark.parametrize(
    ("control", "mark"),
    [
        ({}, "met"),
        ({"p95_ms": 130.0}, "**missed**"),  # 2.2x the echo
        ({"p95_ms": 160.0}, "**missed**"),
        ({"missing": True}, "**not found on the page**"),
        ({"n": 0, "no_change": 24}, "**nothing outside the control changed"),
        ({"no_change": 1}, "**missed**"),  # one action showed nothing
    ],
)
def test_the_table_marks_what_is_missed(control, mark):
    row = bb.markdown(bb.judge(_result(**control))).splitlines()[-1]
    assert mark in row, row


def test_a_partial_run_keeps_the_other_sections_dated(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "LATEST", tmp_path / "results.json")
    first = bench._with_latest({"import": {"ratio": 0.8}}, write=True)
    assert first["_earlier"] == {}
    second = bench._with_latest({"browser": _result()}, write=True)
    assert second["import"] == {"ratio": 0.8}
    assert set(second["_earlier"]) == {"import"}
    stored = json.loads((tmp_path / "results.json").read_text())
    assert set(stored) == {"import", "browser"}
    assert "an earlier run" in bench._earlier(second, "import")
    assert bench._earlier(second, "browser") == ""
