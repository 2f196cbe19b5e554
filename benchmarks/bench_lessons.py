"""Ratio benchmark: every lesson executed end to end against kernels that only import the stack.

For each lesson, one *course* run executes the whole notebook with nbclient in a fresh kernel
(start, run every cell, shut down); one *baseline* run does the same with a one-cell notebook
that only ``import pandas, ipywidgets``. The two are interleaved lesson by lesson and round by
round, so both see the same machine; the ratio is total course time over total baseline time,
taking each lesson's median over the rounds. Target (issue #10): at most 1.2.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.2
BASELINE_SOURCE = "import pandas, ipywidgets"


def lessons() -> list[Path]:
    return sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def _execute(nb: Any, cwd: Path, env: dict[str, str]) -> float:
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    start = time.perf_counter()
    client.execute(env=env)
    elapsed = time.perf_counter() - start
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    if errors:
        raise RuntimeError(f"a cell failed: {errors[0].get('ename')}: {errors[0].get('evalue')}")
    return elapsed


def run(rounds: int = 3) -> dict[str, Any]:
    """Measure every lesson and its baseline, interleaved.

    Parameters
    ----------
    rounds : int
        How many times each lesson (and each baseline) runs.

    Returns
    -------
    dict
        ``lessons`` (per lesson: median course and baseline seconds), ``course_s``,
        ``baseline_s``, ``ratio``, ``ok``, ``rounds``.
    """
    import nbformat

    paths = lessons()
    baseline_nb = nbformat.v4.new_notebook()
    baseline_nb.cells = [nbformat.v4.new_code_cell(BASELINE_SOURCE)]
    samples: dict[str, dict[str, list[float]]] = {
        p.name: {"course": [], "baseline": []} for p in paths
    }
    with tempfile.TemporaryDirectory(prefix="p63-bench-") as tmp:
        env = dict(os.environ)
        env["PYONGYANG1963_ANSWERS"] = str(Path(tmp) / "answers")
        env["IPYTHONDIR"] = str(Path(tmp) / "ipython")
        for r in range(rounds):
            for i, path in enumerate(paths):
                # Alternate which goes first, so neither always runs on a warmer machine.
                order = ("course", "baseline") if (r + i) % 2 == 0 else ("baseline", "course")
                for kind in order:
                    if kind == "course":
                        nb = nbformat.read(path, as_version=4)
                        samples[path.name]["course"].append(_execute(nb, path.parent, env))
                    else:
                        nb = nbformat.from_dict(baseline_nb)
                        samples[path.name]["baseline"].append(_execute(nb, Path(tmp), env))
    per_lesson = {
        name: {
            "course_s": statistics.median(s["course"]),
            "baseline_s": statistics.median(s["baseline"]),
            "course_all": s["course"],
            "baseline_all": s["baseline"],
        }
        for name, s in samples.items()
    }
    course = sum(v["course_s"] for v in per_lesson.values())
    baseline = sum(v["baseline_s"] for v in per_lesson.values())
    ratio = course / baseline
    return {
        "lessons": per_lesson,
        "course_s": course,
        "baseline_s": baseline,
        "ratio": ratio,
        "ok": ratio <= TARGET,
        "rounds": rounds,
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| lesson | lesson run, median (s) | baseline kernel, median (s) | ratio |",
        "|---|---:|---:|---:|",
    ]
    for name, v in result["lessons"].items():
        lines.append(
            f"| `{name}` | {v['course_s']:.2f} | {v['baseline_s']:.2f} "
            f"| {v['course_s'] / v['baseline_s']:.2f} |"
        )
    lines.append(
        f"| **all {len(result['lessons'])} lessons** | **{result['course_s']:.2f}** "
        f"| **{result['baseline_s']:.2f}** | **{result['ratio']:.2f}** |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    res = run()
    print(markdown(res))
