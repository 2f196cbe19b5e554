"""No-code mode: every explorer view served by Voila renders its widget, without error, and
responds when a person operates it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.interact import ACTIONS

pytestmark = pytest.mark.browser

VIEWS = sorted(p.stem for p in (ROOT / "explorer").glob("*.ipynb"))

PROBLEMS = """() => {
  const found = [];
  const root = document.getElementById('rendered_cells') || document.body;
  root.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    .forEach(e => found.push('stderr: ' + e.innerText.slice(0, 300)));
  root.querySelectorAll('.jp-OutputArea-output').forEach(e => {
    if (/Traceback|Error displaying widget|Failed to load model class/.test(e.innerText))
      found.push('output: ' + e.innerText.slice(0, 300));
  });
  root.querySelectorAll('.jupyter-widgets-error-widget')
    .forEach(e => found.push('widget failed to render'));
  return found;
}"""


def test_every_widget_has_an_explorer_view():
    assert set(VIEWS) >= set(ACTIONS), sorted(set(ACTIONS) - set(VIEWS))


def _render(page, voila, view: str):
    page.goto(voila.url(f"voila/render/{view}.ipynb"), timeout=120_000)
    cells = page.locator("#rendered_cells")
    expect(cells.locator(".jupyter-widgets").first).to_be_visible(timeout=120_000)
    expect(page.locator("#loading")).to_have_count(0, timeout=120_000)
    return cells


@pytest.mark.parametrize("view", VIEWS)
def test_view_renders_in_voila(voila, page, view):
    cells = _render(page, voila, view)
    screenshot(page, f"voila-{view}")
    assert page.evaluate(PROBLEMS) == []
    # Voila shows outputs only: the code that builds the widget stays hidden.
    assert "course_lib.widgets import" not in cells.inner_text()
    assert not [e for e in page.console_errors if "Error displaying widget" in e]


# Every action runs in JupyterLab (test_lessons_browser.py); here one proves that Voila's kernel
# answers a person too, for the view the README's Voila link opens.
@pytest.mark.parametrize(
    ("view", "action"), [("speakers", ACTIONS["speakers"][0])], ids=["speakers"]
)
def test_operate_widget_in_voila(voila, page, view, action):
    name, operate = action
    cells = _render(page, voila, view)
    before, after = operate(cells)
    screenshot(page, f"voila-{view}-{name.replace(' ', '-')}")
    assert before != after
    assert page.evaluate(PROBLEMS) == []


def test_voila_route_of_the_jupyter_server(lab, page):
    """The route a Binder link opens (``urlpath=voila/render/...``): Voila as an extension of the
    same Jupyter server that serves JupyterLab."""
    page.goto(lab.url("voila/render/explorer/speakers.ipynb"), timeout=120_000)
    cells = page.locator("#rendered_cells")
    expect(cells.locator(".p63-speaker-comparison").first).to_be_visible(timeout=120_000)
    expect(page.locator("#loading")).to_have_count(0, timeout=120_000)
    screenshot(page, "voila-extension-speakers")
    assert page.evaluate(PROBLEMS) == []
