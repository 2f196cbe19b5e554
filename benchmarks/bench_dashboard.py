"""Benchmark: the class dashboard end to end on a synthetic class of 300 students.

One round is what an instructor waits for: :func:`course_lib.instructor.collect` on the folder
(every file read safely, parsed, merged by learner id, essays tied to learners) and
:func:`course_lib.instructor.dashboard_html` (every table and chart, the quotation check of every
essay). The target is under 10 s (issue 14). Beside it, in the same run and interleaved, the
baseline is the least any tool must do: ``pandas.read_csv`` on every export and one ``concat``;
the ratio says what safety, merging and the dashboard cost on top of reading. Run it::

    .venv/bin/python -m benchmarks.bench_dashboard              # 300 students, 3 rounds
    .venv/bin/python -m benchmarks.bench_dashboard --students 100 --rounds 5
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

#: Target for collect + the whole dashboard on 300 students, in seconds.
TARGET_S = 10.0


def _baseline(folder: Path) -> int:
    import pandas as pd

    frames = [pd.read_csv(p, dtype=str) for p in sorted(folder.rglob("*.csv"))]
    return len(pd.concat(frames, ignore_index=True))


def run(students: int = 300, rounds: int = 3, seed: int = 1963) -> dict[str, Any]:
    """Measure; returns medians in seconds and the figures of the class."""
    from course_lib.data import load_turns
    from course_lib.instructor import collect, dashboard_html
    from course_lib.instructor.synthetic import make_class
    from course_lib.questions import load_bank

    bank, turns = load_bank(), load_turns()
    with tempfile.TemporaryDirectory(prefix="p63-bench-class-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        manifest = make_class(folder, n=students, seed=seed, bank=bank, turns=turns)
        generate = time.perf_counter() - started
        collect_s, dash_s, total_s, base_s = [], [], [], []
        rows = kept = html_chars = 0
        for _ in range(rounds):
            gc.collect()
            t0 = time.perf_counter()
            rows = _baseline(folder)
            base_s.append(time.perf_counter() - t0)
            gc.collect()
            t0 = time.perf_counter()
            result = collect(folder)
            t1 = time.perf_counter()
            page = dashboard_html(result, bank, turns)
            t2 = time.perf_counter()
            collect_s.append(t1 - t0)
            dash_s.append(t2 - t1)
            total_s.append(t2 - t0)
            kept, html_chars = len(result.rows), len(page)
    total = statistics.median(total_s)
    base = statistics.median(base_s)
    return {
        "students": students,
        "rounds": rounds,
        "rows_handed_in": manifest.rows,
        "rows_read_by_baseline": rows,
        "rows_kept": kept,
        "capstones": manifest.capstones,
        "html_chars": html_chars,
        "generate_s": generate,
        "collect_s": statistics.median(collect_s),
        "dashboard_s": statistics.median(dash_s),
        "total_s": total,
        "baseline_s": base,
        "ratio": total / base if base else float("nan"),
        "ok": total < TARGET_S,
    }


def markdown(r: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    return "\n".join(
        [
            "| step | median (s) |",
            "|---|---:|",
            f"| `collect()` ({r['rows_handed_in']} rows, {r['capstones']} essays) | "
            f"{r['collect_s']:.2f} |",
            f"| `dashboard_html()` (every table and chart; {r['html_chars']:,} characters) | "
            f"{r['dashboard_s']:.2f} |",
            f"| **collect + dashboard** | **{r['total_s']:.2f}** |",
            f"| baseline: `pandas.read_csv` of every export + `concat` | {r['baseline_s']:.2f} |",
            f"| ratio to the baseline | {r['ratio']:.1f}x |",
            "",
            f"{r['students']} synthetic students (made in {r['generate_s']:.1f} s, not timed "
            f"above); rows kept {r['rows_kept']} of {r['rows_handed_in']} handed in; "
            f"{r['rounds']} rounds. Target: under {TARGET_S:.0f} s "
            f"({'met' if r['ok'] else 'missed'}).",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(markdown(run(args.students, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
