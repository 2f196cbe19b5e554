"""Errors that name the file and line, and the one UTF-8 reader that raises them."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LocatedError", "decode_utf8", "read_bytes", "read_utf8"]


class LocatedError(ValueError):
    """A problem in a file, reported as ``"<file>, line <n>: <message>"``.

    Parameters
    ----------
    message : str
        What is wrong, in plain words.
    path : str or Path, optional
        The file.
    line : int, optional
        The 1-based line where the problem is.
    """

    #: Named in the message when no path is given.
    default_where = "<file>"

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        where = self.path or self.default_where
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {message}")


def read_utf8(path: str | Path, error: type[LocatedError]) -> str:
    """Read a file as UTF-8 text, raising ``error`` with the file (and line) on failure.

    Parameters
    ----------
    path : str or Path
    error : type
        The :class:`LocatedError` subclass to raise.

    Returns
    -------
    str
        The text, unchanged.

    Raises
    ------
    LocatedError
        ``error`` if the file is missing, unreadable, or not valid UTF-8 (the line is named).
    """
    return decode_utf8(read_bytes(path, error), path, error)


def read_bytes(path: str | Path, error: type[LocatedError]) -> bytes:
    """Read a file's bytes, raising ``error`` with the file if it is missing or unreadable.

    Parameters
    ----------
    path : str or Path
    error : type
        The :class:`LocatedError` subclass to raise.

    Returns
    -------
    bytes
    """
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", path) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror})", path) from None


def decode_utf8(raw: bytes, path: str | Path, error: type[LocatedError]) -> str:
    """Decode a file's bytes as UTF-8, raising ``error`` with the file and line on failure.

    For callers that need the bytes too (to check a recorded hash) and so read them themselves.

    Parameters
    ----------
    raw : bytes
        The file's content.
    path : str or Path
        Named in the error.
    error : type
        The :class:`LocatedError` subclass to raise.

    Returns
    -------
    str

    Raises
    ------
    LocatedError
        ``error`` naming the line of the first byte that is not valid UTF-8.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8", path, line
        ) from None
