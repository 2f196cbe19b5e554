"""``make lab`` opens the course at the repository root with lesson 0 open.

The Makefile's own recipe (printed by ``make -n``, prerequisites skipped) runs in a throw-away
copy of the course, with a "browser" that only reports the address it was asked to open. The
server must serve the copy's root (so ``explorer/``, ``instructor/``, ``lessons/`` and the answers
folder ``my_answers/`` are in JupyterLab's file browser), open
``lab/tree/lessons/00_start_here.ipynb`` and give kernels the answers folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as resp:
        return resp.status, resp.read()


def test_the_lab_recipe_names_the_root_and_lesson_0():
    out = subprocess.run(
        ["make", "-n", "-o", f"{VENV}/.runtime", "lab", f"VENV={VENV}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYONGYANG1963_ANSWERS": ""},
    ).stdout
    line = next(x for x in out.splitlines() if "jupyter lab" in x)
    assert f'--ServerApp.root_dir="{ROOT}"' in line
    assert "--LabApp.default_url=/lab/tree/lessons/00_start_here.ipynb" in line
    assert f'PYONGYANG1963_ANSWERS="{ROOT}/my_answers"' in line
    assert "my_answers/" in (ROOT / ".gitignore").read_text().splitlines()


def test_make_lab_serves_the_root_with_lesson_0_open(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "Makefile", course / "Makefile")
    for folder in ("lessons", "explorer", "instructor"):
        shutil.copytree(ROOT / folder, course / folder)
    home = tmp_path / "home"
    home.mkdir()
    runtime = tmp_path / "runtime"
    port = _free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_PLATFORM_DIRS": "1",
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
    }
    env.pop("PYONGYANG1963_ANSWERS", None)
    # Run as a learner would, not as a sub-make of `make test` (whose MAKEFLAGS/MAKELEVEL would
    # make `make -n` print "make[1]: Entering directory" lines into the recipe).
    for name in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"):
        env.pop(name, None)
    recipe = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-n",
            "-o",
            f"{VENV}/.runtime",
            "lab",
            f"VENV={VENV}",
            f"PORT={port}",
        ],
        cwd=course,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    # The last line starts the server: add a browser that prints what it is asked to open.
    recipe = recipe.rstrip("\n") + (
        " --ServerApp.ip=127.0.0.1 --ServerApp.use_redirect_file=False"
        " --ServerApp.browser='/bin/echo OPENED %s'\n"
    )
    log = tmp_path / "lab.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            ["sh", "-c", recipe],
            cwd=course,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        opened, info = None, None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and (opened is None or info is None):
            assert proc.poll() is None, log.read_text()
            text = log.read_text(errors="replace")
            opened = next((x.split()[1] for x in text.splitlines() if x.startswith("OPENED")), None)
            found = sorted(runtime.glob("jpserver-*.json"))
            info = json.loads(found[0].read_text()) if found else None
            time.sleep(0.3)
        assert opened, log.read_text()
        assert info, log.read_text()
        # lesson 0 is what opens
        assert (
            opened.split("?")[0] == f"http://127.0.0.1:{port}/lab/tree/lessons/00_start_here.ipynb"
        )
        token = info["token"]
        status, _ = _get(opened)
        assert status == 200
        # the file browser's root is the course: every folder a learner or instructor needs
        status, body = _get(f"http://127.0.0.1:{port}/api/contents/?token={token}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert {"lessons", "explorer", "instructor", "my_answers"} <= names, names
        # kernels save answers there (the server passes the variable on), owner-only
        environ = Path(f"/proc/{info['pid']}/environ").read_bytes().split(b"\0")
        assert f"PYONGYANG1963_ANSWERS={course}/my_answers".encode() in environ
        assert (course / "my_answers").stat().st_mode & 0o777 == 0o700
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
