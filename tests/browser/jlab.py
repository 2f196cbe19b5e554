"""Driving JupyterLab through ``window.jupyterapp`` (exposed with ``--LabApp.expose_app_in_browser``).

The helpers open a notebook, wait for its kernel, run every cell with the app's own command, wait
for the model to say every code cell has executed, and then collect every problem a learner could
see: error outputs, tracebacks on stderr, "Error displaying widget", and any rendered text that
contains "Error".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.conftest import RUN_TIMEOUT_MS, Server, screenshot

KERNEL_READY = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.sessionContext || !w.content || !w.context || !w.context.isReady) return false;
  const s = w.sessionContext.session;
  const k = s && s.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

RUN_ALL = """async () => {
  const app = window.jupyterapp;
  await app.commands.execute('notebook:run-all-cells');
  return true;
}"""

# Every code cell has an execution count, no prompt shows [*], and the kernel is idle.
ALL_EXECUTED = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  for (const cell of w.content.widgets) {
    if (cell.model.type !== 'code') continue;
    if (cell.model.sharedModel.getSource().trim() === '') continue;
    if (cell.model.executionCount === null) return false;
    const prompt = cell.promptNode ? cell.promptNode.textContent : '';
    if (prompt.includes('*')) return false;
  }
  return true;
}"""

OUTPUTS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = [];
  w.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    cells.push({index: i, outputs: cell.model.outputs.toJSON()});
  });
  return {path: w.context.path, cells};
}"""

KERNEL_INFO = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  return {name: k.name, spec: (await k.spec) ? (await k.spec).name : null};
}"""


@dataclass
class RunReport:
    """What a learner would see after running every cell."""

    path: str
    cells: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def widget_count(self) -> int:
        return sum(
            1
            for c in self.cells
            for o in c["outputs"]
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        )


def open_notebook(page, lab: Server, path: str) -> None:
    """Open ``path`` (relative to the served root) and wait until its kernel is idle."""
    # ``reset`` starts from an empty workspace, so no other notebook is restored beside this one.
    page.goto(lab.url(f"lab/tree/{path}?reset"))
    page.wait_for_function(KERNEL_READY, timeout=RUN_TIMEOUT_MS, polling=250)


def run_all(page) -> None:
    """Run every cell with JupyterLab's own command and wait until all have executed."""
    page.evaluate(RUN_ALL)
    page.wait_for_function(ALL_EXECUTED, timeout=RUN_TIMEOUT_MS, polling=250)
    settle_widgets(page)


def settle_widgets(page, quiet_ms: int = 1200, timeout_ms: int = 30_000) -> None:
    """Wait until the rendered widgets stop changing (views render after the kernel is idle)."""
    page.evaluate("() => { delete window.__p63_n; delete window.__p63_t; }")
    page.wait_for_function(
        """([quiet]) => {
          const root = window.jupyterapp.shell.currentWidget.node;
          const n = root.querySelectorAll('.jupyter-widgets, .widget-html, .widget-label').length
                  + root.innerText.length;
          const now = performance.now();
          if (window.__p63_n !== n) { window.__p63_n = n; window.__p63_t = now; return false; }
          return now - window.__p63_t >= quiet;
        }""",
        arg=[quiet_ms],
        timeout=timeout_ms,
        polling=200,
    )


def collect_problems(page) -> RunReport:
    """Every error a learner could see, from the notebook model and from the rendered page."""
    data = page.evaluate(OUTPUTS)
    report = RunReport(path=data["path"], cells=data["cells"])
    for cell in report.cells:
        for out in cell["outputs"]:
            kind = out.get("output_type")
            if kind == "error":
                report.problems.append(
                    f"cell {cell['index']}: {out.get('ename')}: {out.get('evalue')}"
                )
            elif kind == "stream" and out.get("name") == "stderr":
                text = "".join(out.get("text", ""))
                if "Traceback" in text or "Error" in text or "Warning" in text:
                    report.problems.append(f"cell {cell['index']} stderr: {text[:500]}")
    dom = page.evaluate(
        """() => {
          const root = window.jupyterapp.shell.currentWidget.node;
          const found = [];
          root.querySelectorAll(
              '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
            .forEach(e => { if (e.innerText.includes('Traceback')) found.push('stderr: ' + e.innerText.slice(0, 300)); });
          root.querySelectorAll('.jp-OutputArea-output .jp-RenderedText')
            .forEach(e => { if (/Error/.test(e.innerText)) found.push('text: ' + e.innerText.slice(0, 300)); });
          root.querySelectorAll('.jp-OutputArea-output').forEach(e => {
            if (/Error displaying widget|Failed to load model class|Could not create a view/.test(e.innerText))
              found.push('widget: ' + e.innerText.slice(0, 300));
          });
          root.querySelectorAll('.jupyter-widgets-error-widget').forEach(e => {
            found.push('widget: a view failed to render (' + (e.title || e.innerText).slice(0, 300) + ')');
          });
          return found;
        }"""
    )
    report.problems.extend(dom)
    return report


def rendered_widgets(page) -> int:
    """How many widget views are rendered in the current notebook's outputs."""
    return page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.node
                 .querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length"""
    )


def run_notebook(page, lab: Server, path: str) -> RunReport:
    """Open, run every cell, and collect the problems."""
    open_notebook(page, lab, path)
    run_all(page)
    return collect_problems(page)


def describe(report: RunReport) -> str:
    return json.dumps(report.problems, indent=1, ensure_ascii=False)


#: The notebook panel in view (JupyterLab keeps hidden panels in the DOM).
CURRENT_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


@dataclass
class LessonRun:
    """One lesson opened and run in JupyterLab, with everything the tests check."""

    report: RunReport
    rendered: int
    console_errors: list[str]
    axe_ours: list[dict]


_LESSON_RUNS: dict[tuple[str, str], LessonRun] = {}


def run_lesson_once(page, lab: Server, lesson: str, audit: Callable) -> LessonRun:
    """Run a lesson in JupyterLab and audit it with axe, once per server (test session).

    The lesson test and the accessibility test both need a rendered lesson; running it once
    saves a minute of ``make test``. A failed run is not cached, so the other test tries again.
    """
    key = (lab.base, lesson)
    if key not in _LESSON_RUNS:
        report = run_notebook(page, lab, f"lessons/{lesson}")
        stem = Path(lesson).stem
        screenshot(page, f"lab-{stem}")
        _LESSON_RUNS[key] = LessonRun(
            report=report,
            rendered=rendered_widgets(page),
            console_errors=list(page.console_errors),
            axe_ours=audit(page, stem, CURRENT_PANEL),
        )
    return _LESSON_RUNS[key]


# --- theme, sidebar and kernels ------------------------------------------------------------------

LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"


def set_theme(page, theme: str) -> None:
    """Switch JupyterLab's theme with its own command and wait until the page shows it.

    The choice is saved in the test profile's user settings, so a test that needs a theme sets
    it; :func:`tests.browser.conftest.lab` pages start in Light.
    """
    page.evaluate(
        "async (t) => { await window.jupyterapp.commands.execute('apputils:change-theme', {theme: t}); }",
        theme,
    )
    page.wait_for_function(
        """(t) => document.body.dataset.jpThemeName === t
              && getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim() !== ''""",
        arg=theme,
        timeout=30_000,
    )
    page.wait_for_timeout(300)  # the theme's stylesheet has been applied; let layout settle


def set_left_sidebar(page, open_: bool) -> None:
    """Open the left sidebar on the file browser, or collapse it."""
    page.evaluate(
        """(open) => {
          const shell = window.jupyterapp.shell;
          if (open) { shell.activateById('filebrowser'); shell.expandLeft(); }
          else shell.collapseLeft();
        }""",
        open_,
    )
    page.wait_for_function(
        """(open) => {
          const left = document.querySelector('#jp-left-stack');
          const shown = !!left && !left.classList.contains('lm-mod-hidden') && left.offsetWidth > 0;
          return shown === open;
        }""",
        arg=open_,
        timeout=10_000,
    )
    page.wait_for_timeout(400)  # the notebook re-lays out at its new width


def shutdown_kernels(page) -> None:
    """Shut every kernel down (one notebook at a time keeps the 2-core machine usable)."""
    page.evaluate("async () => { await window.jupyterapp.serviceManager.sessions.shutdownAll(); }")


class NotebookCache:
    """The one notebook open and run in a module's page, reused by consecutive tests.

    Tests parametrized with the notebook as the outer loop check one rendered notebook in
    several ways (Light, Dark, 800 px) and run it only once. The previous notebook's kernel is
    shut down before the next one opens.
    """

    def __init__(self, page, lab: Server) -> None:
        self.page, self.lab = page, lab
        self.path: str | None = None
        self.report: RunReport | None = None

    def show(self, path: str) -> RunReport:
        if self.path != path:
            self.path = None
            if self.report is not None:
                shutdown_kernels(self.page)
            self.page.set_viewport_size({"width": 1400, "height": 1000})
            self.report = run_notebook(self.page, self.lab, path)
            self.path = path
        assert self.report is not None
        return self.report
