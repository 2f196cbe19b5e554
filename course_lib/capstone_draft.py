"""The capstone draft on disk: saved field by field, merged, and never lost.

The draft is ``capstone_draft.json`` in the answers folder. Each field (the essay, the list of
evidence, each rubric box) is saved with the time it was last changed (UTC)::

    {"v": 2, "fields": {"essay": {"value": "...", "at": "2026-12-04T14:05:03.123456Z"},
                        "evidence": {"value": [{"turn": 9, "speaker": "Liu", "quote": "..."}],
                                     "at": "..."},
                        "checks.claim": {"value": true, "at": "..."}}}

Saving (:func:`save_fields`) reads what is on disk under a lock, keeps the newer version of each
field (:func:`merge_fields`) and writes the result atomically. So two widgets on the same folder
(two notebooks, or a cell run twice) never erase each other's work: one can type the essay while
the other ticks the rubric, and both survive.

A draft that cannot be read as it is (a byte-order mark is fine; not UTF-8, JSON cut short, a
JSON list, values of the wrong kind) is kept aside byte for byte as
``capstone_draft.json.corrupt-<time>``; whatever can still be read is loaded (text decoded as
Latin-1, a truncated file closed, the first draft-like object of a list), saved as a clean draft,
and the learner is told. Evidence that is no longer word for word in its turn is kept and flagged
(:attr:`course_lib.capstone.Evidence.problem`), never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from course_lib import fileio
from course_lib.capstone import RUBRIC, CapstoneState, evidence_from_dict
from course_lib.localtime import parse_utc, utc_now

__all__ = [
    "DRAFT_NAME",
    "Draft",
    "answers_dir",
    "decode_draft",
    "fields_from_state",
    "load_draft",
    "merge_fields",
    "read_draft",
    "save_draft",
    "save_fields",
    "state_from_fields",
]

#: The draft's file name inside the answers folder.
DRAFT_NAME = "capstone_draft.json"
LOCK_NAME = ".capstone.lock"
DRAFT_VERSION = 2
#: A field: its value and when it last changed (ISO 8601 UTC; ``""`` = unknown, the oldest).
Field = tuple[Any, str]
Fields = dict[str, Field]

_CHECK_KEYS = {f"checks.{k}" for k, _ in RUBRIC}
_OLDEST = datetime.min.replace(tzinfo=UTC)
_MAX_REPAIR = 400  # characters trimmed from the end of a cut-short file before giving up


def answers_dir(env: Mapping[str, str] | None = None) -> Path:
    """The learner's answers folder (the same as the guided questions').

    Parameters
    ----------
    env : mapping, optional
        Environment variables (defaults to ``os.environ``).

    Returns
    -------
    Path
        See :func:`course_lib.store.default_folder`.
    """
    from course_lib.store import default_folder

    return default_folder(env)


# ----------------------------------------------------------------------------- pure


def _when(at: str) -> datetime:
    return parse_utc(at) or _OLDEST


def merge_fields(disk: Mapping[str, Field], mine: Mapping[str, Field]) -> Fields:
    """Field by field, the newer change wins; on a tie, ``mine`` wins (pure).

    Parameters
    ----------
    disk : mapping
        What another widget saved.
    mine : mapping
        This widget's fields.

    Returns
    -------
    dict

    Examples
    --------
    >>> merge_fields({"essay": ("long", "2026-01-01T10:00:00Z"), "checks.claim": (False, "")},
    ...              {"essay": ("", ""), "checks.claim": (True, "2026-01-01T09:00:00Z")})
    {'essay': ('long', '2026-01-01T10:00:00Z'), 'checks.claim': (True, '2026-01-01T09:00:00Z')}
    """
    merged: Fields = dict(disk)
    for key, (value, at) in mine.items():
        if key not in merged or _when(at) >= _when(merged[key][1]):
            merged[key] = (value, at)
    return merged


def _evidence_value(evidence: list[Any]) -> list[dict[str, Any]]:
    return [{"turn": x.turn, "speaker": x.speaker, "quote": x.quote} for x in evidence]


def fields_from_state(state: CapstoneState, at: str | None = None) -> Fields:
    """Every field of a state, each stamped ``at`` (pure).

    Parameters
    ----------
    state : CapstoneState
    at : str, optional
        Defaults to now.

    Returns
    -------
    dict
    """
    at = at or utc_now(precise=True)
    fields: Fields = {"essay": (state.essay, at), "evidence": (_evidence_value(state.evidence), at)}
    for key, _text in RUBRIC:
        fields[f"checks.{key}"] = (bool(state.checks.get(key)), at)
    return fields


def state_from_fields(
    fields: Mapping[str, Field], turns: pd.DataFrame | None = None
) -> CapstoneState:
    """The state the fields describe; evidence that no longer checks out is kept, flagged (pure).

    Parameters
    ----------
    fields : mapping
    turns : DataFrame, optional
        If given, every quotation is checked against its turn again.

    Returns
    -------
    CapstoneState
    """
    essay = fields.get("essay", ("", ""))[0]
    items = fields.get("evidence", ([], ""))[0]
    evidence = [e for e in (evidence_from_dict(x, turns) for x in items or []) if e is not None]
    checks = {k[len("checks.") :]: bool(v) for k, (v, _at) in fields.items() if k in _CHECK_KEYS}
    name = fields.get("name", ("", ""))[0]
    return CapstoneState(
        essay=essay if isinstance(essay, str) else "",
        evidence=evidence,
        checks=checks,
        name=name if isinstance(name, str) else "",
    )


def _field_problem(key: str, value: Any) -> str:
    if key in ("essay", "name") and not isinstance(value, str):
        return f"the {key} is not text"
    if key == "evidence":
        if not isinstance(value, list):
            return "the evidence is not a list"
        if not all(isinstance(x, dict) for x in value):
            return "an evidence item could not be read"
    if key in _CHECK_KEYS and not isinstance(value, bool):
        return f"the rubric box {key[7:]!r} is not ticked or unticked"
    return ""


def _clean_field(key: str, value: Any) -> Any:
    """What can be kept of a field whose value is of the wrong kind (``None`` for nothing)."""
    if key == "evidence" and isinstance(value, list):
        return [x for x in value if isinstance(x, dict)]
    return None


def _raw_fields(data: dict[str, Any]) -> tuple[dict[str, tuple[Any, Any]], list[str]]:
    """Field name to (value, time) from a draft of version 2, or version 1's flat dict."""
    problems: list[str] = []
    raw: dict[str, tuple[Any, Any]] = {}
    if isinstance(data.get("fields"), dict):
        for key, entry in data["fields"].items():
            if isinstance(entry, dict) and "value" in entry:
                raw[str(key)] = (entry["value"], entry.get("at", ""))
            else:
                problems.append(f"the field {str(key)[:30]!r} could not be read")
        return raw, problems
    # version 1: {"essay": ..., "evidence": [...], "checks": {...}, "name": ...}
    if data and not {"essay", "evidence", "checks", "name", "question"} & set(data):
        problems.append("it is not a capstone draft")
    raw = {key: (data[key], "") for key in ("essay", "evidence", "name") if key in data}
    checks = data.get("checks", {})
    if isinstance(checks, dict):
        raw |= {f"checks.{key}": (value, "") for key, value in checks.items()}
    else:
        problems.append("the rubric could not be read")
    return raw, problems


def _fields_from_json(data: object) -> tuple[Fields, list[str]]:
    """Fields from a parsed draft, keeping what fits, and what was wrong."""
    if not isinstance(data, dict):
        return {}, ["it is not a draft"]
    raw, problems = _raw_fields(data)
    fields: Fields = {}
    for key, (value, at) in raw.items():
        if key.startswith("checks.") and key not in _CHECK_KEYS:
            continue  # a criterion the rubric no longer has
        problem = _field_problem(key, value)
        if problem:
            problems.append(problem)
            value = _clean_field(key, value)
            if value is None:
                continue
        fields[key] = (value, at if isinstance(at, str) and parse_utc(at) is not None else "")
    return fields, problems


def _scan(text: str, tail_from: int) -> dict[int, tuple[str, bool, bool]]:
    """For each cut point from ``tail_from`` on: open brackets, inside a string, after a \\."""
    stack: list[str] = []
    in_string = escaped = False
    states: dict[int, tuple[str, bool, bool]] = {}
    for i, ch in enumerate(text):
        if i >= tail_from:
            states[i] = ("".join(stack), in_string, escaped)
        if in_string:
            closes = ch == '"' and not escaped
            escaped = ch == "\\" and not escaped
            in_string = not closes
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
    states[len(text)] = ("".join(stack), in_string, escaped)
    return states


def _complete_json(text: str) -> object:
    """Parse JSON that was cut short by closing what is open, trimming a broken tail."""
    tail_from = max(0, len(text) - _MAX_REPAIR)
    states = _scan(text, tail_from)
    for cut in range(len(text), tail_from - 1, -1):
        opened, inside, escaped = states[cut]
        if escaped:
            continue
        closers = "".join("}" if c == "{" else "]" for c in reversed(opened))
        try:
            return json.loads(text[:cut] + ('"' if inside else "") + closers)
        except ValueError:
            continue
    raise ValueError("cannot be repaired")


def decode_draft(raw: bytes) -> tuple[Fields, list[str]]:
    """Read a draft file's bytes, saving whatever can be read (pure).

    Parameters
    ----------
    raw : bytes

    Returns
    -------
    fields : dict
    problems : list of str
        Empty when the file is a clean draft (a leading byte-order mark is not a problem).
    """
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    problems: list[str] = []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # cut in the middle of a character
            text = body[: exc.start].decode("utf-8", errors="replace")
        else:
            problems.append("it is not UTF-8 text (it was read as Latin-1)")
            try:
                text = body.decode("cp1252")
            except UnicodeDecodeError:
                text = body.decode("latin-1")
    if not text.strip():
        return {}, ([*problems, "it is empty"] if raw else problems)
    try:
        data: object = json.loads(text)
    except ValueError:
        try:
            data = _complete_json(text)
        except ValueError:
            return {}, [*problems, "it is not JSON and nothing could be read from it"]
        problems.append("it was cut short (the end is missing)")
    if isinstance(data, list):
        problems.append("it is a list, not a draft")
        data = next((x for x in data if isinstance(x, dict)), {})
    fields, more = _fields_from_json(data)
    return fields, problems + more


def _encode(fields: Mapping[str, Field]) -> str:
    body = {key: {"value": value, "at": at} for key, (value, at) in sorted(fields.items())}
    return json.dumps({"v": DRAFT_VERSION, "fields": body}, ensure_ascii=False, indent=1) + "\n"


# ----------------------------------------------------------------------------- I/O


@dataclass
class Draft:
    """A draft as read from disk.

    Attributes
    ----------
    state : CapstoneState
    fields : dict
        Field name to (value, changed-at).
    problem : str
        Why the file could not be read as it was (empty if it could).
    kept_as : Path or None
        Where the unreadable file was kept, byte for byte.
    path : Path or None
        The draft file.
    """

    state: CapstoneState = field(default_factory=CapstoneState)
    fields: Fields = field(default_factory=dict)
    problem: str = ""
    kept_as: Path | None = None
    path: Path | None = None

    def message(self) -> str:
        """What to tell the learner: the damage, where the original is, what was loaded."""
        parts = []
        if self.problem:
            where = self.kept_as.name if self.kept_as is not None else "beside it"
            essay = self.state.essay
            loaded = (
                f"your essay ({len(essay.split())} words) and the rest that could be read "
                "were loaded"
                if essay
                else "what could be read was loaded"
            )
            parts.append(
                f"Your saved draft could not be read as it was ({self.problem}). The original "
                f"is kept unchanged as {where} in your answers folder; {loaded}. Check it below."
            )
        flagged = [e for e in self.state.evidence if e.problem]
        if flagged:
            turns = ", ".join(str(e.turn) for e in flagged[:5])
            parts.append(
                f"{len(flagged)} piece{'s' if len(flagged) != 1 else ''} of evidence (turn "
                f"{turns}) no longer match the minutes word for word: they are kept and "
                "marked below; fix or remove them."
            )
        return " ".join(parts)


def _read_locked(path: Path, turns: pd.DataFrame | None) -> Draft:
    """Read the draft (the caller holds the lock); keep a damaged file aside and repair it."""
    raw = fileio.read_bytes(path)
    if raw is None:
        return Draft(path=path)
    fields, problems = decode_draft(raw)
    draft = Draft(fields=fields, path=path)
    if problems:
        draft.problem = "; ".join(dict.fromkeys(problems))
        draft.kept_as = fileio.set_aside(path, raw)
        fileio.write_atomic(path, _encode(fields))
    draft.state = state_from_fields(fields, turns)
    return draft


def read_draft(folder: str | Path | None = None, turns: pd.DataFrame | None = None) -> Draft:
    """Load the saved draft (see the module docstring for what happens to a damaged one).

    Parameters
    ----------
    folder : str or Path, optional
        Default :func:`answers_dir`.
    turns : DataFrame, optional
        To check the evidence against the minutes again.

    Returns
    -------
    Draft

    Raises
    ------
    OSError
        The folder cannot be used (a symlinked draft is refused: :class:`fileio.SymlinkError`).
    """
    folder = Path(folder) if folder is not None else answers_dir()
    path = folder / DRAFT_NAME
    if not path.exists() and not path.is_symlink():
        return Draft(path=path)
    with fileio.locked(folder, LOCK_NAME):
        return _read_locked(path, turns)


def save_fields(
    fields: Mapping[str, Field],
    folder: str | Path | None = None,
    turns: pd.DataFrame | None = None,
) -> Draft:
    """Merge these fields with the draft on disk (newer change per field wins) and save.

    Parameters
    ----------
    fields : mapping
        Field name to (value, changed-at).
    folder : str or Path, optional
        Default :func:`answers_dir`.
    turns : DataFrame, optional

    Returns
    -------
    Draft
        What is now saved (the merge), with any problem met reading the old file.
    """
    folder = Path(folder) if folder is not None else answers_dir()
    path = folder / DRAFT_NAME
    with fileio.locked(folder, LOCK_NAME):
        disk = _read_locked(path, None)
        merged = merge_fields(disk.fields, fields)
        fileio.write_atomic(path, _encode(merged))
    return Draft(
        state=state_from_fields(merged, turns),
        fields=merged,
        problem=disk.problem,
        kept_as=disk.kept_as,
        path=path,
    )


def save_draft(
    state: CapstoneState, folder: str | Path | None = None, at: str | None = None
) -> Path:
    """Save a whole state, every field stamped ``at`` (default now), merged with the disk's.

    Parameters
    ----------
    state : CapstoneState
    folder : str or Path, optional
    at : str, optional

    Returns
    -------
    Path
        The draft file.
    """
    draft = save_fields(fields_from_state(state, at), folder)
    assert draft.path is not None
    return draft.path


def load_draft(
    folder: str | Path | None = None, turns: pd.DataFrame | None = None
) -> CapstoneState:
    """The saved draft's state (an empty state if there is none); see :func:`read_draft`.

    Parameters
    ----------
    folder : str or Path, optional
    turns : DataFrame, optional

    Returns
    -------
    CapstoneState
    """
    return read_draft(folder, turns).state
