"""Real-browser fixtures: JupyterLab and Voila on loopback, driven by Debian's Chromium.

Everything runs against copies of ``lessons/`` and ``explorer/`` in a temporary folder, so running
cells (and JupyterLab's autosave, which we also switch off) can never write outputs into the
working tree. Jupyter's configuration, data, runtime and IPython folders are temporary too, and the
learners' answers go to a temporary folder (``PYONGYANG1963_ANSWERS``).

Screenshots go to ``artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "artifacts"
#: How long a notebook may take to run all its cells in the browser (ms).
RUN_TIMEOUT_MS = 180_000

# JupyterLab settings for the test profile: render every cell (so the DOM holds every output),
# never autosave, never fetch news or check for updates (no network).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> int:
    # Loopback only, and never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as resp:
        resp.read()
        return resp.status


@dataclass
class Server:
    """A running Jupyter server (Lab or Voila) on loopback."""

    base: str
    token: str
    root: Path
    env: dict[str, str]
    log: Path

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        suffix = f"{sep}token={self.token}" if self.token else ""
        return f"{self.base}/{path.lstrip('/')}{suffix}"


def _start(
    cmd: list[str], env: dict[str, str], cwd: Path, log: Path, probe: str
) -> subprocess.Popen:
    fh = log.open("wb")
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT)
    finally:
        fh.close()  # the child keeps its own descriptor
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if _get(probe) == 200:
                return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    _stop(proc)
    raise RuntimeError(f"{cmd[0]} did not answer within 90 s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="session")
def served_root(tmp_path_factory) -> Path:
    """A throw-away copy of the notebooks that the servers serve."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(ROOT / "lessons", root / "lessons", ignore=shutil.ignore_patterns(".*"))
    if (ROOT / "explorer").is_dir():
        shutil.copytree(ROOT / "explorer", root / "explorer", ignore=shutil.ignore_patterns(".*"))
    (root / "harness").mkdir()
    return root


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory) -> dict[str, str]:
    """Environment for the servers: every Jupyter folder and the answers in a temporary folder."""
    home = tmp_path_factory.mktemp("jupyter-home")
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
    settings = home / "config" / "lab" / "user-settings"
    for name, value in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    return env


@pytest.fixture(scope="session")
def lab(served_root, jupyter_env, tmp_path_factory) -> Iterator[Server]:
    """JupyterLab on 127.0.0.1, a free port and a random token, exposing ``window.jupyterapp``."""
    port = free_port()
    token = secrets.token_hex(16)
    log = tmp_path_factory.mktemp("lab-log") / "jupyter-lab.log"
    cmd = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={served_root}",
    ]
    base = f"http://127.0.0.1:{port}"
    proc = _start(cmd, jupyter_env, served_root, log, f"{base}/api/status?token={token}")
    try:
        yield Server(base, token, served_root, jupyter_env, log)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def voila(served_root, jupyter_env, tmp_path_factory) -> Iterator[Server]:
    """Voila (0.5) serving ``explorer/`` on 127.0.0.1 and a free port."""
    if not (served_root / "explorer").is_dir():
        pytest.fail("explorer/ is missing")
    port = free_port()
    log = tmp_path_factory.mktemp("voila-log") / "voila.log"
    cmd = [
        str(BIN / "voila"),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=True",
        str(served_root / "explorer"),
    ]
    base = f"http://127.0.0.1:{port}"
    proc = _start(cmd, jupyter_env, served_root, log, f"{base}/")
    try:
        yield Server(base, "", served_root / "explorer", jupyter_env, log)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def browser(playwright_session) -> Iterator[object]:
    """Headless Debian Chromium under Playwright's sync API (the session's one Playwright)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps`")
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page in its own context; console errors are collected on ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.console_errors = errors
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="module")
def module_page(browser) -> Iterator[object]:
    """One page kept for a whole test module, so that a notebook is run once and then checked
    in several ways (themes, widths); console errors are collected as for :func:`page`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.console_errors = errors
    try:
        yield pg
    finally:
        context.close()


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot of the page to ``artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
