"""Every lesson, opened in JupyterLab in a real Chromium, runs all its cells without a visible error.

The harness proves itself first: a notebook that raises must be reported, and the kernel must be
the project's own Python.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from tests.browser.axe_audit import audit
from tests.browser.conftest import ROOT, screenshot
from tests.browser.interact import ACTIONS
from tests.browser.jlab import (
    collect_problems,
    describe,
    run_lesson_once,
    run_notebook,
)

pytestmark = pytest.mark.browser

LESSONS = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def _write_notebook(folder: Path, name: str, *sources: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, folder / name)
    return f"{folder.name}/{name}"


def test_lessons_exist():
    assert "00_start_here.ipynb" in LESSONS


def test_harness_reports_an_error_and_uses_the_venv_kernel(lab, page):
    """A cell that raises is caught; the kernel `python3` resolves to this environment's Python."""
    path = _write_notebook(
        lab.root / "harness",
        "broken.ipynb",
        "import sys\nprint(sys.executable)",
        "raise ValueError('deliberate failure for the harness self-test')",
    )
    report = run_notebook(page, lab, path)
    assert any("deliberate failure" in p for p in report.problems), describe(report)
    printed = "".join(
        "".join(o.get("text", "")) for o in report.cells[0]["outputs"] if o.get("name") == "stdout"
    ).strip()
    assert Path(printed).parent == Path(sys.executable).parent, printed


def test_harness_sees_a_broken_widget(lab, page):
    """A widget model class that the front end cannot load shows "Error displaying widget"."""
    path = _write_notebook(
        lab.root / "harness",
        "broken_widget.ipynb",
        "import ipywidgets as w\n"
        "from traitlets import Unicode\n"
        "class Bad(w.DOMWidget):\n"
        "    _view_module = Unicode('no-such-module').tag(sync=True)\n"
        "    _model_module = Unicode('no-such-module').tag(sync=True)\n"
        "    _view_name = Unicode('NoView').tag(sync=True)\n"
        "    _model_name = Unicode('NoModel').tag(sync=True)\n"
        "Bad()",
    )
    report = run_notebook(page, lab, path)
    assert report.problems, "a widget that cannot render must be reported"
    assert all(p.startswith("widget:") for p in report.problems), describe(report)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_in_jupyterlab(lab, page, lesson):
    # Run (and audited for accessibility) once per session, here or in test_accessibility.py.
    run = run_lesson_once(page, lab, lesson, audit)
    assert not run.report.problems, describe(run.report)
    assert not [e for e in run.console_errors if "Error displaying widget" in e]
    # Every lesson shows at least one widget, and each one rendered.
    assert run.report.widget_count() >= 1, f"{lesson}: no widget output"
    assert run.rendered >= run.report.widget_count(), (run.rendered, run.report.widget_count())


@pytest.mark.parametrize(
    ("view", "action"),
    [(v, a) for v, actions in ACTIONS.items() for a in actions],
    ids=lambda x: x if isinstance(x, str) else x[0].replace(" ", "-"),
)
def test_operate_widget_in_jupyterlab(lab, page, view, action):
    """Each widget, run in JupyterLab, changes its view when a person operates one control."""
    name, operate = action
    report = run_notebook(page, lab, f"explorer/{view}.ipynb")
    assert not report.problems, describe(report)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    before, after = operate(notebook)
    screenshot(page, f"lab-{view}-{name.replace(' ', '-')}")
    assert before != after
    assert not collect_problems(page).problems
