"""The one memo cache: computes once, bounded, least recently used first."""

from __future__ import annotations

from course_lib.memo import Memo


def test_computes_once_and_evicts_the_least_recently_used():
    calls = []
    memo = Memo(limit=2)

    def make(v):
        return lambda: calls.append(v) or v

    assert memo.get("a", make(1)) == 1
    assert memo.get("a", make(99)) == 1
    memo.get("b", make(2))
    memo.get("a", make(99))  # a is now the most recent
    memo.get("c", make(3))  # b goes
    assert "a" in memo
    assert "b" not in memo
    assert calls == [1, 2, 3]
    assert len(memo) == 2
    memo.clear()
    assert len(memo) == 0


def test_limit_is_at_least_one():
    memo = Memo(limit=0)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    assert len(memo) == 1
