"""Binder: repo2docker builds from ``binder/``, the pins resolve, and ``postBuild`` works.

- ``repo2docker --no-build --debug`` prints the Dockerfile it would build (no Docker needed): it
  must install ``binder/requirements.txt`` on Python 3.11 (``binder/runtime.txt``) and run
  ``binder/postBuild``.
- The pins are exact, cover the runtime dependencies of ``pyproject.toml`` plus Voila, agree with
  ``constraints.txt`` (so Binder runs what the tests ran), and resolve together
  (``pip install --dry-run --ignore-installed``; this asks the package index).
- ``postBuild`` succeeds in a fresh venv that holds the pinned requirements, run from a copy of
  the repository, after which the course loads from another folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REQUIREMENTS = ROOT / "binder" / "requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")
IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*cache", "artifacts", ".runs"
)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        pins[_norm(match.group(1))] = match.group(2)
    return pins


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory) -> str:
    res = subprocess.run(
        [str(BIN / "repo2docker"), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path_factory.mktemp("r2d"),
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout + res.stderr


def test_repo2docker_installs_the_pinned_requirements(dockerfile):
    assert "FROM " in dockerfile, "repo2docker printed no Dockerfile"
    assert re.search(r'pip install --no-cache-dir -r "binder/requirements\.txt"', dockerfile)
    assert "COPY --chown=0:0 src/binder/requirements.txt" in dockerfile


def test_repo2docker_runs_postbuild(dockerfile):
    assert "RUN ./binder/postBuild" in dockerfile
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK), "postBuild must be executable"


def test_repo2docker_uses_runtime_python(dockerfile):
    wanted = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert wanted == "python-3.11"
    assert "Building conda environment for python=3.11" in dockerfile


def test_requirements_are_exact_pins_that_cover_the_runtime():
    pins = _pins(REQUIREMENTS)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {
        _norm(re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0])
        for d in project["project"]["dependencies"]
    }
    assert needed | {"voila"} <= set(pins), sorted((needed | {"voila"}) - set(pins))
    assert "pyongyang1963" not in pins, "postBuild installs the course itself"


def test_requirements_agree_with_constraints():
    pins = _pins(REQUIREMENTS)
    constraints = _pins(ROOT / "constraints.txt")
    differ = {
        n: (v, constraints[n]) for n, v in pins.items() if n in constraints and constraints[n] != v
    }
    assert not differ, f"binder pins differ from constraints.txt: {differ}"


@pytest.mark.slow
def test_requirements_resolve(tmp_path):
    """The pins resolve together against the package index (a dry run: nothing is installed)."""
    report = tmp_path / "report.json"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "-q",
            "--report",
            str(report),
            "-r",
            str(REQUIREMENTS),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-4000:]
    chosen = {
        _norm(i["metadata"]["name"]): i["metadata"]["version"]
        for i in json.loads(report.read_text())["install"]
    }
    pins = _pins(REQUIREMENTS)
    # Every pin is what pip chose, and pip needed nothing that is not pinned.
    assert chosen == pins, {
        n: (pins.get(n), chosen.get(n))
        for n in set(chosen) | set(pins)
        if pins.get(n) != chosen.get(n)
    }


@pytest.mark.slow
def test_postbuild_in_a_fresh_venv(tmp_path):
    src = tmp_path / "repo"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    env = dict(os.environ)
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(env_dir)
    env.pop("PYTHONPATH", None)
    pip = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert pip.returncode == 0, pip.stderr[-4000:]
    post = subprocess.run(
        ["./binder/postBuild"], cwd=src, capture_output=True, text=True, timeout=600, env=env
    )
    assert post.returncode == 0, post.stdout[-2000:] + post.stderr[-4000:]
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    check = subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-I",
            "-c",
            "import course_lib, voila; print(course_lib.__file__); print(len(course_lib.load_turns()))",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert check.returncode == 0, check.stderr[-3000:]
    where, turns = check.stdout.split()
    assert Path(where).resolve().is_relative_to(env_dir.resolve())
    assert turns == "54"
    broken = subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "check"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert broken.returncode == 0, broken.stdout
