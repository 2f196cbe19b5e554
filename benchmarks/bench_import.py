"""Ratio benchmark: ``import course_lib`` against ``import pandas, ipywidgets`` in fresh interpreters.

Each sample starts a new interpreter (``python -I -c ...``, from an empty folder so nothing
local shadows the installed package) and times it from outside with a monotonic clock. The two
commands alternate, so both see the same machine; the ratio is of medians. Target (DESIGN.md):
at most 0.8 (issue #10). ``-X importtime`` then names the modules that ``course_lib`` adds, to explain a miss.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

TARGET = 0.8
COURSE = "import course_lib"
BASELINE = "import pandas, ipywidgets"


def _time(code: str, cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", code], cwd=cwd, check=True)
    return time.perf_counter() - start


def _extra_modules(cwd: str, top: int = 8) -> list[tuple[str, float]]:
    """Modules imported by ``course_lib`` but not by the baseline, with their cumulative ms."""

    def importtime(code: str) -> dict[str, float]:
        res = subprocess.run(
            [sys.executable, "-I", "-X", "importtime", "-c", code],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=True,
        )
        out: dict[str, float] = {}
        for line in res.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
            if m:
                out[m.group(4)] = int(m.group(2)) / 1000
        return out

    course, base = importtime(COURSE), importtime(BASELINE)
    extra = {name: ms for name, ms in course.items() if name not in base}
    return sorted(extra.items(), key=lambda kv: -kv[1])[:top]


def run(repeat: int = 30) -> dict[str, Any]:
    """Alternate the two imports ``repeat`` times each (after one untimed warm-up of each).

    Returns
    -------
    dict
        ``course_ms``, ``baseline_ms`` (medians), ``ratio``, ``ok``, ``repeat``, ``extra``.
    """
    course: list[float] = []
    base: list[float] = []
    with tempfile.TemporaryDirectory(prefix="p63-import-") as cwd:
        _time(COURSE, cwd)
        _time(BASELINE, cwd)
        for i in range(repeat):
            pair = [(COURSE, course), (BASELINE, base)]
            if i % 2:
                pair.reverse()
            for code, store in pair:
                store.append(_time(code, cwd))
        extra = _extra_modules(cwd)
    c, b = statistics.median(course), statistics.median(base)
    return {
        "course_ms": c * 1000,
        "baseline_ms": b * 1000,
        "ratio": c / b,
        "ok": c / b <= TARGET,
        "repeat": repeat,
        "extra": extra,
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| fresh interpreter | median (ms) |",
        "|---|---:|",
        f"| `python -c '{COURSE}'` | {result['course_ms']:.0f} |",
        f"| `python -c '{BASELINE}'` | {result['baseline_ms']:.0f} |",
        f"| **ratio** | **{result['ratio']:.3f}** |",
    ]
    if result["extra"]:
        mods = ", ".join(f"`{n}` {ms:.1f} ms" for n, ms in result["extra"])
        lines += ["", f"Modules `course_lib` adds (cumulative import time, one run): {mods}."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
