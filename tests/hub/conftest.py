"""A real JupyterHub on loopback for the hub test: its real proxy, real accounts, real homes.

What an administrator has, built the way the README tells them:

- **The proxy** is configurable-http-proxy from npm, installed into ``tests/hub/node_modules`` by
  ``make hub-deps`` (``npm ci`` from the committed lock file).
- **The learners** are real system accounts made for the test (``useradd``; see HOME_MODES),
  spawned by JupyterHub's ``LocalProcessSpawner``: each single-user server runs as its learner,
  in its learner's home, so "your answers are yours alone" is tested by the operating system,
  not by convention. Making accounts needs root (CI runs as root); elsewhere the test is
  skipped with that reason.
- **The user environment** is a new virtual environment in a folder every account can read,
  installed as the README says (``pip install -r binder/requirements.txt nbgitpuller``, then
  ``pip install .`` from a clone), plus ``jupyterhub`` at the hub's own version (every hub's
  user environment has it: it provides ``jupyterhub-singleuser``). Nothing of the test's own
  environment or checkout is visible to the learners, so a checkout or a Python under a private
  folder (``/root``) cannot hide a missing install step. If the learners cannot run this
  Python (pyenv's lives in ``/root``, mode 0700), its installation is first linked (or copied)
  into that shared folder, standing in for the system-wide Python a real hub has.
- **The upstream** is a bare clone of this checkout's ``HEAD`` named ``pyongyang-1963.git``,
  served read-only on loopback by ``git daemon``, so nbgitpuller clones it into
  ``~/pyongyang-1963`` exactly as the README's link says, over the network as from GitHub
  (``file://`` would trip git's ownership check: the repository belongs to root).

Everything is removed again, even when the test fails: the hub and its proxy, the git daemon,
every process of the learners, their accounts and homes, the user environment.

Set ``P63_HUB_ENV=/some/folder`` to build the user environment there once and reuse it on later
runs (a developer's shortcut: it is then not rebuilt, nor removed).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.conftest import browser, free_port  # noqa: F401 - the browser fixture

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHP = Path(__file__).resolve().parent / "node_modules" / ".bin" / "configurable-http-proxy"
LEARNERS = ("p63learner1", "p63learner2", "p63learner3")
#: Home folder modes: 0700 as Debian's ``adduser`` (and JupyterHub's ``add_system_user``) makes
#: them, and 0755 as Debian's ``useradd`` does, so the test shows that answers are private by
#: their own modes, not only by a private home.
HOME_MODES = {"p63learner1": 0o700, "p63learner2": 0o700, "p63learner3": 0o755}
#: The course's folder name in a learner's home: nbgitpuller names it after the repository.
COURSE = "pyongyang-1963"
#: The administrator's JupyterLab defaults for every learner (``overrides.json``): no news or
#: update checks (the hub may have no way out), and every cell rendered, so the test sees every
#: output a learner would scroll to.
LAB_OVERRIDES = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
#: Log lines of the polling every open JupyterLab does (left out of failure reports).
ROUTINE = re.compile(r"\] (200|204) (GET|PUT) ")
#: Where the hub's log is kept after the test (git-ignored).
ARTIFACTS = ROOT / "artifacts"
#: No proxy from the environment for loopback requests.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class UserEnv:
    """The learners' Python environment: where it is, and what their processes need set."""

    prefix: Path
    environment: dict[str, str]

    @property
    def bin(self) -> Path:
        return self.prefix / "bin"


@dataclass
class Hub:
    """A running hub: its public URL, the learners' homes, the upstream, the log, the user env."""

    url: str
    homes: Path
    upstream: Path
    upstream_url: str
    log: Path
    env: UserEnv
    learners: tuple[str, ...] = LEARNERS
    uids: dict[str, int] = field(default_factory=dict)

    def home(self, learner: str) -> Path:
        return self.homes / learner

    def log_tail(self, lines: int = 60) -> str:
        """The end of the hub's log (with its servers'), without the routine polling lines."""
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        kept = [line for line in text if not ROUTINE.search(line)]
        return "\n".join(kept[-lines:])


def _run(*cmd: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its output (not a bare return code)."""
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, cmd))} exited with {proc.returncode}:\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def as_learner(
    learner: str, *cmd: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command as a learner (``runuser``), with only the variables given."""
    variables = [f"{k}={v}" for k, v in (env or {}).items()]
    return subprocess.run(
        ["runuser", "-u", learner, "--", "env", "-i", *variables, *cmd],
        check=False,
        capture_output=True,
        text=True,
        cwd="/",
    )


def _shared_dir(prefix: str) -> Path:
    """A folder under /tmp that every account can traverse and read (pytest's are 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def _blocked(path: Path) -> Path | None:
    """The first folder above ``path`` that other accounts cannot traverse, if any."""
    for parent in reversed(path.resolve().parents):
        if not parent.stat().st_mode & 0o001:
            return parent
    return None


def _wait(url: str, timeout: float, log: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterHub exited with {proc.returncode}:\n{log.read_text()[-6000:]}")
        try:
            with _OPENER.open(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(
        f"JupyterHub did not answer at {url} within {timeout:.0f} s:\n{log.read_text()[-6000:]}"
    )


def _stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


@dataclass
class Accounts:
    """The learners' accounts: where their homes are and their user ids."""

    homes: Path
    uids: dict[str, int]


@pytest.fixture(scope="session")
def learners() -> Iterator[Accounts]:
    """Real accounts for the learners, homes in a shared folder (removed again at the end)."""
    if os.geteuid() != 0:
        pytest.skip("the hub test makes real learner accounts, which needs root (CI runs as root)")
    for tool in ("useradd", "userdel", "runuser", "git"):
        if shutil.which(tool) is None:
            pytest.fail(f"the hub test needs {tool}, which is not on PATH")
    homes = _shared_dir("p63-homes-")
    made: dict[str, int] = {}
    try:
        for name in LEARNERS:
            with contextlib.suppress(KeyError):  # left over by a run that was killed
                pwd.getpwnam(name)
                _end_processes(name)
                subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
            _run(
                "useradd",
                "--create-home",
                "--home-dir",
                str(homes / name),
                "--shell",
                "/bin/bash",
                "--user-group",
                name,
            )
            (homes / name).chmod(HOME_MODES[name])
            made[name] = pwd.getpwnam(name).pw_uid
        yield Accounts(homes, made)
    finally:
        for name in made:
            _end_processes(name)
            subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
        shutil.rmtree(homes, ignore_errors=True)


def _end_processes(name: str) -> None:
    """Stop every process of one of the test's own learner accounts (by its user id)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                with contextlib.suppress(OSError):
                    if proc.stat().st_uid == uid:
                        pids.append(int(proc.name))
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        time.sleep(1)


@dataclass
class Upstream:
    """The course's public repository: a bare clone served read-only by ``git daemon``."""

    repo: Path
    url: str

    def commit(self, change: Callable[[Path], None], message: str) -> str:
        """Clone, let ``change(worktree)`` edit it, commit and push; return the new commit."""
        with tempfile.TemporaryDirectory(prefix="p63-upstream-edit-") as tmp:
            work = Path(tmp) / "work"
            _run("git", "clone", "--quiet", "--branch", "main", str(self.repo), str(work))
            change(work)
            git = ("git", "-C", str(work), "-c", "user.name=Instructor", "-c", "user.email=i@x")
            _run(*git, "add", "--all")
            _run(*git, "commit", "--quiet", "-m", message)
            _run(*git, "push", "--quiet", "origin", "main")
            return _run(*git, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    """A bare clone of this checkout's HEAD on branch ``main``, served by ``git daemon``."""
    folder = _shared_dir("p63-upstream-")
    repo = folder / f"{COURSE}.git"
    _run("git", "clone", "--quiet", "--bare", "--no-local", str(ROOT), str(repo))
    branch = _run("git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    if branch != "main":  # the README's link names main
        _run("git", "-C", str(repo), "branch", "-f", "main", "HEAD")
    _run("git", "-C", str(repo), "symbolic-ref", "HEAD", "refs/heads/main")
    port = free_port()
    log = folder / "git-daemon.log"
    with log.open("wb") as out:
        daemon = subprocess.Popen(
            [
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--informative-errors",
                "--listen=127.0.0.1",
                f"--port={port}",
                f"--base-path={folder}",
                str(folder),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        # Without ".git", as in the README's link: nbgitpuller names the clone after the URL's
        # last part (git daemon finds pyongyang-1963.git all the same).
        url = f"git://127.0.0.1:{port}/{COURSE}"
        deadline = time.monotonic() + 30
        while subprocess.run(["git", "ls-remote", url], capture_output=True).returncode:
            if time.monotonic() > deadline or daemon.poll() is not None:
                pytest.fail(f"git daemon did not serve {url}:\n{log.read_text()}")
            time.sleep(0.3)
        yield Upstream(repo, url)
    finally:
        _stop(daemon)
        shutil.rmtree(folder, ignore_errors=True)


def _python_for(learner: str, shared: Path) -> tuple[Path, dict[str, str]]:
    """A Python of this version that the learner can run: this one, or a linked copy of it.

    Returns
    -------
    Path, dict
        The interpreter, and the variables a learner's process needs to run it.
    """
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix)
    python = base / "bin" / version
    if not python.exists():
        pytest.fail(f"cannot find this Python's interpreter at {python}")
    if as_learner(learner, str(python), "-c", "import sys").returncode == 0:
        return python, {}
    # Not runnable by others (pyenv's Python under /root, 0700): link its installation into the
    # shared folder, without its own site-packages and test suite (the venv needs neither).
    if base == Path("/usr") or not (base / "lib" / version / "os.py").is_file():
        pytest.fail(
            f"the learners cannot run {python} (a folder above it is private: "
            f"{_blocked(python)}); run the test from a Python every account can run"
        )
    stdlib = base / "lib" / version

    def skip(folder: str, names: list[str]) -> set[str]:
        return {"site-packages", "test"} & set(names) if Path(folder) == stdlib else set()

    def link_or_copy(src: str, dst: str) -> None:
        # A hard link shares the file (and its mode) with the original, which is never changed:
        # files others can already read are linked, any other is copied and opened up.
        mode = Path(src).stat().st_mode
        if mode & 0o004 and (mode & 0o001 or not mode & 0o100):
            with contextlib.suppress(OSError):  # another file system: copy instead
                os.link(src, dst)
                return
        shutil.copy2(src, dst)
        Path(dst).chmod(mode | 0o444 | (0o111 if mode & 0o100 else 0))

    copy = shared / "python"
    shutil.copytree(base, copy, symlinks=True, ignore=skip, copy_function=link_or_copy)
    (copy / "lib" / version / "site-packages").mkdir()
    for folder, _, _ in os.walk(copy):
        Path(folder).chmod(0o755)
    # The interpreter looks for libpython where it was built (RUNPATH); point it at the copy.
    libdir = sysconfig.get_config_var("LIBDIR") or str(base / "lib")
    environment = {"LD_LIBRARY_PATH": str(copy / Path(libdir).relative_to(base))}
    python = copy / "bin" / version
    check = as_learner(learner, str(python), "-c", "import sys, ssl", env=environment)
    if check.returncode:
        pytest.fail(f"the learners cannot run the copy of Python at {python}:\n{check.stderr}")
    return python, environment


def _install(python: Path, *args: str) -> None:
    """``pip install`` into the environment of ``python`` with this environment's pip."""
    _run(
        str(BIN / "python"),
        "-m",
        "pip",
        "--disable-pip-version-check",
        "--python",
        str(python),
        "install",
        "--quiet",
        *args,
    )


@pytest.fixture(scope="session")
def user_env(learners, upstream) -> Iterator[UserEnv]:
    """The learners' environment, installed as the README tells an administrator."""
    kept = os.environ.get("P63_HUB_ENV", "").strip()
    shared = Path(kept) if kept else _shared_dir("p63-hub-env-")
    learner = LEARNERS[0]
    try:
        shared.mkdir(mode=0o755, parents=True, exist_ok=True)
        blocked = _blocked(shared / "x")
        if blocked is not None:
            pytest.fail(f"{shared} is not reachable by other accounts ({blocked} is private)")
        prefix = shared / "env"
        saved = shared / "environment.json"
        if kept and saved.is_file() and (prefix / "bin" / "jupyterhub-singleuser").exists():
            environment = json.loads(saved.read_text(encoding="utf-8"))
        else:
            shutil.rmtree(shared / "python", ignore_errors=True)
            shutil.rmtree(prefix, ignore_errors=True)
            python, environment = _python_for(learner, shared)
            _run(str(python), "-m", "venv", "--without-pip", str(prefix), env=_with(environment))
            clone = shared / "src" / COURSE
            shutil.rmtree(clone, ignore_errors=True)
            _run("git", "clone", "--quiet", "--branch", "main", str(upstream.repo), str(clone))
            env_python = prefix / "bin" / "python"
            # The README: the course's pinned requirements and nbgitpuller, then the course
            # (constraints.txt pins what the requirements file leaves open, nbgitpuller too).
            pins = ("-c", str(ROOT / "constraints.txt"))
            requirements = clone / "binder" / "requirements.txt"
            _install(env_python, *pins, "-r", str(requirements), "nbgitpuller")
            _install(env_python, *pins, str(clone))
            # What every hub's user environment has: the single-user server, at the hub's version.
            _install(env_python, *pins, f"jupyterhub=={importlib.metadata.version('jupyterhub')}")
            settings = prefix / "share" / "jupyter" / "lab" / "settings"
            settings.mkdir(parents=True, exist_ok=True)
            (settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES), encoding="utf-8")
            _run("chmod", "-R", "a+rX", str(prefix), str(clone))
            saved.write_text(json.dumps(environment), encoding="utf-8")
        check = as_learner(
            learner,
            str(prefix / "bin" / "python"),
            "-c",
            "import course_lib, nbgitpuller, jupyterhub, jupyterlab; print(course_lib.__file__)",
            env=environment,
        )
        if check.returncode or not check.stdout.startswith(str(prefix)):
            pytest.fail(
                f"the learners cannot use the environment in {prefix}:\n{check.stdout}{check.stderr}"
            )
        yield UserEnv(prefix, environment)
    finally:
        if not kept:
            shutil.rmtree(shared, ignore_errors=True)


def _with(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


@pytest.fixture(scope="session")
def hub(learners, upstream, user_env, tmp_path_factory) -> Iterator[Hub]:
    """JupyterHub on 127.0.0.1 with its proxy, the dummy authenticator and local processes."""
    if not CHP.exists():
        pytest.fail(f"{CHP} is missing: run `make hub-deps` (npm ci in tests/hub)")
    if not os.access(BIN / "jupyterhub", os.X_OK):
        pytest.fail("jupyterhub is not installed in this environment (the test group installs it)")
    state = tmp_path_factory.mktemp("hub")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    environment = {
        "PATH": f"{user_env.bin}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_PLATFORM_DIRS": "1",
        "LANG": "C.UTF-8",
        **user_env.environment,
    }
    config = state / "jupyterhub_config.py"
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
c.Spawner.cmd = [{str(user_env.bin / "jupyterhub-singleuser")!r}]
c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = []
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
""",
        encoding="utf-8",
    )
    log = state / "jupyterhub.log"
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    for name in ("PYTHONPATH", "PYONGYANG1963_ANSWERS"):
        env.pop(name, None)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(config)],
            cwd=state,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait(f"http://127.0.0.1:{port}/hub/api", 120, log, proc)
        yield Hub(
            f"http://127.0.0.1:{port}",
            learners.homes,
            upstream.repo,
            upstream.url,
            log,
            user_env,
            LEARNERS,
            learners.uids,
        )
    finally:
        _stop(proc)
        # If the hub could not stop its proxy, stop it here (by the pid the hub wrote).
        pid_file = state / "jupyterhub-proxy.pid"
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().strip())
            if b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)
        # Single-user servers run as their learners: stop whatever is left.
        for name in LEARNERS:
            _end_processes(name)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "hub.log")
        print(f"\nhub log: {ARTIFACTS / 'hub.log'}")
