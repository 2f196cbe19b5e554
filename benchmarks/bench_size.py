"""Ratio benchmark: installed size of the course's runtime environment against the bare stack.

Two venvs are built with the same pins (``-c constraints.txt``) and cached under
``benchmarks/.runs/`` (git-ignored; rebuilt when ``constraints.txt`` or ``pyproject.toml``
change):

- *course*: what ``make lab`` installs, but non-editable: ``pip install .`` (the package, its
  data, and its runtime dependencies);
- *baseline*: ``pip install jupyterlab ipywidgets pandas`` alone.

The course package is reinstalled on every run (from a copy of the repository, so no build
files land in the working tree). Sizes are the apparent sizes of every file under
``site-packages``; the report also lists the distributions the course adds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "benchmarks" / ".runs"
BASELINE_PACKAGES = ["jupyterlab", "ipywidgets", "pandas"]
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache", "artifacts", ".runs"
)


def _stamp() -> str:
    h = hashlib.sha256()
    for name in ("constraints.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()[:16]


def _pip(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
        check=True,
        capture_output=True,
        text=True,
    )


def _venv(name: str, packages: list[str]) -> Path:
    venv = RUNS / name
    stamp = venv / ".p63-stamp"
    if stamp.exists() and stamp.read_text() == _stamp():
        return venv
    if venv.exists():
        shutil.rmtree(venv)
    RUNS.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    _pip(venv, "install", "-q", "-c", str(ROOT / "constraints.txt"), *packages)
    stamp.write_text(_stamp())
    return venv


def _site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python3*/site-packages"))
    if not found:
        raise FileNotFoundError(f"no site-packages in {venv}")
    return found[0]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _dists(venv: Path) -> dict[str, str]:
    out = _pip(venv, "list", "--format=json").stdout
    return {d["name"].lower(): d["version"] for d in json.loads(out)}


def _course_package_size(site: Path) -> int:
    return _size(site / "course_lib") + sum(
        _size(d) for d in site.glob("pyongyang1963-*.dist-info")
    )


def run() -> dict[str, Any]:
    """Build (or reuse) both venvs, reinstall the course, and measure.

    Returns
    -------
    dict
        ``course_mb``, ``baseline_mb``, ``ratio``, ``course_package_mb``, ``extra`` (distributions
        only the course environment has), ``missing`` (only the baseline has).
    """
    baseline = _venv("size-baseline", BASELINE_PACKAGES)
    with tempfile.TemporaryDirectory(prefix="p63-size-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=IGNORE)
        course = _venv("size-course", [str(src)])
        # Always measure the course as it is now.
        _pip(course, "install", "-q", "--no-deps", "--force-reinstall", str(src))
    c_site, b_site = _site_packages(course), _site_packages(baseline)
    c, b = _size(c_site), _size(b_site)
    c_d, b_d = _dists(course), _dists(baseline)
    mb = 1024 * 1024
    return {
        "course_mb": c / mb,
        "baseline_mb": b / mb,
        "ratio": c / b,
        "course_package_mb": _course_package_size(c_site) / mb,
        "extra": {n: v for n, v in c_d.items() if n not in b_d},
        "missing": {n: v for n, v in b_d.items() if n not in c_d},
    }


def markdown(result: dict[str, Any]) -> str:
    extra = ", ".join(f"`{n}` {v}" for n, v in sorted(result["extra"].items())) or "none"
    lines = [
        "| environment (site-packages) | size (MiB) |",
        "|---|---:|",
        f"| course: `pip install .` (non-editable, `-c constraints.txt`) | {result['course_mb']:.1f} |",
        f"| baseline: `pip install {' '.join(BASELINE_PACKAGES)}` | {result['baseline_mb']:.1f} |",
        f"| **ratio** | **{result['ratio']:.3f}** |",
        "",
        f"The course package itself (code and data) is {result['course_package_mb']:.2f} MiB. "
        f"Distributions only in the course environment: {extra}.",
    ]
    if result["missing"]:
        lines.append(f"Only in the baseline: {', '.join(sorted(result['missing']))}.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
