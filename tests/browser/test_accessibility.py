"""Accessibility: axe-core on every rendered lesson (JupyterLab) and explorer view (Voila).

A *serious* or *critical* violation fails the test when any of its nodes lies inside one of our
widgets (``.jupyter-widgets``, ``.widget-*`` or ``.p63-*`` elements). Violations that belong to
JupyterLab's or Voila's own page are not ours to fix: they are written, with every other
finding, to ``artifacts/axe-<name>.json`` and summarised in ``artifacts/axe-summary.txt``.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from playwright.sync_api import expect

from tests.browser.axe_audit import audit
from tests.browser.conftest import ROOT
from tests.browser.jlab import describe, run_lesson_once, run_notebook

pytestmark = pytest.mark.browser

LESSONS = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
#: Explorer views with a widget (index.ipynb, the home page, is text and links: test_voila.py).
VIEWS = sorted(p.stem for p in (ROOT / "explorer").glob("*.ipynb") if p.stem != "index")


def _voila_render(page, voila, view: str) -> None:
    page.goto(voila.url(f"voila/render/{view}.ipynb"), timeout=120_000)
    expect(page.locator("#rendered_cells .jupyter-widgets").first).to_be_visible(timeout=120_000)
    expect(page.locator("#loading")).to_have_count(0, timeout=120_000)


def test_audit_finds_a_planted_violation(lab, page):
    """The filter is live: an unlabelled input inside a widget is reported as ours."""
    folder = lab.root / "harness"

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\n"
            'w.HTML(\'<div class="p63-test"><input type="text"><img src="x.png"></div>\')'
        )
    ]
    nbformat.write(nb, folder / "axe_planted.ipynb")
    run_notebook(page, lab, "harness/axe_planted.ipynb")
    ours = audit(page, "planted", ".jp-NotebookPanel:not(.lm-mod-hidden)")
    assert {"label", "image-alt"} & {v["id"] for v in ours}, ours


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_has_no_serious_violation_in_our_widgets(lab, page, lesson):
    # The lesson is run and audited once per session, here or in test_lessons_browser.py.
    run = run_lesson_once(page, lab, lesson, audit)
    assert not run.report.problems, describe(run.report)
    assert not run.axe_ours, json.dumps(run.axe_ours, indent=1)


@pytest.mark.parametrize("view", VIEWS)
def test_voila_view_has_no_serious_violation_in_our_widgets(voila, page, view):
    _voila_render(page, voila, view)
    ours = audit(page, f"voila-{view}", "#rendered_cells")
    assert not ours, json.dumps(ours, indent=1)
