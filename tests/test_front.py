"""The anywidget front-end helpers: shipped JavaScript, traits, and the widgets that use them."""

from __future__ import annotations

import re

from course_lib.widgets._front import KeyGuard, SelectableSVG, front_js


def test_the_javascript_ships_and_marks_controls_for_jupyterlab():
    js = front_js()
    assert "export default" in js
    # JupyterLab's shortcut matcher (lumino) stops at elements with this attribute.
    assert "data-lm-suppress-shortcuts" in js
    # No network at run time: no imports from URLs.
    assert not re.search(r"import\s.*https?:", js)


def test_keyguard_is_hidden_and_selectable_svg_carries_the_choice():
    guard = KeyGuard()
    assert guard.layout.display == "none"
    chart = SelectableSVG('<svg><g data-select="a"></g></svg>')
    seen = []
    chart.observe(lambda change: seen.append(change["new"]), names="selected")
    chart.selected = "a"  # what the browser sets on click or Enter
    assert seen == ["a"]


def test_every_course_widget_root_has_the_guard_and_the_stylesheet():
    from course_lib.widgets import reader

    box = reader()
    assert "p63" in box._dom_classes
    assert any(isinstance(c, KeyGuard) for c in box.children)
    assert "<style>" in box.children[0].value


def test_every_builder_puts_the_keyboard_guard_in_its_root(tmp_path):
    """Each course widget root holds one KeyGuard, so every control keeps its own keys."""
    from course_lib.widgets import (
        capstone,
        document_card,
        question,
        question_set,
        reader,
        speaker_comparison,
        timeline,
    )

    built = [
        capstone(folder=tmp_path),
        document_card(),
        question("L01-01", folder=tmp_path),
        question_set(lesson=1, folder=tmp_path),
        reader(),
        speaker_comparison(),
        timeline(),
    ]
    for box in built:
        assert "p63" in box._dom_classes
        assert sum(isinstance(c, KeyGuard) for c in box.children) == 1, box._dom_classes
