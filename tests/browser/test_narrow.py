"""800 px wide: every course widget fits its cell, in JupyterLab with the left sidebar collapsed
and with it open.

For every course widget root (``.p63``) on the page, whichever widget it is
(:func:`tests.browser.probes.layout`):

- no control or text sticks out of its output area to the right, except inside an element that
  scrolls sideways on purpose (a chart's ``.p63-svg``, a wide table's ``.p63-scroll``);
- no label, button or tab label is cut (``scrollWidth > clientWidth``), and no chart text runs
  out of its chart or over another chart text;
- SVG text renders at 11 px or more;
- no input, list or slider is squeezed under 40 px.

Screenshots of every widget root at 800 px, Light and Dark, go to
``artifacts/narrow-<notebook>-<sidebar>-<theme>-<n>.png``.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import probes
from tests.browser.conftest import ARTIFACTS, ROOT
from tests.browser.jlab import (
    DARK,
    LIGHT,
    NotebookCache,
    describe,
    set_left_sidebar,
    set_theme,
)

pytestmark = pytest.mark.browser

LESSONS = sorted(f"lessons/{p.name}" for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
VIEWS = sorted(p.stem for p in (ROOT / "explorer").glob("*.ipynb") if p.stem != "index")
NOTEBOOKS = [*LESSONS, *(f"explorer/{v}.ipynb" for v in VIEWS)]
SIDEBAR = {"collapsed": False, "open": True}
WIDTH = 800


def _stem(path: str) -> str:
    return path.replace("/", "-").removesuffix(".ipynb")


@pytest.fixture(scope="module")
def notebooks(module_page, lab):
    cache = NotebookCache(module_page, lab)
    yield cache
    set_theme(module_page, LIGHT)
    set_left_sidebar(module_page, True)


def _shots(page, name: str) -> list[str]:
    """A screenshot of every top-level course widget root, whole: the window is made as tall as
    the root (up to 6000 px) while it is taken, since JupyterLab shows a notebook only inside the
    window; the width stays at 800 px."""
    ARTIFACTS.mkdir(exist_ok=True)
    paths = []
    roots = page.locator(".p63:not(.p63 .p63)")
    for i in range(roots.count()):
        root = roots.nth(i)
        if not root.is_visible():
            continue
        height = root.evaluate("e => e.getBoundingClientRect().height")
        page.set_viewport_size({"width": WIDTH, "height": int(min(max(height + 200, 900), 6000))})
        page.wait_for_timeout(300)
        root.scroll_into_view_if_needed()
        path = ARTIFACTS / f"{name}-{i}.png"
        root.screenshot(path=str(path))
        paths.append(str(path))
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return paths


@pytest.mark.parametrize(
    ("path", "sidebar"),
    [(nb, s) for nb in NOTEBOOKS for s in SIDEBAR],
    ids=[f"{_stem(nb)}-{s}" for nb in NOTEBOOKS for s in SIDEBAR],
)
def test_every_widget_fits_800_px(notebooks, module_page, path, sidebar):
    page = module_page
    report = notebooks.show(path)
    assert not report.problems, describe(report)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    set_left_sidebar(page, SIDEBAR[sidebar])
    set_theme(page, LIGHT)
    page.wait_for_timeout(500)
    found = probes.layout(page)
    name = f"narrow-{_stem(path)}-{sidebar}"
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    _shots(page, f"{name}-light")
    if sidebar == "collapsed":
        set_theme(page, DARK)
        _shots(page, f"{name}-dark")
        set_theme(page, LIGHT)
    assert found["roots"] >= 1, f"{path}: no course widget root (.p63) on the page"
    problems = {k: found[k] for k in ("overflow", "clipped", "overlap", "small_text", "squeezed")}
    assert not any(problems.values()), json.dumps(problems, indent=1, ensure_ascii=False)


def test_the_layout_probe_can_fail(lab, page):
    """A control wider than its cell, a cut label and overlapping chart texts are reported."""
    import nbformat

    from tests.browser.jlab import run_notebook

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\n"
            "wide = w.Text(description='Wide', layout={'width': '1200px'})\n"
            "cut = w.Button(description='A label far too long for its button', "
            "layout={'width': '60px'})\n"
            'chart = w.HTML(\'<svg viewBox="0 0 200 40" width="200"><text x="5" y="20" '
            'font-size="12">first label</text><text x="12" y="22" font-size="12">'
            "second label</text></svg>')\n"
            "box = w.VBox([wide, cut, chart])\nbox.add_class('p63')\nbox"
        )
    ]
    nbformat.write(nb, lab.root / "harness" / "narrow_planted.ipynb")
    report = run_notebook(page, lab, "harness/narrow_planted.ipynb")
    assert not report.problems, describe(report)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    set_left_sidebar(page, False)
    found = probes.layout(page)
    set_left_sidebar(page, True)
    assert any(f["tag"] == "input" for f in found["overflow"] + found["clipped"]), found
    assert any("far too long" in f["text"] for f in found["clipped"]), found
    assert found["overlap"], found
