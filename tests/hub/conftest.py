"""A real JupyterHub on loopback for the hub test: its real proxy, real accounts, real homes.

- The proxy is configurable-http-proxy from npm, installed into ``tests/hub/node_modules`` by
  ``make hub-deps`` (``npm ci`` from the committed lock file).
- Learners are real system accounts made for the test (``useradd``), spawned by JupyterHub's
  ``LocalProcessSpawner``: each single-user server runs as its learner, in its learner's home,
  so "your answers are yours alone" is tested by the operating system, not by convention.
  Making accounts needs root (CI runs as root); elsewhere the test is skipped with that reason.
- The "upstream" repository is a bare clone of this checkout named ``pyongyang-1963.git`` in a
  folder every account can read, so nbgitpuller clones into ``~/pyongyang-1963`` exactly as the
  README's link says.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.conftest import browser, free_port  # noqa: F401 - the browser fixture

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHP = Path(__file__).resolve().parent / "node_modules" / ".bin" / "configurable-http-proxy"
LEARNERS = ("p63learner1", "p63learner2", "p63learner3")


@dataclass
class Hub:
    """A running hub: its public URL, an admin API token, the learners' homes and the upstream."""

    url: str
    token: str
    homes: Path
    upstream: Path
    log: Path
    learners: tuple[str, ...] = LEARNERS
    uids: dict[str, int] = field(default_factory=dict)

    def home(self, learner: str) -> Path:
        return self.homes / learner

    def api(self, method: str, path: str, body: bytes | None = None) -> bytes:
        req = urllib.request.Request(
            f"{self.url}/hub/api{path}",
            method=method,
            data=body,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.read()


def _run(*cmd: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]


def _shared_dir(prefix: str) -> Path:
    """A folder under /tmp that every account can traverse and read (pytest's are 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def _wait(url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(
        f"JupyterHub did not answer at {url} within {timeout:.0f} s:\n{log.read_text()[-4000:]}"
    )


@pytest.fixture(scope="session")
def upstream() -> Iterator[Path]:
    """A bare clone of this checkout's HEAD, as the course's public repository would be."""
    folder = _shared_dir("p63-upstream-")
    repo = folder / "pyongyang-1963.git"
    _run("git", "clone", "--quiet", "--bare", str(ROOT), str(repo))
    branch = _run("git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    if branch != "main":  # the README's link names main
        _run("git", "-C", str(repo), "branch", "-f", "main", "HEAD")
    _run("chmod", "-R", "a+rX", str(folder))
    try:
        yield repo
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Accounts:
    """The learners' accounts: where their homes are and their user ids."""

    homes: Path
    uids: dict[str, int]


@pytest.fixture(scope="session")
def learners() -> Iterator[Accounts]:
    """Real accounts for the learners (removed again at the end)."""
    if os.geteuid() != 0:
        pytest.skip("the hub test makes real learner accounts, which needs root (CI runs as root)")
    homes = _shared_dir("p63-homes-")
    made: dict[str, int] = {}
    try:
        for name in LEARNERS:
            subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
            _run(
                "useradd",
                "--create-home",
                "--home-dir",
                str(homes / name),
                "--shell",
                "/bin/bash",
                name,
            )
            (homes / name).chmod(0o700)
            made[name] = pwd.getpwnam(name).pw_uid
        yield Accounts(homes, made)
    finally:
        for name in made:
            subprocess.run(["pkill", "-u", name], capture_output=True, check=False)
            subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
        shutil.rmtree(homes, ignore_errors=True)


@pytest.fixture(scope="session")
def hub(learners, upstream, tmp_path_factory) -> Iterator[Hub]:
    if not CHP.exists():
        pytest.fail(f"{CHP} is missing: run `make hub-deps` (npm ci in tests/hub)")
    if not os.access(BIN / "jupyterhub", os.X_OK):
        pytest.fail("jupyterhub is not installed in this environment (the test group installs it)")
    state = tmp_path_factory.mktemp("hub")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(32)
    homes = learners.homes
    config = state / "jupyterhub_config.py"
    env_keep = {"JUPYTER_PLATFORM_DIRS": "1", "PATH": f"{BIN}:/usr/bin:/bin"}
    config.write_text(
        f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{state}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {set(LEARNERS)!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {env_keep!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.LocalProcessSpawner.shell_cmd = []
c.JupyterHub.services = [{{"name": "p63-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [
    {{"name": "p63-test", "services": ["p63-test"],
      "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"]}},
]
""",
        encoding="utf-8",
    )
    log = state / "jupyterhub.log"
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(config)],
            cwd=state,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(f"http://127.0.0.1:{port}/hub/api", 120, log)
        yield Hub(f"http://127.0.0.1:{port}", token, homes, upstream, log, LEARNERS, learners.uids)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        # Single-user servers run as their learners: stop whatever is left.
        for name in LEARNERS:
            subprocess.run(["pkill", "-u", name], capture_output=True, check=False)
