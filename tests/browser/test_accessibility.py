"""Accessibility: axe-core on every rendered lesson (JupyterLab) and explorer view (Voila).

A *serious* or *critical* violation fails the test when any of its nodes lies inside one of our
widgets (``.jupyter-widgets``, ``.widget-*`` or ``.p63-*`` elements). Violations that belong to
JupyterLab's or Voila's own page are not ours to fix: they are written, with every other
finding, to ``artifacts/axe-<name>.json`` and summarised in ``artifacts/axe-summary.txt``.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ROOT
from tests.browser.jlab import collect_problems, describe, run_notebook

pytestmark = pytest.mark.browser

LESSONS = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
VIEWS = sorted(p.stem for p in (ROOT / "explorer").glob("*.ipynb"))
SERIOUS = {"serious", "critical"}
#: Known violations inside our widgets, each waiting for a fix in the widget's own module:
#: (axe rule, CSS class of the node) -> why. They are reported by ``test_known_violations``,
#: a strict xfail that starts failing the day the violation is gone (then delete the entry).
KNOWN = {
    ("aria-input-field-name", "noUi-handle"): (
        "ipywidgets' (Int)RangeSlider renders noUiSlider handles (role=slider) without an "
        "accessible name; the 'Years' label is not tied to them (timeline widget)"
    ),
    ("color-contrast", "lm-TabBar-tabLabel"): (
        "under Voila's theme the labels of the inactive tabs of ipywidgets' Tab are grey on grey "
        "(speaker comparison's tabs)"
    ),
}
#: Where each known violation shows: (server, explorer view).
KNOWN_WHERE = [("lab", "timeline"), ("voila", "speakers")]
OURS = '.jupyter-widgets, [class*="widget-"], [class*="p63-"]'

# Which of axe's node targets lie inside our widgets (targets are CSS selector paths; a nested
# array means a shadow DOM or frame path, which our widgets never create).
INSIDE_OURS = """([targets, ours]) => targets.map(t => {
  if (!Array.isArray(t) || t.length !== 1 || typeof t[0] !== 'string') return false;
  let el;
  try { el = document.querySelector(t[0]); } catch (e) { return false; }
  return !!(el && el.closest(ours));
})"""


@pytest.fixture(scope="module", autouse=True)
def _fresh_summary():
    (ARTIFACTS / "axe-summary.txt").unlink(missing_ok=True)


def _known(rule: str, html: str) -> bool:
    return any(rule == r and f"{cls}" in html.split(">", 1)[0] for r, cls in KNOWN)


def _audit(page, name: str, context: str | None = None, include_known: bool = False) -> list[dict]:
    """Run axe; save everything; return the serious/critical violations inside our widgets."""
    results = Axe().run(page, context=context)
    ours: list[dict] = []
    summary: list[str] = []
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]]
        inside = page.evaluate(INSIDE_OURS, [targets, OURS])
        our_nodes = [n for n, flag in zip(violation["nodes"], inside, strict=True) if flag]
        if not include_known:
            our_nodes = [n for n in our_nodes if not _known(violation["id"], n["html"])]
        summary.append(
            f"{name}: {violation['id']} ({violation['impact']}): {len(violation['nodes'])} nodes, "
            f"{len(our_nodes)} in our widgets"
        )
        if our_nodes and violation["impact"] in SERIOUS:
            ours.append(
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "nodes": [{"target": n["target"], "html": n["html"][:300]} for n in our_nodes],
                }
            )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(results.response["violations"], indent=1), encoding="utf-8"
    )
    with (ARTIFACTS / "axe-summary.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(summary or [f"{name}: no violations"]) + "\n")
    return ours


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
    ours = _audit(page, "planted", ".jp-NotebookPanel:not(.lm-mod-hidden)")
    assert {"label", "image-alt"} & {v["id"] for v in ours}, ours


@pytest.mark.xfail(reason="; ".join(KNOWN.values()), strict=True)
@pytest.mark.parametrize(("server", "view"), KNOWN_WHERE)
def test_known_violations_are_fixed(request, page, server, view):
    """Fails (as expected) while a known violation remains; once the widget is fixed it passes,
    which a strict xfail reports as a failure: then delete the entry from KNOWN."""
    if server == "lab":
        lab = request.getfixturevalue("lab")
        run_notebook(page, lab, f"explorer/{view}.ipynb")
        context = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    else:
        _voila_render(page, request.getfixturevalue("voila"), view)
        context = "#rendered_cells"
    ours = _audit(page, f"known-{server}-{view}", context, include_known=True)
    assert not ours, json.dumps(ours, indent=1)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_has_no_serious_violation_in_our_widgets(lab, page, lesson):
    report = run_notebook(page, lab, f"lessons/{lesson}")
    assert not report.problems, describe(report)
    ours = _audit(page, Path(lesson).stem, ".jp-NotebookPanel:not(.lm-mod-hidden)")
    assert not ours, json.dumps(ours, indent=1)
    assert not collect_problems(page).problems


@pytest.mark.parametrize("view", VIEWS)
def test_voila_view_has_no_serious_violation_in_our_widgets(voila, page, view):
    _voila_render(page, voila, view)
    ours = _audit(page, f"voila-{view}", "#rendered_cells")
    assert not ours, json.dumps(ours, indent=1)
