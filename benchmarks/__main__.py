"""``make bench``: the four ratio benchmarks, written with the machine's details to RESULTS.md.

1. every lesson executed end to end vs. as many kernels that only import pandas and ipywidgets
   (target at most 1.2x) -- :mod:`benchmarks.bench_lessons`;
2. ``import course_lib`` vs. ``import pandas, ipywidgets`` in fresh interpreters (at most 0.8x)
   -- :mod:`benchmarks.bench_import`;
3. p95 of every widget update (at most 20 ms), next to a no-op update -- :mod:`benchmarks.bench_widgets`,
   whose registry this module extends with the reader, timeline, question and capstone widgets;
4. installed size of the runtime environment vs. jupyterlab + ipywidgets + pandas alone --
   :mod:`benchmarks.bench_size`;
5. the class dashboard on 300 synthetic students, ``collect()`` and every table and chart
   (target under 10 s), vs. reading the same exports with ``pandas.read_csv`` --
   :mod:`benchmarks.bench_dashboard`;
6. in the browser (Playwright, Chromium, JupyterLab on loopback): every widget control's time
   from its input event to the visible change, p50 and p95, against a bare ipywidgets echo
   measured in the same run (at most 2x the echo and 150 ms) -- :mod:`benchmarks.bench_browser`.

Each ratio is measured within one run, its two sides interleaved. Nothing here asserts: the
numbers are reported, and a missed target is marked in the table. Each run's results are kept in
``benchmarks/.runs/results.json`` (git-ignored); a run of some benchmarks only (``--only``)
rewrites RESULTS.md with the others' latest results, each marked with the date it was measured.
Usage::

    .venv/bin/python -m benchmarks                 # everything, writes benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks --only import widgets --no-write
    .venv/bin/python -m benchmarks --only browser  # the in-browser section only
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

from benchmarks import (
    bench_browser,
    bench_dashboard,
    bench_import,
    bench_lessons,
    bench_size,
    bench_widgets,
)
from benchmarks.bench_widgets import UPDATES, Update, register

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
#: The latest results of each benchmark, so that a partial run can rewrite the whole report.
LATEST = ROOT / "benchmarks" / ".runs" / "results.json"
SECTIONS = ("lessons", "import", "widgets", "size", "dashboard", "browser")
#: Our analysis of the numbers (why a target is missed), appended to every report.
NOTES = ROOT / "benchmarks" / "NOTES.md"
PACKAGES = ["pandas", "numpy", "ipywidgets", "jupyterlab", "ipykernel", "nbclient", "pyongyang1963"]


# --- more widget updates, by registration (names the speaker helper has not taken) ------------


def _register(name: str):
    def deco(setup):
        if name not in UPDATES:
            register(name)(setup)
        return setup

    return deco


def _cycle(control: Any, values: list[Any]) -> Update:
    values_cycle = itertools.cycle(values)

    def update() -> None:
        control.value = next(values_cycle)

    return update


def _reader(key: str, values: list[Any]) -> Update:
    from course_lib.widgets import reader

    return _cycle(reader().controls[key], values)


@_register("reader.turn")
def _reader_turn() -> Update:
    return _reader("turn", [5, 22, 33, 54, 1])


@_register("reader.search")
def _reader_search() -> Update:
    return _reader("search", ["Stalin", "Khrushchev | revisionism", "Korea", ""])


@_register("reader.insertions")
def _reader_mode() -> Update:
    return _reader("mode", ["hidden", "marked"])


@_register("reader.whole_conversation")
def _reader_view() -> Update:
    return _reader("view", ["whole", "turn"])


def _timeline(key: str) -> Any:
    from course_lib.widgets import timeline

    return timeline().parts[key]


@_register("timeline.years")
def _timeline_years() -> Update:
    return _cycle(_timeline("year_from"), [1955, 1960, 1950])


@_register("timeline.hindsight")
def _timeline_hindsight() -> Update:
    return _cycle(_timeline("hindsight"), [True, False])


@_register("timeline.event")
def _timeline_event() -> Update:
    pick = _timeline("event")
    values = [*[v for _, v in pick.options if v is not None][:5], None]
    return _cycle(pick, values)


@_register("timeline.turn")
def _timeline_turn() -> Update:
    return _cycle(_timeline("turn"), [11, 13, 22, None])


@_register("timeline.term")
def _timeline_term() -> Update:
    return _cycle(_timeline("term"), ["revisionism", "Pravda", ""])


@_register("questions.answer_check_retry")
def _question_check() -> Update:
    from course_lib.widgets import question_set

    view = question_set(lesson=1).view
    q = next(v for v in view.views if v.question["type"] == "single_choice")
    values = itertools.cycle(q.order)  # option ids in the order this learner sees them

    def update() -> None:
        q.control.set(next(values))
        q.check_button.click()
        q.retry_button.click()

    return update


@_register("questions.order_move")
def _question_order_move() -> Update:
    from course_lib.widgets import question_set

    view = question_set(lesson=3).view
    q = next(v for v in view.views if v.question["type"] == "ordering")
    last = len(q.order)
    positions = itertools.cycle([1, last])

    def update() -> None:  # the last row's item to the top, then the top row's to the end
        target = next(positions)
        row = last - 1 if target == 1 else 0
        q.control.moves[row].value = target

    return update


@_register("capstone.turn")
def _capstone_turn() -> Update:
    from course_lib.widgets import capstone

    return _cycle(capstone().controls["turn"], [11, 22, 33, 1])


# --- machine details and the report ------------------------------------------------------------


def machine() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "commit": commit,
        "cpus": str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "load average (1, 5, 15 min) at the end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        **{name: version(name) for name in PACKAGES},
    }


def _ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def _earlier(results: dict[str, Any], key: str) -> str:
    """ " (measured <date>, an earlier run)" for a section this run did not measure."""
    when = results.get("_earlier", {}).get(key)
    return f" — measured {when} (an earlier run)" if when else ""


def report(results: dict[str, Any], seconds: float) -> str:
    info = machine()
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks`); every ratio below was measured in one "
        "run, its two sides interleaved on the same machine. Targets are from `DESIGN.md`.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        f"| wall time of this run | {seconds:.0f} s |",
        "",
        "## Summary",
        "",
        "| benchmark | measured | target | |",
        "|---|---:|---:|---|",
    ]
    if "lessons" in results:
        r = results["lessons"]
        out.append(
            f"| all lessons end to end / import-only kernels | {r['ratio']:.2f}x | ≤ {bench_lessons.TARGET:g}x | {_ok(r['ok'])} |"
        )
    if "import" in results:
        r = results["import"]
        out.append(
            f"| `import course_lib` / `import pandas, ipywidgets` | {r['ratio']:.3f}x | ≤ {bench_import.TARGET:g}x | {_ok(r['ok'])} |"
        )
    if "widgets" in results:
        rows = results["widgets"]
        worst = max(rows, key=lambda r: r["p95_ms"])
        out.append(
            f"| slowest widget update, p95 ({worst['name']}) | {worst['p95_ms']:.1f} ms | ≤ 20 ms "
            f"| {_ok(all(r['ok'] for r in rows))} |"
        )
    if "size" in results:
        r = results["size"]
        out.append(f"| installed size, course / bare stack | {r['ratio']:.3f}x | (reported) | |")
    if "dashboard" in results:
        r = results["dashboard"]
        out.append(
            f"| class dashboard, {r['students']} students (collect + every chart) | "
            f"{r['total_s']:.2f} s ({r['ratio']:.1f}x read_csv) | < 10 s | {_ok(r['ok'])} |"
        )
    if "browser" in results:
        r = results["browser"]
        timed = [c for c in r["controls"] if not c.get("missing") and c["n"]]
        if timed:
            worst = max(timed, key=lambda c: c["p95_ms"])
            out.append(
                f"| slowest control in the browser, p95 ({worst['name']}) | {worst['p95_ms']:.0f} ms, "
                f"{worst['ratio']:.2f}x the echo's {r['echo']['p95_ms']:.0f} ms "
                f"| ≤ {bench_browser.RATIO_TARGET:g}x echo and ≤ {bench_browser.TARGET_MS:g} ms "
                f"| {_ok(all(c['ok'] for c in r['controls']))} |"
            )
    if "lessons" in results:
        r = results["lessons"]
        out += [
            "",
            f"## 1. Lessons end to end ({r['rounds']} rounds, fresh kernel each run)"
            + _earlier(results, "lessons"),
            "",
            "Each lesson runs in a fresh kernel with nbclient (start, every cell, shutdown); the "
            f"baseline is a fresh kernel running `{bench_lessons.BASELINE_SOURCE}`.",
            "",
            bench_lessons.markdown(r),
        ]
    if "import" in results:
        r = results["import"]
        out += [
            "",
            f"## 2. Import time ({r['repeat']} alternating pairs)" + _earlier(results, "import"),
            "",
            bench_import.markdown(r),
        ]
    if "widgets" in results:
        out += [
            "",
            "## 3. Widget updates (p95 of 200 updates each, in-process)"
            + _earlier(results, "widgets"),
            "",
            bench_widgets.markdown(results["widgets"]),
        ]
    if "size" in results:
        out += [
            "",
            "## 4. Installed size" + _earlier(results, "size"),
            "",
            bench_size.markdown(results["size"]),
        ]
    if "dashboard" in results:
        r = results["dashboard"]
        out += [
            "",
            f"## 5. Class dashboard ({r['students']} synthetic students, {r['rounds']} rounds)"
            + _earlier(results, "dashboard"),
            "",
            bench_dashboard.markdown(r),
        ]
    if "browser" in results:
        r = results["browser"]
        out += [
            "",
            "## 6. In the browser: input event to visible change (issue 13, section 6)"
            + _earlier(results, "browser"),
            "",
            f"JupyterLab on loopback, headless Chromium {r['chromium']} through Playwright, one "
            "notebook showing every course widget and a bare ipywidgets echo (a `Text` whose "
            "observer copies its value into an `HTML`). Each action arms a `MutationObserver` on "
            "the widget's root, dispatches the control's input event (`change` on a text box or "
            "list, `click` on a button, checkbox, radio or chart marker) and stops the clock when "
            "the DOM outside the control itself changes. Every control action is followed by an "
            f"echo action, so the echo row is the same round trip measured throughout; "
            f"{r['actions']} timed actions per control after 2 untimed ones. "
            "Target: p95 ≤ 2x the echo's p95 and ≤ 150 ms.",
            "",
            bench_browser.markdown(r),
        ]
    if "notes" in results:
        out += ["", "## Notes", "", results["notes"]]
    return "\n".join(out) + "\n"


def _with_latest(results: dict[str, Any], write: bool) -> dict[str, Any]:
    """Keep this run's results as the latest; fill the sections it did not measure from the
    latest earlier run (marked with their date in the report)."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        latest = json.loads(LATEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        latest = {}
    for key in SECTIONS:
        if key in results:
            latest[key] = {"when": now, "result": results[key]}
    if write:
        LATEST.parent.mkdir(parents=True, exist_ok=True)
        tmp = LATEST.with_suffix(".tmp")
        tmp.write_text(json.dumps(latest, default=str), encoding="utf-8")
        tmp.replace(LATEST)
    merged = dict(results)
    merged["_earlier"] = {}
    for key in SECTIONS:
        if key not in results and key in latest:
            merged[key] = latest[key]["result"]
            merged["_earlier"][key] = latest[key]["when"]
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pyongyang 1963 ratio benchmarks")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS))
    parser.add_argument("--actions", type=int, default=24, help="timed actions per browser control")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the lesson benchmark")
    parser.add_argument("--repeat", type=int, default=30, help="pairs in the import benchmark")
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    parser.add_argument("--notes", type=Path, default=NOTES, help="markdown appended as 'Notes'")
    args = parser.parse_args(argv)
    chosen = args.only or list(SECTIONS)
    started = time.perf_counter()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="p63-bench-answers-") as answers:
        os.environ["PYONGYANG1963_ANSWERS"] = answers
        if "import" in chosen:
            print("benchmark: import ...", file=sys.stderr)
            results["import"] = bench_import.run(repeat=args.repeat)
        if "widgets" in chosen:
            print("benchmark: widget updates ...", file=sys.stderr)
            results["widgets"] = bench_widgets.run()
        if "lessons" in chosen:
            print("benchmark: lessons ...", file=sys.stderr)
            results["lessons"] = bench_lessons.run(rounds=args.rounds)
        if "size" in chosen:
            print("benchmark: installed size ...", file=sys.stderr)
            results["size"] = bench_size.run()
        if "dashboard" in chosen:
            print("benchmark: class dashboard ...", file=sys.stderr)
            results["dashboard"] = bench_dashboard.run()
        if "browser" in chosen:
            print("benchmark: in the browser ...", file=sys.stderr)
            results["browser"] = bench_browser.run(actions=max(20, args.actions))
    results = _with_latest(results, write=not args.no_write)
    if args.notes and args.notes.is_file():
        results["notes"] = args.notes.read_text(encoding="utf-8").strip()
    text = report(results, time.perf_counter() - started)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
