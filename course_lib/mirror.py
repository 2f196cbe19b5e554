"""A copy of the learner's work in their browser, brought back when a new session starts.

A Binder session is thrown away with its answers folder. So every course widget holds a
:class:`course_lib.widgets._mirror.BrowserMirror`, which keeps a copy of the saved answers, the
capstone draft and the learner's profile in the browser's ``localStorage`` and, when the same
browser opens the course in a new session (a new Binder, a restarted server, a fresh
``make lab``), sends that copy back here to be merged into the answers folder.

This module holds the logic; the widget only carries text between the browser and these
functions.

- The copy is one JSON text (:func:`encode_copy`) under one key per course
  (:func:`storage_key`), not per learner id: a new session makes a new answers folder and with
  it a new learner id, and the copy is how the learner gets the old one back. On a JupyterHub
  that is not Binder, whose users may share a browser, the key also names the hub user.
- What comes back from the browser is checked like any record on disk
  (:func:`decode_copy`: :func:`course_lib.store.record_problem`,
  :func:`course_lib.capstone_draft.decode_draft`); whatever does not fit is left out and said so.
- :func:`plan_restore` decides what to write: answers not yet in the folder (the same question,
  time and response is the same answer), each appended only if it is newer than every answer the
  folder has for its question (the store's latest line wins, so an older one stays in the
  browser's copy); each draft field the browser has a newer version of; and the profile, if the
  folder holds no work of its own yet.
- :func:`merge_copies` makes the next copy from the browser's and the folder's, losing nothing
  of either; :func:`restore` and :func:`snapshot` are the only I/O.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course_lib.capstone_draft import Field, Fields, decode_draft, merge_fields
from course_lib.localtime import parse_utc
from course_lib.store import on_binder, record_problem

if TYPE_CHECKING:
    from course_lib.questions import QuestionBank

__all__ = [
    "COPY_VERSION",
    "KEY_PREFIX",
    "MAX_COPY_CHARS",
    "Copy",
    "Restore",
    "RestoreResult",
    "decode_copy",
    "encode_copy",
    "merge_copies",
    "plan_restore",
    "record_key",
    "restore",
    "restore_message",
    "slim_copy",
    "snapshot",
    "storage_key",
]

COPY_VERSION = 1
COURSE = "pyongyang1963"
#: Every key the course uses in ``localStorage`` starts with this.
KEY_PREFIX = f"{COURSE}:v{COPY_VERSION}:"
#: The largest copy kept or read (characters). Browsers allow about 5 million per site.
MAX_COPY_CHARS = 4_000_000
#: At most this many answer records are read from a copy.
MAX_RECORDS = 20_000
MIRROR_LOCK = ".mirror.lock"
_ID = re.compile(r"^[0-9a-f]{32}$")
_OLDEST = datetime.min.replace(tzinfo=UTC)
_USER = re.compile(r"[^A-Za-z0-9._@-]")


@dataclass
class Copy:
    """A learner's work as the browser keeps it.

    Attributes
    ----------
    records : list of dict
        Answer records (as in ``answers.jsonl``), oldest first.
    fields : dict
        The capstone draft: field name to (value, changed-at), as in
        :mod:`course_lib.capstone_draft`.
    learner_id : str
        The profile's id (32 hex digits), or ``""``.
    name : str
        The learner's name, or ``""``.
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    fields: Fields = field(default_factory=dict)
    learner_id: str = ""
    name: str = ""

    def is_empty(self) -> bool:
        """Whether there is nothing in it worth keeping."""
        return not (self.records or self.fields or self.learner_id or self.name)


def storage_key(env: Mapping[str, str] | None = None) -> str:
    """The ``localStorage`` key of the copy (pure).

    Parameters
    ----------
    env : mapping, optional
        Environment variables (defaults to ``os.environ``).

    Returns
    -------
    str
        ``"pyongyang1963:v1:course"``; on a JupyterHub that is not Binder
        (``JUPYTERHUB_USER`` set), ``"pyongyang1963:v1:hub-user:<name>"``, so that two hub
        users sharing one browser never receive each other's answers. The answers folder is
        not part of the key: a new session's folder is a new one.
    """
    env = os.environ if env is None else env
    key = KEY_PREFIX + "course"
    user = (env.get("JUPYTERHUB_USER") or "").strip()
    if user and not on_binder(env):
        key = KEY_PREFIX + "hub-user:" + _USER.sub("_", user)[:100]
    return key


def _when(at: object) -> datetime:
    return parse_utc(at) or _OLDEST


def record_key(record: Mapping[str, Any]) -> tuple[str, str, str]:
    """What makes two records the same answer: question, time saved, response (pure).

    Parameters
    ----------
    record : dict

    Returns
    -------
    tuple of str
    """
    response = json.dumps(record.get("response"), sort_keys=True, ensure_ascii=False)
    return str(record.get("qid")), str(record.get("saved_at", "")), response


def _by_time(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first; records saved at the same time keep their order."""
    return sorted(records, key=lambda r: _when(r.get("saved_at")))


def _union(
    first: Iterable[dict[str, Any]], second: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    seen: set[tuple[str, str, str]] = set()
    out: list[dict[str, Any]] = []
    for record in [*first, *second]:
        key = record_key(record)
        if key not in seen:
            seen.add(key)
            out.append(dict(record))
    return out


# ----------------------------------------------------------------------------- the text


def encode_copy(copy: Copy) -> str:
    """The copy as the JSON text kept in the browser (pure).

    Parameters
    ----------
    copy : Copy

    Returns
    -------
    str
    """
    body = {
        "v": COPY_VERSION,
        "course": COURSE,
        "learner_id": copy.learner_id,
        "name": copy.name,
        "records": copy.records,
        "draft": {
            key: {"value": value, "at": at} for key, (value, at) in sorted(copy.fields.items())
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def decode_copy(text: object, bank: QuestionBank | None = None) -> tuple[Copy, list[str]]:
    """Read a copy sent by the browser, keeping only what passes the store's checks (pure).

    Parameters
    ----------
    text : object
        What the browser had under the key: a JSON text, or ``None`` for nothing.
    bank : QuestionBank, optional
        Check each answer against its question, as the store does.

    Returns
    -------
    copy : Copy
    problems : list of str
        What was left out and why, in plain words (empty when everything could be used).
    """
    if text is None or text == "":
        return Copy(), []
    if not isinstance(text, str):
        return Copy(), ["this browser's copy is not text"]
    if len(text) > MAX_COPY_CHARS:
        return Copy(), ["this browser's copy is too large to be a copy of this course's answers"]
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return Copy(), ["this browser's copy is not valid JSON"]
    if not isinstance(data, dict) or data.get("course") != COURSE or data.get("v") != COPY_VERSION:
        return Copy(), ["this browser's copy is not a copy of this course's answers"]
    problems: list[str] = []
    records, bad = _records(data.get("records"), bank)
    if bad:
        problems.append(f"{_plural(bad, 'saved answer')} could not be used")
    fields, draft_problems = _draft(data.get("draft"))
    if draft_problems:
        problems.append("part of the essay draft could not be used (" + draft_problems[0] + ")")
    learner_id = data.get("learner_id")
    if not (isinstance(learner_id, str) and _ID.match(learner_id)):
        if learner_id not in (None, ""):
            problems.append("the learner id is not one the course makes")
        learner_id = ""
    from course_lib.profile import clean_name

    name = data.get("name")
    copy = Copy(
        records=records,
        fields=fields,
        learner_id=learner_id,
        name=clean_name(name) if isinstance(name, str) else "",
    )
    return copy, problems


def _records(value: object, bank: QuestionBank | None) -> tuple[list[dict[str, Any]], int]:
    if value is None:
        return [], 0
    if not isinstance(value, list):
        return [], 1
    good: list[dict[str, Any]] = []
    bad = max(0, len(value) - MAX_RECORDS)
    for record in value[:MAX_RECORDS]:
        if record_problem(record, bank) or parse_utc(record.get("saved_at")) is None:
            bad += 1
            continue
        good.append(record)
    return _union(_by_time(good), []), bad


def _draft(value: object) -> tuple[Fields, list[str]]:
    if value is None or value == {}:
        return {}, []
    if not isinstance(value, dict):
        return {}, ["it is not a draft"]
    raw = json.dumps({"v": 2, "fields": value}, ensure_ascii=False).encode("utf-8")
    return decode_draft(raw)


# ----------------------------------------------------------------------------- merging


@dataclass
class Restore:
    """What :func:`plan_restore` decided to write into the answers folder.

    Attributes
    ----------
    records : list of dict
        Answers to append, oldest first.
    fields : dict
        Draft fields to save (each newer than the folder's).
    learner_id : str
        The id to give the folder's profile (``""``: keep the folder's).
    name : str
        The name to give the profile (``""``: keep the folder's).
    older : int
        Answers missing from the folder but older than its answer to the same question: they
        stay in the browser's copy only.
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    fields: Fields = field(default_factory=dict)
    learner_id: str = ""
    name: str = ""
    older: int = 0

    def is_empty(self) -> bool:
        """Whether there is nothing to write."""
        return not (self.records or self.fields or self.learner_id or self.name)


def plan_restore(
    browser: Copy,
    disk_records: Iterable[Mapping[str, Any]],
    disk_fields: Mapping[str, Field],
    disk_learner_id: str = "",
    disk_name: str = "",
) -> Restore:
    """What of the browser's copy to write into the answers folder (pure).

    Parameters
    ----------
    browser : Copy
        From :func:`decode_copy`.
    disk_records : iterable of dict
        The folder's answers.
    disk_fields : mapping
        The folder's draft fields.
    disk_learner_id, disk_name : str
        The folder's profile (``""`` if it has none).

    Returns
    -------
    Restore
        The learner id is taken from the browser only while the folder holds no answers and no
        draft: a fresh folder (a new session) gets the learner's id back, a folder with work of
        its own keeps its id. A name is taken only when the folder has none.

    Examples
    --------
    >>> a = {"qid": "L01-01", "type": "single_choice", "response": "a",
    ...      "saved_at": "2026-01-01T10:00:00Z"}
    >>> plan = plan_restore(Copy(records=[a], learner_id="0" * 32), [], {})
    >>> len(plan.records), plan.learner_id == "0" * 32
    (1, True)
    """
    disk = [dict(r) for r in disk_records]
    present = {record_key(r) for r in disk}
    newest: dict[str, datetime] = {}
    for record in disk:
        qid, when = str(record.get("qid")), _when(record.get("saved_at"))
        newest[qid] = max(when, newest.get(qid, _OLDEST))
    missing = [r for r in _union(browser.records, []) if record_key(r) not in present]
    append = [r for r in missing if _when(r.get("saved_at")) >= newest.get(str(r["qid"]), _OLDEST)]
    fields = {
        key: (value, at)
        for key, (value, at) in browser.fields.items()
        if key not in disk_fields
        or (_when(at) > _when(disk_fields[key][1]) and value != disk_fields[key][0])
    }
    fresh = not disk and not disk_fields
    learner_id = (
        browser.learner_id
        if browser.learner_id and browser.learner_id != disk_learner_id and fresh
        else ""
    )
    name = browser.name if browser.name and not disk_name else ""
    return Restore(
        records=_by_time(append),
        fields=fields,
        learner_id=learner_id,
        name=name,
        older=len(missing) - len(append),
    )


def merge_copies(browser: Copy, disk: Copy) -> Copy:
    """The next copy to keep in the browser: everything of both (pure).

    Parameters
    ----------
    browser : Copy
        What the browser had.
    disk : Copy
        What the answers folder has now (:func:`snapshot`).

    Returns
    -------
    Copy
        Every answer of either (once each), oldest first; each draft field's newer version (the
        folder's on a tie); the folder's profile, or the browser's where the folder has none.
    """
    return Copy(
        records=_by_time(_union(disk.records, browser.records)),
        fields=merge_fields(browser.fields, disk.fields),
        learner_id=disk.learner_id or browser.learner_id,
        name=disk.name or browser.name,
    )


def slim_copy(copy: Copy) -> Copy:
    """The copy with only the latest answer to each question, for a browser short of room (pure).

    Parameters
    ----------
    copy : Copy

    Returns
    -------
    Copy
    """
    latest: dict[str, dict[str, Any]] = {}
    for record in _by_time(copy.records):
        latest[str(record["qid"])] = record
    return Copy(_by_time(latest.values()), dict(copy.fields), copy.learner_id, copy.name)


@dataclass
class RestoreResult:
    """What :func:`restore` wrote.

    Attributes
    ----------
    answers : int
        Questions whose answers came back.
    records : int
        Answer records appended (a question may have several attempts).
    fields : list of str
        Draft fields restored.
    essay_chars : int
        Characters of the essay restored (0 if the essay did not come back).
    profile : bool
        Whether the learner's id came back.
    name : str
        The name in the browser's copy.
    older : int
        See :attr:`Restore.older`.
    """

    answers: int = 0
    records: int = 0
    fields: list[str] = field(default_factory=list)
    essay_chars: int = 0
    profile: bool = False
    name: str = ""
    older: int = 0

    def restored(self) -> bool:
        """Whether any answer or any part of the draft came back."""
        return bool(self.records or self.fields)


def restore_message(result: RestoreResult, rerun: bool = False) -> str:
    """The notice shown after a restore, in plain words (pure).

    Parameters
    ----------
    result : RestoreResult
    rerun : bool
        Whether this widget must be run again to show what came back.

    Returns
    -------
    str
        ``""`` when nothing came back.

    Examples
    --------
    >>> restore_message(RestoreResult(answers=3, records=4, fields=["essay"], essay_chars=9))
    'Restored 3 answers (and your essay draft) from this browser.'
    """
    if not result.restored():
        return ""
    draft = "essay draft" if "essay" in result.fields else "capstone draft"
    if result.answers:
        what = _plural(result.answers, "answer") + (f" (and your {draft})" if result.fields else "")
    else:
        what = f"your {draft}"
    text = f"Restored {what} from this browser"
    text += f", saved by {result.name}." if result.name else "."
    if rerun:
        them = "it" if result.answers + bool(result.fields) == 1 else "them"
        text += f" Run this cell again (or Run All) to show {them} here."
    return text


# ----------------------------------------------------------------------------- I/O


def snapshot(folder: str | Path) -> Copy:
    """The answers folder's work as a copy (reads only; makes a profile if there is none).

    Parameters
    ----------
    folder : str or Path

    Returns
    -------
    Copy

    Raises
    ------
    OSError
        The folder cannot be read (:class:`course_lib.store.StoreError` says why).
    """
    from course_lib.capstone_draft import read_draft
    from course_lib.profile import load_profile
    from course_lib.store import AnswerStore

    folder = Path(folder)
    records = AnswerStore(folder).load().records
    fields = read_draft(folder).fields
    profile = load_profile(folder)
    return Copy(_by_time(records), dict(fields), profile.learner_id, profile.name)


def restore(folder: str | Path, browser: Copy) -> RestoreResult:
    """Write into the answers folder what the browser's copy has and the folder lacks.

    Parameters
    ----------
    folder : str or Path
    browser : Copy
        From :func:`decode_copy` (so already checked).

    Returns
    -------
    RestoreResult

    Raises
    ------
    OSError
        The folder cannot be written; nothing that was written before the error is lost.
    """
    from course_lib import fileio
    from course_lib.capstone_draft import read_draft, save_fields
    from course_lib.profile import PROFILE_NAME, adopt_profile, load_profile, set_learner_name
    from course_lib.store import AnswerStore

    folder = Path(folder)
    if browser.is_empty():
        return RestoreResult()
    fileio.ensure_folder(folder)
    with fileio.locked(folder, MIRROR_LOCK):  # two notebooks restoring at once: once
        store = AnswerStore(folder)
        disk_records = store.load().records
        disk_fields = read_draft(folder).fields
        had_profile = (folder / PROFILE_NAME).exists()
        profile = load_profile(folder) if had_profile else None
        plan = plan_restore(
            browser,
            disk_records,
            disk_fields,
            profile.learner_id if profile else "",
            profile.name if profile else "",
        )
        for record in plan.records:
            store.append(record)
        if plan.fields:
            save_fields(plan.fields, folder)
        if plan.learner_id:
            adopt_profile(plan.learner_id, plan.name or (profile.name if profile else ""), folder)
        elif plan.name:
            set_learner_name(plan.name, folder)
    essay = plan.fields.get("essay", ("", ""))[0]
    return RestoreResult(
        answers=len({r["qid"] for r in plan.records}),
        records=len(plan.records),
        fields=sorted(plan.fields),
        essay_chars=len(essay) if isinstance(essay, str) else 0,
        profile=bool(plan.learner_id),
        name=browser.name,
        older=plan.older,
    )
