"""Reading a folder of hand-ins safely (the only I/O of :func:`course_lib.instructor.collect`).

Only regular files are read: a symbolic link (to ``/dev/zero``, to another student's folder...),
a FIFO, a device or a socket is reported and skipped, and a file is opened with ``O_NOFOLLOW``
and ``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor, so it cannot be swapped for
something else between the check and the read. Each file is read in chunks and abandoned as soon
as it passes a size cap (5 MB by default), so a 100 MB file costs 5 MB, not 800.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FILES",
    "HandInFile",
    "HandInReadError",
    "Problem",
    "read_folder",
    "read_regular_file",
]

#: Largest file read, in bytes (a learner's export is a few kilobytes).
DEFAULT_MAX_BYTES = 5_000_000
#: Most files read from one folder.
DEFAULT_MAX_FILES = 20_000
#: File name endings collected: answer exports and capstone essays.
SUFFIXES = (".csv", ".html", ".htm", ".md")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Problem:
    """One thing the instructor should know about a hand-in.

    Attributes
    ----------
    file : str
        The file, relative to the folder collected (``""`` for the folder itself).
    line : int or None
        The 1-based line, where there is one.
    kind : str
        A short keyword: ``unreadable``, ``not_regular``, ``too_large``, ``not_export``,
        ``bad_value``, ``bad_time``, ``future_time``, ``anonymous``, ``duplicate``,
        ``conflict``, ``shared_id``, ``same_name``, ``empty``, ``capstone``, ``skipped``.
    message : str
        A plain sentence naming the file (and line).
    """

    file: str
    line: int | None
    kind: str
    message: str


@dataclass(frozen=True)
class HandInFile:
    """The bytes of one handed-in file.

    Attributes
    ----------
    name : str
        Path relative to the folder, with ``/`` separators.
    data : bytes
    """

    name: str
    data: bytes


class HandInReadError(OSError):
    """A file that cannot be read safely; ``kind`` says why (see :class:`Problem`)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def _unreadable(path: Path, exc: OSError) -> HandInReadError:
    return HandInReadError("unreadable", f"{path}: cannot be read ({exc.strerror})")


def _open_regular(path: Path) -> int:
    """Open a regular file without following a link; its descriptor."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise HandInReadError("not_regular", f"{path}: {_what(info.st_mode)}, not a regular file")
    try:
        return os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a link after the check
            raise HandInReadError("not_regular", f"{path}: a symbolic link") from None
        raise _unreadable(path, exc) from None


def _read_at_most(fd: int, path: Path, max_bytes: int) -> bytes:
    """Read an open regular file in chunks, abandoning it once it passes ``max_bytes``."""
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode):
        raise HandInReadError("not_regular", f"{path}: {_what(opened.st_mode)}, not a regular file")
    if opened.st_size > max_bytes:
        raise HandInReadError("too_large", _too_large(path, max_bytes))
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            raise HandInReadError("unreadable", f"{path}: would block") from None
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:  # the file grew after fstat, or st_size lied
            raise HandInReadError("too_large", _too_large(path, max_bytes))
        chunks.append(chunk)


def read_regular_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a regular file, refusing links, FIFOs, devices and anything over ``max_bytes``.

    Parameters
    ----------
    path : str or Path
    max_bytes : int

    Returns
    -------
    bytes

    Raises
    ------
    HandInReadError
        ``kind`` is ``not_regular``, ``too_large`` or ``unreadable``; the message names the file.
    """
    path = Path(path)
    fd = _open_regular(path)
    try:
        return _read_at_most(fd, path, max_bytes)
    except HandInReadError:
        raise
    except OSError as exc:
        raise _unreadable(path, exc) from None
    finally:
        os.close(fd)


def _too_large(path: Path, max_bytes: int) -> str:
    return (
        f"{path}: larger than {max_bytes:,} bytes, not read (an answers export is a few "
        "kilobytes; raise max_bytes if this file is genuine)"
    )


def _what(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def _root_folder(folder: str | Path) -> Path | Problem:
    """The folder to read (a link to a folder is followed), or why it cannot be read."""
    root = Path(folder).expanduser()
    try:
        info = os.lstat(root)
    except OSError as exc:
        return Problem("", None, "unreadable", f"{root}: no such folder ({exc.strerror})")
    if stat.S_ISLNK(info.st_mode):
        root = root.resolve()  # the folder itself may be a link the instructor made on purpose
        if not root.is_dir():
            return Problem("", None, "unreadable", f"{root}: not a folder")
    elif not stat.S_ISDIR(info.st_mode):
        return Problem("", None, "unreadable", f"{root}: not a folder")
    return root


@dataclass
class _Walk:
    """A walk of a folder's tree for hand-ins: names sorted, hidden ones skipped, no link followed.

    ``found`` holds ``(relative name, path)`` of each regular file with a wanted ending;
    ``problems`` everything else worth reporting.
    """

    root: Path
    wanted: tuple[str, ...]
    found: list[tuple[str, Path]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def run(self) -> None:
        """Walk the whole tree, depth first."""
        stack = [self.root]
        while stack:
            for entry in self._entries(stack.pop()):
                folder = self._visit(entry)
                if folder is not None:
                    stack.append(folder)

    def _entries(self, current: Path) -> list[os.DirEntry[str]]:
        try:
            return sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            rel = _rel(current, self.root)
            self.problems.append(
                Problem(
                    rel, None, "unreadable", f"{rel or self.root}: cannot list ({exc.strerror})"
                )
            )
            return []

    def _visit(self, entry: os.DirEntry[str]) -> Path | None:
        """Take one entry; a folder to walk next is returned."""
        if entry.name.startswith("."):
            return None
        rel = _rel(Path(entry.path), self.root)
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            self.problems.append(Problem(rel, None, "unreadable", f"{rel}: {exc.strerror}"))
            return None
        if stat.S_ISDIR(mode):
            return Path(entry.path)
        if stat.S_ISLNK(mode):
            self.problems.append(
                Problem(rel, None, "not_regular", f"{rel}: a symbolic link, not followed")
            )
        elif entry.name.lower().endswith(self.wanted):
            self._take(rel, entry, mode)
        return None

    def _take(self, rel: str, entry: os.DirEntry[str], mode: int) -> None:
        """A file with a wanted ending: found if regular, else reported."""
        if stat.S_ISREG(mode):
            self.found.append((rel, Path(entry.path)))
        else:
            self.problems.append(
                Problem(rel, None, "not_regular", f"{rel}: {_what(mode)}, not read")
            )


def _read_found(
    found: list[tuple[str, Path]], max_bytes: int
) -> tuple[list[HandInFile], list[Problem]]:
    """Read each file found; one that cannot be read safely is reported by its relative name."""
    files: list[HandInFile] = []
    problems: list[Problem] = []
    for rel, path in found:
        try:
            data = read_regular_file(path, max_bytes)
        except HandInReadError as exc:
            problems.append(Problem(rel, None, exc.kind, exc.message.replace(str(path), rel, 1)))
            continue
        files.append(HandInFile(rel, data))
    return files, problems


def read_folder(
    folder: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    suffixes: tuple[str, ...] = SUFFIXES,
) -> tuple[list[HandInFile], list[Problem]]:
    """Read every hand-in under a folder, sub-folders included, without following links.

    Hidden files and folders (names starting with ``.``) are skipped silently; anything else
    that is not a regular file is reported.

    Parameters
    ----------
    folder : str or Path
    max_bytes : int
        Per-file size cap.
    max_files : int
        Stop (and say so) after this many files.
    suffixes : tuple of str
        File name endings to read (case-insensitive).

    Returns
    -------
    files : list of HandInFile
        Sorted by name.
    problems : list of Problem
    """
    root = _root_folder(folder)
    if isinstance(root, Problem):
        return [], [root]
    walk = _Walk(root, tuple(s.lower() for s in suffixes))
    walk.run()
    found = sorted(walk.found)
    problems = walk.problems
    if len(found) > max_files:
        problems.append(
            Problem(
                "",
                None,
                "too_large",
                f"{root}: {len(found):,} files; only the first {max_files:,} were read",
            )
        )
        found = found[:max_files]
    files, unread = _read_found(found, max_bytes)
    return files, problems + unread


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
