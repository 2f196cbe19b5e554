"""Shuffles for the order a learner sees a question's options in (see ``option_order``).

The bank order is the key and never changes; what changes is only the order of display. It is
drawn from ``sha256(f"{learner_key}:{qid}")``, so one learner sees the same order every time (a
reload, a restart, another notebook on the same answers folder) and two learners usually see
different ones. The draws are SHA-256 in counter mode, not :mod:`random`, whose shuffle is not
promised to stay the same across Python versions.

An option marked ``"pin": true`` keeps its bank position ("All of the above" stays last); the
others are shuffled into the remaining places. An ordering question's items are all shuffled,
and never shown already in the right order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["shuffled_options", "shuffled_unsolved"]

#: Reshuffles tried before an ordering falls back to a rotation of the answer.
_MAX_ROUNDS = 64


def _draws(learner_key: str, qid: str) -> Iterator[int]:
    """An endless, reproducible stream of 256-bit integers for one learner and one question."""
    seed = hashlib.sha256(f"{learner_key}:{qid}".encode()).digest()
    counter = 0
    while True:
        yield int.from_bytes(hashlib.sha256(seed + counter.to_bytes(8, "big")).digest(), "big")
        counter += 1


def _shuffle(items: Sequence[str], draws: Iterator[int]) -> list[str]:
    """Fisher-Yates with the given draws (a 256-bit draw modulo a small n is unbiased enough)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = next(draws) % (i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def _check_key(learner_key: object) -> str:
    if not isinstance(learner_key, str):
        raise TypeError(f"learner_key must be a string, not {type(learner_key).__name__}")
    return learner_key


def shuffled_options(
    question: Mapping[str, Any], learner_key: str, *, honour_pins: bool = True
) -> list[str]:
    """Option ids shuffled for one learner, pinned options in their bank places (pure).

    Parameters
    ----------
    question : dict
    learner_key : str
        The learner's stable id (:func:`course_lib.profile.load_profile`).
    honour_pins : bool
        Keep options with ``"pin": true`` where the bank puts them.

    Returns
    -------
    list of str
    """
    options = list(question.get("options", []))
    ids = [o["id"] for o in options]
    free = [i for i, o in enumerate(options) if not (honour_pins and o.get("pin") is True)]
    mixed = _shuffle([ids[i] for i in free], _draws(_check_key(learner_key), question["id"]))
    for slot, option_id in zip(free, mixed, strict=True):
        ids[slot] = option_id
    return ids


def shuffled_unsolved(question: Mapping[str, Any], learner_key: str) -> list[str]:
    """An ordering question's items shuffled for one learner, never already in order (pure).

    Shuffles again (with the next draws of the same stream, so still reproducible) until the
    order differs from ``correct_order``.

    Parameters
    ----------
    question : dict
    learner_key : str

    Returns
    -------
    list of str
    """
    ids = [o["id"] for o in question.get("options", [])]
    target = list(question["correct_order"])
    draws = _draws(_check_key(learner_key), question["id"])
    for _ in range(_MAX_ROUNDS):
        order = _shuffle(ids, draws)
        if order != target:
            return order
    return target[1:] + target[:1]  # pragma: no cover - 2**-64 for two items
