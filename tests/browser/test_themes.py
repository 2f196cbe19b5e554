"""Every lesson and explorer view, in JupyterLab Light and Dark and in Voila's light and dark
themes: axe finds no serious or critical violation inside a course widget, and every text and
mark a course widget draws stands out from its background (text >= 4.5:1, large text and marks
>= 3:1).

axe checks HTML text (color-contrast among its rules); :func:`tests.browser.probes.contrast`
also checks SVG text and the fills and strokes of SVG marks and lines, which axe leaves out.
Every course widget root (``.p63``) on the page is checked, whichever widget it is, and every
widget a notebook shows must be one (so none escapes). In JupyterLab the same run also checks,
in each theme, every control of every root for the keyboard guard's marks
(``data-lm-suppress-shortcuts``, ``aria-pressed`` on toggle buttons, radio groups as one named
group) and its focus ring (>= 2 px, >= 3:1 against the background). A notebook is run once and
then checked in both themes (the tests are parametrized notebook first). Findings are written
to ``artifacts/contrast-<name>.json``, ``artifacts/contrast-<name>-keyboard.json`` and
``artifacts/axe-<name>.json``.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser import probes
from tests.browser.axe_audit import COURSE_ROOTS, audit
from tests.browser.conftest import ARTIFACTS, ROOT, screenshot
from tests.browser.jlab import (
    CURRENT_PANEL,
    DARK,
    LIGHT,
    NotebookCache,
    describe,
    run_notebook,
    set_theme,
)

pytestmark = pytest.mark.browser

LESSONS = sorted(f"lessons/{p.name}" for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
#: Explorer views that show a widget (the home page, index.ipynb, is text and links).
VIEWS = sorted(p.stem for p in (ROOT / "explorer").glob("*.ipynb") if p.stem != "index")
NOTEBOOKS = [*LESSONS, *(f"explorer/{v}.ipynb" for v in VIEWS)]
THEMES = {"light": LIGHT, "dark": DARK}


#: Top-level widget outputs of the notebook in view that are not course widget roots (their
#: first classes, to name them).
UNCOVERED = """(panel) => [...document.querySelectorAll(panel + ' .jp-OutputArea-output > .jupyter-widgets')]
  .filter(w => !w.classList.contains('p63'))
  .map(w => [...w.classList].filter(c => c.startsWith('p63-') || c.startsWith('widget-')).join('.'))"""


def _save(name: str, found: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"contrast-{name}.json").write_text(
        json.dumps(found, indent=1, ensure_ascii=False), encoding="utf-8"
    )


def _stem(path: str) -> str:
    return path.replace("/", "-").removesuffix(".ipynb")


@pytest.fixture(scope="module")
def notebooks(module_page, lab):
    cache = NotebookCache(module_page, lab)
    yield cache
    set_theme(module_page, LIGHT)  # the theme is saved in the profile: leave it as found


@pytest.mark.parametrize(
    ("path", "theme"),
    [(nb, t) for nb in NOTEBOOKS for t in THEMES],
    ids=[f"{_stem(nb)}-{t}" for nb in NOTEBOOKS for t in THEMES],
)
def test_lab_theme_contrast_and_axe(notebooks, module_page, path, theme):
    page = module_page
    report = notebooks.show(path)
    assert not report.problems, describe(report)
    set_theme(page, THEMES[theme])
    name = f"lab-{theme}-{_stem(path)}"
    assert probes.count_roots(page) >= 1, f"{path}: no course widget root (.p63) on the page"
    found = probes.contrast(page)
    _save(name, found)
    axe = audit(page, name, CURRENT_PANEL, ours=COURSE_ROOTS)
    focus = probes.focus_each(page)
    keys = probes.keyboard_state(page)
    _save(f"{name}-keyboard", {"focus": focus, "keys": keys})
    # Every widget the notebook shows is a course widget root, so nothing escapes these checks.
    uncovered = page.evaluate(UNCOVERED, CURRENT_PANEL)
    assert not uncovered, f"widget outputs outside a .p63 root: {uncovered}"
    # The probe looked at the widgets' text and marks (it cannot pass by finding nothing).
    assert found["checked_text"] > 0, found
    assert not found["text"], json.dumps(found["text"], indent=1, ensure_ascii=False)
    assert not found["marks"], json.dumps(found["marks"], indent=1, ensure_ascii=False)
    assert not axe, json.dumps(axe, indent=1, ensure_ascii=False)
    # Keyboard: every control is guarded, toggles say they are pressed, radio groups are one
    # group, and every focus ring is >= 2 px and >= 3:1 in this theme.
    assert keys["controls"] > 0, keys
    problems = {k: keys[k] for k in ("unguarded", "toggles", "radios") if keys[k]}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    assert focus["checked"] > 0, focus
    assert not focus["weak"], json.dumps(focus["weak"], indent=1, ensure_ascii=False)


#: What issue 13 saw unreadable in Dark: (notebook, selector) -- each must exist and be >= 4.5:1.
NAMED = [
    ("explorer/reader.ipynb", ".p63-reader .p63-ins"),
    ("explorer/reader.ipynb", ".p63-reader .p63-cite"),
    ("explorer/timeline.ipynb", ".p63-timeline svg .p63-lane-label"),
    ("explorer/timeline.ipynb", ".p63-timeline svg .p63-tick"),
    ("explorer/timeline.ipynb", ".p63-timeline svg .p63-meeting-label"),
    ("lessons/00_start_here.ipynb", ".p63-card > p:last-of-type"),  # "Cite as"
]


@pytest.mark.parametrize(("path", "selector"), NAMED, ids=[s for _, s in NAMED])
def test_named_texts_are_readable_in_dark(notebooks, module_page, path, selector):
    page = module_page
    report = notebooks.show(path)
    assert not report.problems, describe(report)
    set_theme(page, DARK)
    found = probes.colour_of(page, selector)
    assert found, f"nothing matches {selector} in {path}"
    low = [f for f in found if f["ratio"] < 4.5]
    assert not low, json.dumps(low, indent=1, ensure_ascii=False)
    # and the background really is dark: the check ran in the Dark theme
    assert all(int(f["bg"][1:3], 16) < 0x40 for f in found), found


def test_the_contrast_probe_can_fail(lab, page):
    """Grey-on-grey text and a pale mark inside a planted .p63 root are reported."""
    folder = lab.root / "harness"
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as w\n"
            'h = w.HTML(\'<p style="color:#999">faint</p>'
            '<svg width="60" height="20"><circle cx="10" cy="10" r="6" fill="#fde7c8"/>'
            '<rect class="ground" width="60" height="3" fill="#eeeeee"/>'
            '<text x="20" y="14" font-size="6">tiny</text></svg>\')\n'
            "h.add_class('p63')\nh"
        )
    ]
    nbformat.write(nb, folder / "contrast_planted.ipynb")
    report = run_notebook(page, lab, "harness/contrast_planted.ipynb")
    assert not report.problems, describe(report)
    set_theme(page, LIGHT)
    found = probes.contrast(page)
    assert any(f["text"] == "faint" for f in found["text"]), found
    assert any(f["tag"] == "circle" for f in found["marks"]), found
    # a shape in a theme background colour (Light's layout-color2) is ground, not a mark
    assert not any(f["tag"] == "rect" for f in found["marks"]), found
    assert found["grounds"] >= 1, found
    small = probes.layout(page)["small_text"]
    assert any(f["text"] == "tiny" for f in small), small


def _voila(page, voila, view: str, theme: str) -> None:
    page.goto(voila.url(f"voila/render/{view}.ipynb?theme={theme}"), timeout=120_000)
    expect(page.locator("#rendered_cells .jupyter-widgets").first).to_be_visible(timeout=120_000)
    expect(page.locator("#loading")).to_have_count(0, timeout=120_000)
    page.wait_for_timeout(1500)  # widgets finish rendering after the last cell


@pytest.mark.parametrize(
    ("view", "theme"),
    [(v, t) for v in VIEWS for t in THEMES],
    ids=[f"{v}-{t}" for v in VIEWS for t in THEMES],
)
def test_voila_theme_contrast_and_axe(voila, page, view, theme):
    _voila(page, voila, view, theme)
    expected = "JupyterLab Dark" if theme == "dark" else "JupyterLab Light"
    assert page.evaluate("document.body.dataset.jpThemeName") == expected
    name = f"voila-{theme}-{view}"
    screenshot(page, name)
    assert probes.count_roots(page) >= 1, f"{view}: no course widget root (.p63) on the page"
    found = probes.contrast(page)
    _save(name, found)
    axe = audit(page, name, "#rendered_cells", ours=COURSE_ROOTS)
    assert found["checked_text"] > 0, found
    assert not found["text"], json.dumps(found["text"], indent=1, ensure_ascii=False)
    assert not found["marks"], json.dumps(found["marks"], indent=1, ensure_ascii=False)
    assert not axe, json.dumps(axe, indent=1, ensure_ascii=False)
