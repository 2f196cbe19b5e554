"""The one memo cache the widgets keep their rendered views in: bounded, least recently used first.

A widget renders each setting of its controls once; going back to a setting is a lookup. The cache
is bounded so that a learner typing hundreds of different terms never grows a kernel's memory
without limit: past ``limit`` entries, the least recently used entry goes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

__all__ = ["Memo"]

T = TypeVar("T")


class Memo:
    """A bounded least-recently-used cache of computed values.

    Parameters
    ----------
    limit : int
        At most this many entries are kept (at least 1).

    Examples
    --------
    >>> memo = Memo(limit=2)
    >>> memo.get(("a",), lambda: 1), memo.get(("a",), lambda: 2)
    (1, 1)
    >>> _ = memo.get(("b",), lambda: 3); _ = memo.get(("c",), lambda: 4)
    >>> ("a",) in memo, len(memo)
    (False, 2)
    """

    def __init__(self, limit: int = 5000) -> None:
        self.limit = max(1, int(limit))
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept under ``key``, computed by ``make()`` the first time.

        Parameters
        ----------
        key : hashable
            Names the value; callers make a key's first element say what kind of value it is,
            so one key always holds one type.
        make : callable
            Computes the value when it is not kept.

        Returns
        -------
        object
        """
        if key in self._items:
            self._items.move_to_end(key)
            return cast(T, self._items[key])
        value = make()
        self._items[key] = value
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._items.clear()
