"""Keyboard only, in JupyterLab: a focused control keeps its own keys.

JupyterLab's notebook binds ArrowUp/ArrowDown (command mode) to "select the cell above/below";
without the course's keyboard guard, ArrowDown on a focused dropdown moved to another cell
instead of changing the value.

:func:`test_each_kind_of_control_by_keyboard_alone` operates one control of each kind, in Light
and Dark, with keys only: a dropdown (ArrowDown), a button (Enter, Space), a text box (type,
Enter), toggle buttons (``aria-pressed`` follows the choice), a single toggle button, a radio
group (one Tab stop; arrow keys move the choice and the kernel hears it), a checkbox (Space) and
the timeline chart (Tab reaches it, ArrowRight moves, Enter opens the event). Every key leaves
JupyterLab's active cell alone, and every focus ring is >= 2 px and >= 3:1.
"""

from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect

from tests.browser import probes
from tests.browser.conftest import screenshot
from tests.browser.jlab import DARK, LIGHT, run_notebook, set_theme

pytestmark = pytest.mark.browser

ACTIVE_CELL = "() => window.jupyterapp.shell.currentWidget.content.activeCellIndex"


def _notebook(folder, name, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, folder / name)
    return f"{folder.name}/{name}"


def test_arrow_down_on_a_focused_dropdown_changes_its_value_not_the_cell(lab, page):
    path = _notebook(
        lab.root / "harness",
        "keys_reader.ipynb",
        "from course_lib.widgets import reader\n\nr = reader()\nr",
        "r.controls['match'].value",
        "1 + 1",
    )
    run_notebook(page, lab, path)
    select = page.locator(".p63-reader select").first
    select.focus()
    before = page.evaluate(ACTIVE_CELL)
    assert select.evaluate("e => e.value") is not None
    first = select.evaluate("e => e.selectedIndex")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    screenshot(page, "keyboard-dropdown")
    assert select.evaluate("e => e.selectedIndex") == first + 1
    assert page.evaluate(ACTIVE_CELL) == before
    assert select.evaluate("e => e.hasAttribute('data-lm-suppress-shortcuts')")


def test_without_the_guard_jupyterlab_takes_the_arrow_key(lab, page):
    """The check above can fail: strip the guard's attribute and the notebook takes the key."""
    path = _notebook(
        lab.root / "harness",
        "keys_unguarded.ipynb",
        "from course_lib.widgets import reader\n\nr = reader()\nr",
        "1 + 1",
        "2 + 2",
    )
    run_notebook(page, lab, path)
    select = page.locator(".p63-reader select").first
    select.evaluate("e => e.removeAttribute('data-lm-suppress-shortcuts')")
    select.focus()
    first = select.evaluate("e => e.selectedIndex")
    before = page.evaluate(ACTIVE_CELL)
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    moved = page.evaluate(ACTIVE_CELL) != before
    unchanged = select.evaluate("e => e.selectedIndex") == first
    assert moved or unchanged


def _active_in(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def _focused_text(page, selector: str) -> str | None:
    """The focused element's text if it matches ``selector``."""
    return page.evaluate(
        "(s) => { const e = document.activeElement; return e && e.matches(s) ? e.textContent.trim() : null; }",
        selector,
    )


def _ring_ok(page) -> dict:
    ring = probes.focus_ring(page)
    assert ring is not None, "nothing has the focus"
    assert ring["width"] >= 2, ring
    assert ring["ratio"] >= 3, ring
    return ring


@pytest.fixture(scope="module")
def controls(module_page, lab):
    """A notebook with the reader, the timeline and, in a course widget root, one control of
    each kind the course widgets have but these two lack (a radio group, a single toggle)."""
    path = _notebook(
        lab.root / "harness",
        "keys_every_kind.ipynb",
        "from course_lib.widgets import reader, timeline\n\nr = reader()\nr",
        "t = timeline()\nt",
        "import ipywidgets as w\n"
        "from course_lib.widgets._common import Kit\n\n"
        "before = w.Button(description='Before')\n"
        "radio = w.RadioButtons(options=['first', 'second', 'third'], description='Pick one')\n"
        "after = w.Button(description='After')\n"
        "toggle = w.ToggleButton(description='Bold')\n"
        "echo = w.HTML('nothing yet')\n"
        "radio.observe(lambda ch: setattr(echo, 'value', 'chose ' + ch['new']), names='value')\n"
        "toggle.observe(lambda ch: setattr(echo, 'value', 'bold ' + str(ch['new'])), names='value')\n"
        "Kit().root([before, radio, after, toggle, echo], 'harness')",
    )
    run_notebook(module_page, lab, path)
    set_theme(module_page, LIGHT)
    return module_page


def _press(page, key: str) -> None:
    """Press a key on the focused control; JupyterLab must not take it (the active cell stays)."""
    cell = page.evaluate(ACTIVE_CELL)
    page.keyboard.press(key)
    page.wait_for_timeout(50)
    assert page.evaluate(ACTIVE_CELL) == cell, f"JupyterLab took {key}: the active cell moved"


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_each_kind_of_control_by_keyboard_alone(controls, theme):
    page = controls
    set_theme(page, theme)
    tag = "dark" if theme == DARK else "light"
    reader = page.locator(".p63-reader").first
    harness = page.locator(".p63-harness").first
    timeline = page.locator(".p63-timeline").first

    # Dropdown: ArrowDown changes the value ("Whole words" -> "Word starts").
    match = reader.get_by_label("Match", exact=True)
    match.focus()
    _ring_ok(page)
    start = match.evaluate("e => e.selectedIndex")
    _press(page, "ArrowDown" if start == 0 else "ArrowUp")
    expect(match).not_to_have_js_property("selectedIndex", start)

    # Button: Enter, then Space, each go one turn on.
    turn = reader.get_by_label("Turn", exact=True)
    following = reader.get_by_role("button", name="Next turn")
    before = int(turn.input_value())
    following.focus()
    _ring_ok(page)
    _press(page, "Enter")
    expect(turn).to_have_value(str(before + 1), timeout=30_000)
    _press(page, "Space")
    expect(turn).to_have_value(str(before + 2), timeout=30_000)

    # Text box: type, then Enter searches (the status line counts the matches).
    search = reader.get_by_label("Search", exact=True)
    search.focus()
    _ring_ok(page)
    _press(page, "Control+A")
    page.keyboard.type("Stalin")
    _press(page, "Enter")
    expect(reader.locator("p[role=status]").first).to_contain_text("Stalin", timeout=30_000)

    # Toggle buttons: each says whether it is pressed; Space on "Hidden" hides the insertions.
    marked = reader.get_by_role("button", name="Marked", exact=True)
    hidden = reader.get_by_role("button", name="Hidden", exact=True)
    expect(marked).to_have_attribute("aria-pressed", "true")
    expect(hidden).to_have_attribute("aria-pressed", "false")
    hidden.focus()
    _ring_ok(page)
    _press(page, "Space")
    expect(hidden).to_have_attribute("aria-pressed", "true", timeout=30_000)
    expect(marked).to_have_attribute("aria-pressed", "false")
    _press(page, "Shift+Tab")  # back to "Marked", and Enter shows them again
    assert _focused_text(page, "button") == "Marked"
    _press(page, "Enter")
    expect(marked).to_have_attribute("aria-pressed", "true", timeout=30_000)

    # A single toggle button too.
    bold = harness.get_by_role("button", name="Bold")
    was = bold.get_attribute("aria-pressed")
    assert was in ("true", "false")
    now = "false" if was == "true" else "true"
    bold.focus()
    _ring_ok(page)
    _press(page, "Space")
    expect(bold).to_have_attribute("aria-pressed", now, timeout=30_000)
    expect(harness).to_contain_text(f"bold {now.title()}", timeout=30_000)

    # Radio group: ONE Tab stop (Before -> the checked radio -> After), arrows move the choice.
    harness.get_by_role("button", name="Before").focus()
    _press(page, "Tab")
    assert _active_in(page, "input[type=radio]"), "Tab from 'Before' should reach the radio group"
    _ring_ok(page)
    checked = page.evaluate("document.activeElement.checked")
    assert checked, "the Tab stop of a radio group is its checked radio"
    _press(page, "Tab")
    assert _focused_text(page, "button") == "After", "a radio group is one Tab stop"
    _press(page, "Shift+Tab")
    assert _active_in(page, "input[type=radio]:checked")
    first = page.evaluate("document.activeElement.parentElement.textContent")
    _press(page, "ArrowDown")
    assert _active_in(page, "input[type=radio]:checked")
    chosen = page.evaluate("document.activeElement.parentElement.textContent")
    assert chosen != first
    expect(harness).to_contain_text(f"chose {chosen}", timeout=30_000)  # the kernel has it

    # Checkbox: Space ticks "Only what was known ..." and the timeline's status line changes.
    status = timeline.locator("p[role=status]", has_text="events shown")
    shown = status.inner_text()
    hindsight = timeline.get_by_label("Only what was known on 15 September 1963")
    hindsight.focus()
    _ring_ok(page)
    _press(page, "Space")
    expect(hindsight).to_be_checked(checked=not hindsight.evaluate("e => !e.checked"))
    expect(status).not_to_have_text(shown, timeout=30_000)

    # Chart: Tab from the checkbox reaches the chart (one stop), ArrowRight moves to the next
    # marker, Enter opens that event in the event pane.
    _press(page, "Tab")
    assert _active_in(page, ".p63-svg [data-select]"), (
        "Tab from the checkbox should reach the chart"
    )
    _ring_ok(page)
    _press(page, "ArrowRight")
    mark = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert mark, "ArrowRight moved to another marker"
    _ring_ok(page)
    _press(page, "Enter")
    title = mark.rsplit(" (", 1)[0]  # "<when>: <title>"
    event = timeline.get_by_label("Event", exact=True)
    expect(event.locator("option:checked")).to_have_text(title, timeout=30_000)
    pane_title = title.split(": ", 1)[1]
    expect(timeline).to_contain_text(pane_title)
    expect(timeline.locator('[data-select][aria-pressed="true"]')).to_have_count(1)
    screenshot(page, f"keyboard-every-kind-{tag}")

    # Put things back for the other theme's run.
    hindsight.focus()
    _press(page, "Space")
    expect(status).to_have_text(shown, timeout=30_000)
