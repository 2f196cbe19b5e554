"""axe-core audits, filtered to the nodes that belong to our widgets.

A *serious* or *critical* violation counts when any of its nodes lies inside one of our widgets
(``.jupyter-widgets``, ``.widget-*`` or ``.p63-*`` elements). Everything axe finds, ours or the
page's, is written to ``artifacts/axe-<name>.json`` and summarised in ``artifacts/axe-summary.txt``.
"""

from __future__ import annotations

import json

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import ARTIFACTS

SERIOUS = {"serious", "critical"}
OURS = '.jupyter-widgets, [class*="widget-"], [class*="p63-"]'

# Which of axe's node targets lie inside our widgets (targets are CSS selector paths; a nested
# array means a shadow DOM or frame path, which our widgets never create).
INSIDE_OURS = """([targets, ours]) => targets.map(t => {
  if (!Array.isArray(t) || t.length !== 1 || typeof t[0] !== 'string') return false;
  let el;
  try { el = document.querySelector(t[0]); } catch (e) { return false; }
  return !!(el && el.closest(ours));
})"""


_SUMMARY_STARTED = [False]


#: Only the course's widget roots (the themed checks: whatever a course widget shows).
COURSE_ROOTS = ".p63"


def audit(page, name: str, context: str | None = None, ours: str = OURS) -> list[dict]:
    """Run axe; save everything; return the serious/critical violations inside ``ours``.

    Parameters
    ----------
    page
        A Playwright page.
    name : str
        For the artifacts (``axe-<name>.json``).
    context : str, optional
        A CSS selector: audit only this part of the page.
    ours : str
        The nodes that count: inside our widgets (default), or :data:`COURSE_ROOTS`.
    """
    results = Axe().run(page, context=context)
    found: list[dict] = []
    summary: list[str] = []
    for violation in results.response["violations"]:
        targets = [node["target"] for node in violation["nodes"]]
        inside = page.evaluate(INSIDE_OURS, [targets, ours])
        our_nodes = [n for n, flag in zip(violation["nodes"], inside, strict=True) if flag]
        summary.append(
            f"{name}: {violation['id']} ({violation['impact']}): {len(violation['nodes'])} nodes, "
            f"{len(our_nodes)} in our widgets"
        )
        if our_nodes and violation["impact"] in SERIOUS:
            found.append(
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "nodes": [
                        {
                            "target": n["target"],
                            "html": n["html"][:300],
                            "summary": n.get("failureSummary", "")[:300],
                        }
                        for n in our_nodes
                    ],
                }
            )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(results.response["violations"], indent=1), encoding="utf-8"
    )
    mode = "a" if _SUMMARY_STARTED[0] else "w"  # a fresh summary for each test session
    _SUMMARY_STARTED[0] = True
    with (ARTIFACTS / "axe-summary.txt").open(mode, encoding="utf-8") as fh:
        fh.write("\n".join(summary or [f"{name}: no violations"]) + "\n")
    return found
