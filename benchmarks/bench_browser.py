"""In-browser benchmark: from a control's input event to the visible change, per widget control.

JupyterLab runs on loopback with a throw-away profile; Debian's Chromium (headless, through
Playwright) opens one notebook that shows a bare ipywidgets echo (a ``Text`` whose value an
observer copies into an ``HTML``) and every course widget (reader, timeline, speaker comparison,
questions, capstone). For each control, one *action* is timed inside the page: a
``MutationObserver`` on the widget's root is armed, the control's input event is dispatched
(``change`` on a text box or list, ``click`` on a button, checkbox, radio or chart marker), and
the clock stops when the DOM outside the control itself changes (the kernel's answer arrived and
was rendered). The control's own element is left out, so a button's own pressed look or a chart
redrawn in the page before the kernel answers does not count.

Each control's actions are interleaved with echo actions, so the echo's p95 is the round trip of
a bare widget on this machine at that moment. Targets (DESIGN.md): every control's p95 at most
:data:`RATIO_TARGET` times the echo's and at most :data:`TARGET_MS`. Nothing asserts: the numbers
are reported, and a missed target is marked. Run it::

    .venv/bin/python -m benchmarks --only browser          # writes its section of RESULTS.md
    .venv/bin/python -m benchmarks.bench_browser --actions 24
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

#: p95 of every control at most this many times the echo's p95 ...
RATIO_TARGET = 2.0
#: ... and at most this many milliseconds.
TARGET_MS = 150.0
#: Timed actions per control (the design asks for at least 20).
ACTIONS = 24
#: An action whose change has not shown after this long is counted as "no visible change".
ACTION_TIMEOUT_MS = 5_000
CHROMIUM = "/usr/bin/chromium"
BIN = Path(sys.executable).parent

NOTEBOOK_CELLS = [
    # The baseline: a bare ipywidgets round trip.
    "import html\nimport ipywidgets as w\n\n"
    "echo_in = w.Text(description='Echo', continuous_update=False)\n"
    "echo_out = w.HTML()\n"
    "echo_in.observe(lambda ch: setattr(echo_out, 'value', html.escape(ch['new'])), names='value')\n"
    "echo = w.VBox([echo_in, echo_out])\necho.add_class('p63-bench-echo')\necho",
    "from course_lib.widgets import capstone, question_set, reader, speaker_comparison, timeline",
    "reader()",
    "timeline()",
    "speaker_comparison()",
    "question_set(lesson=1)",
    "capstone()",
]


@dataclass
class Control:
    """One control to time: where it is, how to act on it, and what values to cycle through.

    ``root`` and ``target`` are Playwright selectors (the widget, then the control inside it).
    ``kind`` is ``"text"`` (set the value, dispatch input and change), ``"select"`` (choose the
    option at each index of ``values`` in turn) or ``"click"`` (click a button, checkbox, radio or
    chart marker; with several matches, the one at each index of ``values`` in turn, or each in
    turn). ``setup`` runs once before timing; ``after`` runs, untimed, after each action (to put
    the widget back, e.g. "Try again" after "Check answer").
    """

    name: str
    root: str
    target: str
    kind: str
    values: list[Any] = field(default_factory=list)
    setup: Callable[[Any, Any], None] | None = None
    after: Callable[[Any, Any], None] | None = None


def _search_reader(page: Any, root: Any) -> None:
    box = root.get_by_label("Search", exact=True)
    box.fill("Stalin | Korea")
    box.press("Enter")
    page.wait_for_timeout(1500)


def _search_korea(page: Any, root: Any) -> None:
    """A search whose whole-word and word-start results differ ("Korea" / "Korean")."""
    box = root.get_by_label("Search", exact=True)
    box.fill("Korea")
    box.press("Enter")
    page.wait_for_timeout(1500)


def _choose_first_option(page: Any, root: Any) -> None:
    retry = root.get_by_role("button", name="Try again")
    if retry.count() and retry.is_enabled():
        retry.click()
        page.wait_for_timeout(500)
    root.locator("input[type=radio]").first.check()
    page.wait_for_timeout(500)


def _try_again(page: Any, root: Any) -> None:
    retry = root.get_by_role("button", name="Try again")
    if retry.count():
        retry.click()
        page.wait_for_function(
            "(b) => !b.disabled",
            arg=root.get_by_role("button", name="Check answer").element_handle(),
            timeout=10_000,
        )


QUESTION = ".p63-q:has(input[type=radio]), .p63-question:has(input[type=radio])"

CONTROLS: list[Control] = [
    Control("reader: search", ".p63-reader", "input[type=text]", "text",
            ["Stalin", "Korea", "revisionism", "Khrushchev", "war"]),
    Control("reader: turn", ".p63-reader", "input[type=number]", "text",
            ["5", "22", "33", "54", "1", "12"]),
    Control("reader: match (whole words / word starts)", ".p63-reader",
            "label:text-is('Match') + select", "select", [1, 0], setup=_search_korea),
    Control("reader: go to a matching turn", ".p63-reader",
            "label:text-is('Matches') + select", "select", [1, 2, 3, 4], setup=_search_reader),
    Control("reader: insertions (toggle buttons)", ".p63-reader",
            ".widget-toggle-buttons:has(button:text-is('Hidden')) button", "click"),
    Control("timeline: years (From year)", ".p63-timeline",
            "label:text-is('From year') + select", "select", [5, 10, 0, 13]),
    Control("timeline: category (checkbox)", ".p63-timeline",
            ".widget-checkbox input[type=checkbox]", "click", [0]),
    Control("timeline: preset (buttons)", ".p63-timeline",
            "button:text-matches('^(The alliance|The split)')", "click"),
    Control("timeline: chart marker", ".p63-timeline", ".p63-svg [data-select]", "click",
            [0, 5, 10, 15]),
    Control("speakers: word or phrase", ".p63-speaker-comparison", "input[type=text]", "text",
            ["Stalin", "Korea", "war", "Khrushchev"]),
    Control("speakers: preset", ".p63-speaker-comparison",
            "label:text-matches('^Preset') + select", "select", [1, 2, 3]),
    Control("speakers: count (toggle buttons)", ".p63-speaker-comparison",
            ".widget-toggle-buttons button", "click", [0, 1]),
    Control("speakers: stop words (checkbox)", ".p63-speaker-comparison",
            "input[type=checkbox]", "click", [0]),
    Control("speakers: measure", ".p63-speaker-comparison",
            "label:text-matches('^Measure') + select", "select", [1, 0]),
    Control("speakers: highlight theme", ".p63-speaker-comparison",
            "label:text-matches('^Highlight') + select", "select", [1, 2, 3, 0]),
    Control("speakers: conversation view (Show)", ".p63-speaker-comparison",
            "label:text-is('Show:') + select", "select", [1, 2, 3, 4, 0]),
    Control("speakers: conversation term", ".p63-speaker-comparison",
            "label:text-is('Term:') + input", "text", ["split", "debts", "revisionism"]),
    Control("speakers: passage (Show turn)", ".p63-speaker-comparison",
            "label:text-is('Show turn:') + select", "select", [1, 5, 10, 20]),
    Control("questions: choose an option", QUESTION, "input[type=radio]", "click", [1, 2, 0]),
    Control("questions: check the answer", QUESTION, "button:text-is('Check answer')", "click",
            setup=_choose_first_option, after=_try_again),
    Control("capstone: essay text", ".p63-capstone", "label:text-is('Essay') + textarea", "text",
            ["Liu says the war bound the two parties (turn 5).",
             "Kim answers with the Volunteers (turn 6) and asks for restraint.",
             "Both men speak of the Soviet party; only Liu names it first."]),
]  # fmt: skip

#: The timed action, run in the page: arm an observer on the widget's root, act, wait.
ACT = """async ([el, kind, value, timeout]) => {
  const root = el.closest('.p63, .p63-q, .p63-question, .p63-qset, .p63-speaker-comparison, .p63-capstone')
            || el.closest('.jp-OutputArea-output');
  // The control's own widget (a group of toggle buttons or radios, a chart, a labelled box):
  // what it shows before the kernel answers is left out.
  const own = el.closest('.widget-toggle-buttons, .widget-radio, .p63-svg')
           || el.closest('.widget-inline-hbox, .jupyter-button, .jupyter-widgets') || el;
  return await new Promise((resolve) => {
    let t0 = 0;
    const done = (ms) => { obs.disconnect(); clearTimeout(timer); resolve(ms); };
    const obs = new MutationObserver((records) => {
      for (const r of records) {
        if (own.contains(r.target)) continue;
        if (r.type === 'attributes' && r.attributeName.startsWith('data-')) continue;
        return done(performance.now() - t0);
      }
    });
    obs.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
                       attributeFilter: ['class', 'disabled', 'style', 'aria-pressed', 'hidden']});
    const timer = setTimeout(() => done(null), timeout);
    t0 = performance.now();
    if (kind === 'text') {
      el.value = value;
      el.dispatchEvent(new Event('input', {bubbles: true}));
      el.dispatchEvent(new Event('change', {bubbles: true}));
    } else if (kind === 'select') {
      el.selectedIndex = value;
      el.dispatchEvent(new Event('change', {bubbles: true}));
    } else {
      el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
    }
  });
}"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=2) as resp:
        return resp.status


@contextmanager
def jupyterlab(root: Path, home: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab on 127.0.0.1 serving ``root``, with every Jupyter folder under ``home``."""
    import nbformat

    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        PYONGYANG1963_ANSWERS=str(home / "answers"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    env.pop("BINDER_LAUNCH_HOST", None)
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab"
    for name, value in {
        "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    nbformat.write(nb, root / "bench.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    log = (home / "lab.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root",
         f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.ip=127.0.0.1", f"--port={port}", f"--ServerApp.root_dir={root}"],
        env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    log.close()
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError((home / "lab.log").read_text())
            try:
                if _get(f"{base}/api/status?token={token}") == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not answer within 90 s")
            time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def _open_and_run(page: Any, base: str, token: str) -> None:
    page.goto(f"{base}/lab/tree/bench.ipynb?reset&token={token}")
    page.wait_for_function(
        """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                  const k = w && w.sessionContext && w.sessionContext.session
                            && w.sessionContext.session.kernel;
                  return !!k && k.connectionStatus === 'connected' && k.status === 'idle'; }""",
        timeout=180_000,
        polling=250,
    )
    page.evaluate(
        "async () => { await window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
    )
    page.wait_for_function(
        """() => { const w = window.jupyterapp.shell.currentWidget;
                  const k = w.sessionContext.session.kernel;
                  if (k.status !== 'idle') return false;
                  return w.content.widgets.every(c => c.model.type !== 'code'
                           || c.model.executionCount !== null); }""",
        timeout=180_000,
        polling=250,
    )
    page.wait_for_timeout(3000)  # the views render after the kernel is idle


def _pct(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def _time(page: Any, handle: Any, kind: str, value: Any) -> float | None:
    return page.evaluate(ACT, [handle, kind, value, ACTION_TIMEOUT_MS])


def _reveal(page: Any, root: Any, target: Any) -> None:
    """Show the tab that holds ``target`` (a learner opens a tab before using its controls; a
    widget may draw a hidden tab only when it is shown)."""
    if target.is_visible():
        return
    tabs = root.locator(".lm-TabBar-tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        page.wait_for_timeout(300)
        if target.is_visible():
            page.wait_for_timeout(1000)  # the tab's first drawing
            return


def _measure(
    page: Any, control: Control, echo_handle: Any, echo: list[float], actions: int
) -> dict[str, Any]:
    """Time ``actions`` actions on one control, each followed by one echo action.

    Two untimed actions come first. If neither changed anything visible, the control is not
    timed further (each action would wait :data:`ACTION_TIMEOUT_MS` for nothing) and is reported
    as showing no change.
    """
    root = page.locator(control.root).first
    found = root.locator(control.target) if root.count() else None
    if found is None or found.count() == 0:
        return {"name": control.name, "missing": True}
    root.scroll_into_view_if_needed()
    _reveal(page, root, found.first)
    if control.setup is not None:
        control.setup(page, root)

    def act(i: int) -> float | None:
        if control.kind in ("text", "select"):
            target, value = found.first, control.values[i % len(control.values)]
        else:
            pick = control.values[i % len(control.values)] if control.values else i
            target, value = found.nth(pick % found.count()), None
        ms = _time(page, target.element_handle(), control.kind, value)
        if control.after is not None:
            control.after(page, root)
        return ms

    warm = [act(0), act(1)]
    if warm == [None, None]:
        return {"name": control.name, "n": 0, "no_change": actions, "p50_ms": float("nan"),
                "p95_ms": float("nan")}  # fmt: skip
    samples: list[float] = []
    misses = 0
    for i in range(2, actions + 2):
        ms = act(i)
        e = _time(page, echo_handle, "text", f"echo {control.name} {i}")
        if ms is None:
            misses += 1
        else:
            samples.append(ms)
        if e is not None:
            echo.append(e)
    return {
        "name": control.name,
        "n": len(samples),
        "no_change": misses,
        "p50_ms": _pct(samples, 50),
        "p95_ms": _pct(samples, 95),
    }


def run(actions: int = ACTIONS, only: str = "") -> dict[str, Any]:
    """Measure every control (or those whose name contains ``only``) and the echo, interleaved.

    Returns
    -------
    dict
        ``echo`` (p50/p95 ms and samples), ``controls`` (one dict per control: ``name``,
        ``p50_ms``, ``p95_ms``, ``n``, ``no_change`` (actions with no visible change in
        :data:`ACTION_TIMEOUT_MS`), ``ratio`` (p95 / echo p95), ``ok``, ``missing`` when the
        control was not found), ``chromium``.
    """
    from playwright.sync_api import sync_playwright

    chosen = [c for c in CONTROLS if only in c.name]
    with tempfile.TemporaryDirectory(prefix="p63-bench-browser-") as tmp:
        root, home = Path(tmp) / "served", Path(tmp) / "home"
        root.mkdir()
        home.mkdir()
        with jupyterlab(root, home) as (base, token), sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run"],
            )  # fmt: skip
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(60_000)
                _open_and_run(page, base, token)
                echo_box = page.locator(".p63-bench-echo input[type=text]").first
                echo_handle = echo_box.element_handle()
                echo: list[float] = []
                for i in range(3):  # warm the round trip
                    _time(page, echo_handle, "text", f"warm {i}")
                results = []
                for control in chosen:
                    results.append(_measure(page, control, echo_handle, echo, actions))
                version = browser.version
            finally:
                browser.close()
    return judge(
        {
            "echo": {"p50_ms": _pct(echo, 50), "p95_ms": _pct(echo, 95), "n": len(echo)},
            "controls": results,
            "actions": actions,
            "chromium": version,
        }
    )


def judge(result: dict[str, Any]) -> dict[str, Any]:
    """Add each control's ``ratio`` (p95 / echo p95) and ``ok`` (both targets met, every action
    showed its change) to a result; return it."""
    echo_p95 = result["echo"]["p95_ms"]
    for r in result["controls"]:
        if r.get("missing"):
            r["ok"] = False
            continue
        r["ratio"] = r["p95_ms"] / echo_p95 if result["echo"]["n"] else float("nan")
        r["ok"] = bool(
            r["n"] > 0
            and r["no_change"] == 0
            and r["p95_ms"] <= TARGET_MS
            and r["ratio"] <= RATIO_TARGET
        )
    return result


def markdown(result: dict[str, Any]) -> str:
    """The results as a markdown table (one row per control, the echo first)."""
    e = result["echo"]
    lines = [
        f"| control | p50 (ms) | p95 (ms) | p95 / echo p95 | timed actions | no visible change "
        f"| p95 ≤ {RATIO_TARGET:g}x echo and ≤ {TARGET_MS:g} ms |",
        "|---|---:|---:|---:|---:|---:|:---:|",
        f"| *bare ipywidgets echo (Text → HTML), interleaved* | {e['p50_ms']:.0f} | {e['p95_ms']:.0f} "
        f"| 1.00 | {e['n']} | | |",
    ]
    for r in result["controls"]:
        if r.get("missing"):
            lines.append(f"| {r['name']} | | | | 0 | | **not found on the page** |")
            continue
        if r["n"] == 0:
            lines.append(
                f"| {r['name']} | | | | 0 | all | **nothing outside the control changed "
                f"within {ACTION_TIMEOUT_MS / 1000:g} s** |"
            )
            continue
        lines.append(
            f"| {r['name']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['ratio']:.2f} | {r['n']} "
            f"| {r['no_change']} | {'met' if r['ok'] else '**missed**'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=ACTIONS, help="timed actions per control")
    parser.add_argument("-k", default="", help="only controls whose name contains this")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists() or shutil.which("jupyter", path=str(BIN)) is None:
        print(f"needs {CHROMIUM} and JupyterLab in this environment", file=sys.stderr)
        return 2
    result = run(actions=max(20, args.actions), only=args.k)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
