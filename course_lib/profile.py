"""The learner's profile: a stable learner id and the name they typed, kept beside their answers.

The id is made once per answers folder (``learner.json``, a random 128-bit hex string) and never
changes, so an instructor can tell two students who typed the same name apart and seed every
per-learner choice (the order of a question's options) from it. The name is typed once and shared
by every lesson and the capstone.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from course_lib.capstone import write_atomic
from course_lib.store import default_folder

__all__ = ["PROFILE_NAME", "Profile", "load_profile", "set_learner_name"]

#: File name of the profile inside the answers folder.
PROFILE_NAME = "learner.json"
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


def _read(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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
        the damaged file is kept as ``learner.json.corrupt``.
    """
    path = Path(folder if folder is not None else default_folder()) / PROFILE_NAME
    data = _read(path)
    learner_id = data.get("learner_id")
    name = data.get("name")
    if isinstance(learner_id, str) and _ID.match(learner_id):
        return Profile(learner_id, name if isinstance(name, str) else "")
    if path.exists() and not path.is_symlink():
        path.replace(path.with_name(PROFILE_NAME + ".corrupt"))
    profile = Profile(secrets.token_hex(16), name if isinstance(name, str) else "")
    _save(path, profile)
    return profile


def _save(path: Path, profile: Profile) -> None:
    text = json.dumps({"learner_id": profile.learner_id, "name": profile.name}, ensure_ascii=False)
    write_atomic(path, text + "\n")


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
    clean = " ".join(str(name).split())[:100]
    folder = Path(folder if folder is not None else default_folder())
    profile = Profile(load_profile(folder).learner_id, clean)
    _save(folder / PROFILE_NAME, profile)
    return profile
