"""No-code mode: every explorer view served by Voila renders its widget, without error, and
responds when a person operates it."""

from __future__ import annotations

import nbformat
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.interact import ACTIONS

pytestmark = pytest.mark.browser

#: Explorer views with a widget; index.ipynb is the explorer's home page (text and links).
VIEWS = sorted(p.stem for p in (ROOT / "explorer").glob("*.ipynb") if p.stem != "index")


def _title(view: str) -> str:
    """The page title a view declares (notebook metadata ``title``, which Voila's template uses)."""
    return nbformat.read(ROOT / "explorer" / f"{view}.ipynb", as_version=4).metadata["title"]


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
    # The browser tab says what the view is ("Read the minutes — Pyongyang 1963"), not "reader".
    assert page.title() == _title(view)
    assert "Pyongyang 1963" in page.title()
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


def test_every_view_has_its_own_title():
    titles = {view: _title(view) for view in [*VIEWS, "index"]}
    assert len(set(titles.values())) == len(titles), titles
    assert all(t.endswith(" — Pyongyang 1963") for t in titles.values()), titles


def _home(page, base_url: str) -> None:
    page.goto(base_url, timeout=120_000)
    expect(page.locator("#rendered_cells h1")).to_be_visible(timeout=120_000)
    expect(page.locator("#loading")).to_have_count(0, timeout=120_000)


def test_home_page_links_to_every_view_and_back_to_the_lessons(voila, page):
    """The explorer's home page: a title, one line and a working link for every view."""
    _home(page, voila.url("voila/render/index.ipynb"))
    screenshot(page, "voila-index")
    assert page.title() == _title("index")
    assert page.evaluate(PROBLEMS) == []
    links = page.locator("#rendered_cells li a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(targets) == sorted(f"{v}.ipynb" for v in VIEWS), targets
    # each line says what the view is for, in a sentence after its link
    for i in range(links.count()):
        line = links.nth(i).locator("xpath=..").inner_text()
        assert len(line.split(":", 1)[1].split()) >= 6, line
    # a link opens its view, rendered by Voila, under the view's own title
    page.get_by_role("link", name="Read the minutes").click()
    expect(page.locator("#rendered_cells .p63-reader").first).to_be_visible(timeout=120_000)
    assert page.title() == _title("reader")
    # and every view leads back to the home page
    for view in VIEWS:
        first = nbformat.read(ROOT / "explorer" / f"{view}.ipynb", as_version=4).cells[0].source
        assert "[All the views](index.ipynb)" in first, view
    page.get_by_role("link", name="All the views").click()
    expect(page.locator("#rendered_cells h1")).to_be_visible(timeout=120_000)
    assert page.title() == _title("index")


def test_home_page_leads_back_to_the_lessons_in_jupyterlab(lab, page):
    """Served by the Jupyter server (Binder, JupyterHub, ``make lab``), the home page's link back
    to the lessons opens lesson 0 in JupyterLab."""
    _home(page, lab.url("voila/render/explorer/index.ipynb"))
    back = page.get_by_role("link", name="open lesson 0 in JupyterLab")
    href = back.evaluate("a => a.href")
    assert href.split("?")[0] == f"{lab.base}/lab/tree/lessons/00_start_here.ipynb"
    back.click()
    page.wait_for_url("**/lab/tree/lessons/00_start_here.ipynb**", timeout=120_000)
    expect(page.locator(".jp-NotebookPanel").first).to_be_visible(timeout=120_000)


def test_all_questions_page_is_grouped_by_lesson(voila, page):
    """One heading per lesson, each followed by that lesson's questions."""
    page.goto(voila.url("voila/render/questions.ipynb"), timeout=180_000)
    expect(page.locator("#loading")).to_have_count(0, timeout=180_000)
    expect(page.locator("#rendered_cells .jupyter-widgets").first).to_be_visible(timeout=120_000)
    assert page.title() == _title("questions")
    # Voila keeps the cells in order: a lesson heading, then a cell whose output is a widget.
    order = page.evaluate(
        """() => [...document.querySelectorAll('#rendered_cells .jp-Cell')].map(c => {
             const h = c.querySelector('h2');
             if (h) return 'h2:' + h.textContent.replace(/\u00b6/g, '').trim();
             return c.querySelector('.jupyter-widgets') ? 'widget' : '';
           }).filter(Boolean)"""
    )
    headings = [x for x in order if x.startswith("h2:")]
    assert [h.split(" — ")[0] for h in headings] == [f"h2:Lesson {n}" for n in range(1, 6)], order
    for h in headings:
        assert order[order.index(h) + 1] == "widget", order
    assert page.evaluate(PROBLEMS) == []
