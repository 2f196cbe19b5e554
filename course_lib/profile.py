"""The learner's profile: a stable learner id and the name they typed, kept beside their answers.

The id is made once per answers folder (``learner.json``, a random 128-bit hex string) and never
changes, so an instructor can tell two students who typed the same name apart and seed every
per-learner choice (the order of a question's options) from it. The name is typed once and shared
by every lesson and the capstone, and restored after a restart because it lives in the answers
folder, not in the notebook. Written through :mod:`course_lib.fileio` (atomic, ``0600``, never
through a symlink).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from course_lib import fileio
from course_lib.store import default_folder

__all__ = [
    "MAX_NAME",
    "PROFILE_NAME",
    "Profile",
    "adopt_profile",
    "clean_name",
    "load_profile",
    "set_learner_name",
]

#: File name of the profile inside the answers folder.
PROFILE_NAME = "learner.json"
LOCK_NAME = ".profile.lock"
#: The longest name kept (characters).
MAX_NAME = 100
_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Profile:
    """Who is answering.

    Attributes
    ----------
    learner_id : str
        32 lowercase hex digits, made once per answers folder.
    name : str
        The name the learner typed (may be empty).
    """

    learner_id: str
    name: str = ""


def clean_name(name: object) -> str:
    """A typed name as it is kept: runs of white space made one space, at most 100 characters.

    Parameters
    ----------
    name : object

    Returns
    -------
    str

    Examples
    --------
    >>> clean_name("  Mina    Park ")
    'Mina Park'
    """
    return " ".join(str(name if name is not None else "").split())[:MAX_NAME]


def _read(path: Path) -> tuple[dict[str, object], bytes | None]:
    raw = fileio.read_bytes(path)
    if raw is None:
        return {}, None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except ValueError:
        return {}, raw
    return (data if isinstance(data, dict) else {}), raw


def load_profile(folder: str | Path | None = None) -> Profile:
    """The learner's profile, made (and saved, owner-only) the first time it is asked for.

    Parameters
    ----------
    folder : str or Path, optional
        The answers folder (default :func:`course_lib.store.default_folder`).

    Returns
    -------
    Profile
        An unreadable profile file keeps its name if it can be read and otherwise gets a new id;
        the damaged file is kept, byte for byte, as ``learner.json.corrupt`` (then
        ``learner-2.json.corrupt``...).

    Raises
    ------
    OSError
        The folder cannot be written, or the profile is a symbolic link
        (:class:`course_lib.fileio.SymlinkError`).
    """
    path = Path(folder if folder is not None else default_folder()) / PROFILE_NAME
    found = _valid(*_read(path))
    if found is not None:
        return found
    with fileio.locked(path.parent, LOCK_NAME):  # two notebooks starting at once: one id
        data, raw = _read(path)
        found = _valid(data, raw)
        if found is not None:
            return found
        if raw is not None:
            fileio.write_new(path.with_name(PROFILE_NAME + ".corrupt"), raw)
        name = data.get("name")
        profile = Profile(secrets.token_hex(16), clean_name(name) if isinstance(name, str) else "")
        _save(path, profile)
    return profile


def _valid(data: dict[str, object], raw: bytes | None) -> Profile | None:
    learner_id, name = data.get("learner_id"), data.get("name")
    if isinstance(learner_id, str) and _ID.match(learner_id):
        return Profile(learner_id, clean_name(name) if isinstance(name, str) else "")
    return None


def _save(path: Path, profile: Profile) -> None:
    text = json.dumps({"learner_id": profile.learner_id, "name": profile.name}, ensure_ascii=False)
    fileio.write_atomic(path, text + "\n")


def set_learner_name(name: str, folder: str | Path | None = None) -> Profile:
    """Save the learner's name (stripped, at most 100 characters) and return the profile.

    Parameters
    ----------
    name : str
    folder : str or Path, optional

    Returns
    -------
    Profile
    """
    folder = Path(folder if folder is not None else default_folder())
    learner_id = load_profile(folder).learner_id
    profile = Profile(learner_id, clean_name(name))
    with fileio.locked(folder, LOCK_NAME):
        _save(folder / PROFILE_NAME, profile)
    return profile


def adopt_profile(learner_id: str, name: str = "", folder: str | Path | None = None) -> Profile:
    """Give the answers folder a learner id kept elsewhere (the browser's copy of a past session).

    Used by :func:`course_lib.mirror.restore`, only while the folder holds no work of its own, so
    that a learner who comes back in a new session keeps their id (and with it the order of every
    question's options).

    Parameters
    ----------
    learner_id : str
        32 lowercase hex digits.
    name : str
    folder : str or Path, optional

    Returns
    -------
    Profile

    Raises
    ------
    ValueError
        ``learner_id`` is not an id the course makes.
    """
    if not _ID.match(str(learner_id)):
        raise ValueError("a learner id is 32 lowercase hexadecimal digits")
    folder = Path(folder if folder is not None else default_folder())
    fileio.ensure_folder(folder)
    profile = Profile(learner_id, clean_name(name))
    with fileio.locked(folder, LOCK_NAME):
        _save(folder / PROFILE_NAME, profile)
    return profile
