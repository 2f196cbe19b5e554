"""The one way the course writes a learner's files: atomic, owner-only, never through a symlink.

Everything the course saves for a learner (answers, the capstone draft, the profile, exports)
goes through this module:

- :func:`write_atomic` writes a temporary file beside the target (created ``0600`` with
  ``O_EXCL``), ``fsync``-s it, renames it over the target and ``fsync``-s the folder, so a
  crash or a full disk leaves either the old file or the new one, never a truncated mix;
- :func:`write_new` does the same but never replaces a file: a name already taken gets ``-2``,
  ``-3``... before its extension (the rename is a hard link that fails if the name exists);
- :func:`read_bytes` and :func:`open_append` open with ``O_NOFOLLOW``, and every function
  refuses a symlinked file or a symlinked folder inside the learner's answers folder with a
  :class:`SymlinkError` that says what to do;
- :func:`locked` holds an exclusive lock on a folder: ``fcntl.flock`` where it exists, else (in
  Pyodide, on Windows) a lock file made with ``O_CREAT | O_EXCL`` whose holder is written in it,
  taken over when it is stale (its process is gone, or it is older than :data:`STALE_AFTER`).

Only the last part of a path is checked: the folders above the answers folder may be links (a
home folder on another disk), but the answers folder, its ``exports/`` and every file in them
may not.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None  # None where there is no fcntl (the tests also set it to None)
try:  # POSIX; absent in Pyodide and on Windows
    import fcntl
except ImportError:  # pragma: no cover - exercised by monkeypatching in tests
    fcntl = None

__all__ = [
    "STALE_AFTER",
    "LockTimeout",
    "SymlinkError",
    "ensure_folder",
    "locked",
    "open_append",
    "read_bytes",
    "refuse_symlink",
    "set_aside",
    "write_atomic",
    "write_new",
]

#: Seconds after which a fallback lock file whose holder cannot be checked is taken over.
STALE_AFTER = 30.0
#: Seconds to wait for a lock before giving up with :class:`LockTimeout`.
LOCK_WAIT = 15.0

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class SymlinkError(OSError):
    """A file or folder the course would write or read is a symbolic link; it is never followed."""


class LockTimeout(OSError):
    """Another notebook held the answers folder's lock for too long."""


def refuse_symlink(path: str | Path) -> None:
    """Raise :class:`SymlinkError` if ``path`` is a symbolic link (a missing path is fine).

    Parameters
    ----------
    path : str or Path

    Raises
    ------
    SymlinkError
        Naming the link and saying that it was left alone.
    """
    if Path(path).is_symlink():
        raise SymlinkError(
            errno.ELOOP,
            f"{path} is a symbolic link; for safety the course never follows links in the "
            "answers folder. Remove the link (your files are where it points) and try again",
        )


def ensure_folder(folder: str | Path) -> Path:
    """Create a folder (and its parents) owner-only if it is missing; refuse a symlink.

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    Path

    Raises
    ------
    SymlinkError
        If the folder is a symbolic link.
    OSError
        If it cannot be created (a file in the way, no permission...).
    """
    path = Path(folder)
    if not path.is_dir() or path.is_symlink():
        refuse_symlink(path)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable where the platform allows it (not on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _temp_with(folder: Path, name: str, data: bytes) -> Path:
    """A synced ``0600`` temporary file holding ``data`` in ``folder``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    os.close(fd)
    return Path(tmp)


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Replace a file's contents atomically; the file is readable by its owner only.

    Parameters
    ----------
    path : str or Path
        The file; its folder is created if missing.
    data : bytes or str
        ``str`` is written as UTF-8 (newlines as given).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SymlinkError
        If the file or its folder is a symbolic link.
    OSError
        If the folder cannot be created or written; the old file, if any, is left intact.
    """
    path = Path(path)
    ensure_folder(path.parent)
    refuse_symlink(path)
    tmp = _temp_with(path.parent, path.name, _as_bytes(data))
    try:
        tmp.replace(path)  # a rename replaces a link itself, never what it points to
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return path


def _numbered(path: Path, n: int) -> Path:
    if n == 1:
        return path
    name = path.name
    stem, dot, ext = name.partition(".")
    return path.with_name(f"{stem}-{n}{dot}{ext}")


def write_new(path: str | Path, data: bytes | str, limit: int = 999) -> Path:
    """Write a new file, never replacing one: a taken name gets ``-2``, ``-3``... added.

    ``report.html`` is tried first, then ``report-2.html``, ``report-3.html``; the suffix goes
    before the first dot, so ``a_b.tar.gz`` becomes ``a_b-2.tar.gz``. The file is written to a
    temporary file first and appears complete under its name (a hard link, which fails if the
    name is taken even by a file made a moment ago by another notebook).

    Parameters
    ----------
    path : str or Path
        The preferred name.
    data : bytes or str
    limit : int
        How many numbers to try.

    Returns
    -------
    Path
        The name actually used.

    Raises
    ------
    OSError
        If the folder cannot be written or every name up to ``limit`` is taken.
    """
    path = Path(path)
    folder = ensure_folder(path.parent)
    tmp = _temp_with(folder, path.name, _as_bytes(data))
    try:
        for n in range(1, limit + 1):
            target = _numbered(path, n)
            if target.is_symlink() or target.exists():
                continue
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some network and browser file systems)
                if target.exists() or target.is_symlink():
                    continue
                tmp.replace(target)
            _fsync_folder(folder)
            return target
        raise FileExistsError(errno.EEXIST, f"{limit} files named like {path.name} already exist")
    finally:
        tmp.unlink(missing_ok=True)


def read_bytes(path: str | Path) -> bytes | None:
    """Read a whole file without following a symlink.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    bytes or None
        ``None`` if the file does not exist.

    Raises
    ------
    SymlinkError
        If the file is a symbolic link.
    OSError
        If it cannot be read.
    """
    path = Path(path)
    refuse_symlink(path)
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            refuse_symlink(path)  # raced into a link after the check
            raise SymlinkError(errno.ELOOP, f"{path} is a symbolic link") from None
        raise
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_append(path: str | Path) -> int:
    """Open (creating ``0600``) a file for appending, without following a symlink.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    int
        A file descriptor opened ``O_RDWR | O_APPEND``; the caller closes it.

    Raises
    ------
    SymlinkError
        If the file is a symbolic link.
    """
    path = Path(path)
    refuse_symlink(path)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _BINARY | _CLOEXEC
    try:
        return os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SymlinkError(errno.ELOOP, f"{path} is a symbolic link") from None
        raise


def set_aside(path: str | Path, data: bytes, when: str | None = None) -> Path:
    """Keep a damaged file's bytes, unchanged, beside it as ``<name>.corrupt-<timestamp>``.

    Parameters
    ----------
    path : str or Path
        The damaged file (left where it is; the caller rewrites it).
    data : bytes
        Its bytes, exactly as read.
    when : str, optional
        The timestamp (``20261204T140503Z``); defaults to now, in UTC.

    Returns
    -------
    Path
        The copy (never replacing an earlier one).
    """
    path = Path(path)
    stamp = when or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return write_new(path.with_name(f"{path.name}.corrupt-{stamp}"), data)


# ----------------------------------------------------------------------------- locking


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, AttributeError):  # someone else's, or no kill (Pyodide)
        return True
    return True


def _stale(path: Path, now: float, stale_after: float) -> bool:
    """Whether a fallback lock file's holder is gone (same host, dead pid) or it is too old."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        return False
    except OSError:
        return True
    host, _, pid = text.strip().rpartition(" ")
    if host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)):
        return True
    return age > stale_after


@contextlib.contextmanager
def _lock_file(path: Path, wait: float, stale_after: float, sleep: float = 0.02) -> Iterator[None]:
    """The fallback lock: a file made with ``O_EXCL`` naming its holder."""
    deadline = time.monotonic() + wait
    me = f"{socket.gethostname()} {os.getpid()}".encode()
    while True:
        refuse_symlink(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        except FileExistsError:
            if _stale(path, time.time(), stale_after):
                # Rename before deleting, so two waiters cannot both remove a fresh lock.
                grave = path.with_name(f"{path.name}.stale-{os.getpid()}-{time.monotonic_ns()}")
                with contextlib.suppress(OSError):
                    path.replace(grave)
                    grave.unlink()
                continue
            if time.monotonic() > deadline:
                raise LockTimeout(
                    errno.EAGAIN,
                    f"another notebook is still saving in {path.parent}; try again in a moment",
                ) from None
            time.sleep(sleep)
            continue
        try:
            os.write(fd, me)
        finally:
            os.close(fd)
        break
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


@contextlib.contextmanager
def locked(
    folder: str | Path,
    name: str = ".answers.lock",
    wait: float = LOCK_WAIT,
    stale_after: float = STALE_AFTER,
) -> Iterator[None]:
    """Hold an exclusive lock on a folder while the block runs.

    Parameters
    ----------
    folder : str or Path
        Created if missing.
    name : str
        The lock file's name inside it.
    wait : float
        Seconds to wait for the fallback lock.
    stale_after : float
        Age in seconds after which a fallback lock is taken over.

    Raises
    ------
    SymlinkError
        If the lock file is a symbolic link.
    LockTimeout
        If the fallback lock stayed held longer than ``wait``.
    """
    folder = ensure_folder(folder)
    path = folder / name
    if fcntl is None:
        with _lock_file(path.with_name(name + ".excl"), wait, stale_after):
            yield
        return
    refuse_symlink(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
