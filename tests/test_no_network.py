"""No network at run time: every lesson (and explorer view) runs in a kernel that refuses any connection off loopback.

The kernel starts with a ``sitecustomize`` module on ``PYTHONPATH`` (loaded by Python before
anything else, ipykernel included) that wraps ``socket.socket.connect``/``connect_ex``/``sendto``,
``socket.create_connection`` and the name look-ups (``getaddrinfo``, ``gethostbyname``...). Any
address other than loopback (127.0.0.0/8, ::1, ``localhost``, this machine's own name) or a Unix
socket is written to a log file and refused with ``ConnectionRefusedError`` *before* any packet
leaves. The kernel itself talks to this process through ZMQ on 127.0.0.1, which is allowed.

A lesson that catches the error quietly still fails the test, because the log records the try.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
VIEWS = sorted((ROOT / "explorer").glob("*.ipynb"))

GUARD = r'''
"""Refuse and record every connection or name look-up that is not loopback (test guard)."""
import ipaddress
import json
import os
import socket
import traceback

_LOG = os.environ["P63_NET_LOG"]
_LOCAL_NAMES = {"", "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
try:
    _LOCAL_NAMES.add(socket.gethostname().lower())
except OSError:
    pass


def _is_local_host(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_local_address(address):
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        return _is_local_host(address[0])
    return False


def _refuse(what, target):
    stack = "".join(traceback.format_stack(limit=12)[:-2])
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"call": what, "target": repr(target), "stack": stack}) + "\n")
    raise ConnectionRefusedError(f"network access is not allowed at run time: {what} {target!r}")


def _wrap_method(name):
    original = getattr(socket.socket, name)

    def guarded(self, *args):
        # connect(address), connect_ex(address), sendto(data[, flags], address)
        target = args[0] if name != "sendto" else args[-1]
        if self.family != getattr(socket, "AF_UNIX", None) and not _is_local_address(target):
            _refuse(name, target)
        return original(self, *args)

    guarded.__name__ = f"_p63_guarded_{name}"
    setattr(socket.socket, name, guarded)


for _name in ("connect", "connect_ex", "sendto"):
    _wrap_method(_name)


def _wrap_lookup(name, host_index=0):
    original = getattr(socket, name)

    def guarded(*args, **kwargs):
        host = args[host_index] if len(args) > host_index else kwargs.get("host")
        if not _is_local_host(host):
            try:
                ipaddress.ip_address(str(host))
            except ValueError:  # a name that would need DNS
                _refuse(name, host)
        return original(*args, **kwargs)

    guarded.__name__ = f"_p63_guarded_{name}"
    setattr(socket, name, guarded)


for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    _wrap_lookup(_name)

_original_create_connection = socket.create_connection


def _create_connection(address, *args, **kwargs):
    if not _is_local_address(address):
        _refuse("create_connection", address)
    return _original_create_connection(address, *args, **kwargs)


socket.create_connection = _create_connection
socket.P63_NETWORK_GUARD = True
'''

PROOF = """\
import socket
assert getattr(socket, "P63_NETWORK_GUARD", False), "the guard is not installed: not connecting"
assert socket.socket.connect.__name__ == "_p63_guarded_connect"
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(0.5)
try:
    s.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed; the guard refuses before sending
except ConnectionRefusedError as exc:
    print("refused:", exc)
finally:
    s.close()
try:
    socket.create_connection(("192.0.2.1", 443), timeout=0.5)
except ConnectionRefusedError as exc:
    print("refused:", exc)
"""

LOOPBACK = """\
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
cli = socket.create_connection(srv.getsockname(), timeout=2)
conn, _ = srv.accept()
cli.sendall(b"ok"); print(conn.recv(2).decode())
for s in (cli, conn, srv): s.close()
"""


@pytest.fixture
def guarded_env(tmp_path) -> tuple[dict[str, str], Path]:
    """Environment for a kernel with the guard, and the file it records attempts in."""
    site = tmp_path / "guard"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network-attempts.jsonl"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH", "")]))
    env["P63_NET_LOG"] = str(log)
    env["IPYTHONDIR"] = str(tmp_path / "ipython")
    env["MPLBACKEND"] = "Agg"
    return env, log


def _run(nb: nbformat.NotebookNode, cwd: Path, env: dict[str, str]) -> nbformat.NotebookNode:
    client = NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    # `env` goes to the kernel manager: the kernel, not this process, gets the guard.
    return client.execute(env=env)


def _attempts(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_guard_refuses_and_records_off_loopback(guarded_env, tmp_path):
    env, log = guarded_env
    out = _run(_notebook(PROOF), tmp_path, env)
    text = "".join(o.get("text", "") for o in out.cells[0].outputs)
    assert text.count("refused:") == 2, text
    calls = [a["call"] for a in _attempts(log)]
    assert calls == ["connect", "create_connection"], calls
    assert all("192.0.2.1" in a["target"] for a in _attempts(log))


def test_guard_allows_loopback(guarded_env, tmp_path):
    env, log = guarded_env
    out = _run(_notebook(LOOPBACK), tmp_path, env)
    assert "".join(o.get("text", "") for o in out.cells[0].outputs).strip() == "ok"
    assert _attempts(log) == []


def test_kernel_python_is_this_environment(guarded_env, tmp_path):
    env, _ = guarded_env
    out = _run(_notebook("import sys; print(sys.executable)"), tmp_path, env)
    printed = Path(out.cells[0].outputs[0]["text"].strip())
    assert printed.parent == Path(sys.executable).parent


@pytest.mark.parametrize("lesson", LESSONS + VIEWS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_lesson_runs_without_network(guarded_env, lesson, tmp_path):
    env, log = guarded_env
    nb = nbformat.read(lesson, as_version=4)
    out = _run(nb, lesson.parent, env)
    errors = [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in out.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    attempts = _attempts(log)
    assert not attempts, json.dumps(attempts, indent=1)
