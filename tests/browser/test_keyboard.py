"""Keyboard only, in JupyterLab: a focused control keeps its own keys.

JupyterLab's notebook binds ArrowUp/ArrowDown (command mode) to "select the cell above/below";
without the course's keyboard guard, ArrowDown on a focused dropdown moved to another cell
instead of changing the value.
"""

from __future__ import annotations

import nbformat
import pytest

from tests.browser.conftest import screenshot
from tests.browser.jlab import run_notebook

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
