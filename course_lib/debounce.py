"""Save while typing, at most a second behind, without saving on every key press.

:class:`Debouncer` is pure wiring with an injectable clock and scheduler, so it is tested
headlessly with a fake clock. Its rule: a change is flushed at once if the last flush was at
least ``delay`` seconds ago; otherwise one flush is scheduled for ``delay`` seconds after the
last one. So the saved copy is never more than ``delay`` behind the typing, and a burst of key
presses costs one save per ``delay``. :meth:`Debouncer.flush` saves now (when the learner moves
on to another control, exports, or the kernel exits).

In a kernel the flush is scheduled on the running asyncio loop (the thread that runs widget
callbacks); elsewhere on a daemon :class:`threading.Timer` (changes and flushes then take
:attr:`Debouncer.lock`); where there are no threads either, a change is saved at once.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["Debouncer", "Handle", "default_schedule"]


class Handle(Protocol):
    """What a scheduler returns: something that can be cancelled."""

    def cancel(self) -> Any:
        """Stop the call if it has not run yet."""


def default_schedule(delay: float, callback: Callable[[], None]) -> Handle:
    """Run ``callback`` after ``delay`` seconds: on the running event loop, else on a timer.

    Parameters
    ----------
    delay : float
    callback : callable

    Returns
    -------
    Handle
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        timer = threading.Timer(max(0.0, delay), callback)
        timer.daemon = True
        try:
            timer.start()
        except RuntimeError:  # no threads (Pyodide without a loop): save now instead of later
            callback()
        return timer
    return loop.call_later(max(0.0, delay), callback)


class Debouncer:
    """Calls ``action`` at most once per ``delay`` seconds while changes keep coming.

    Parameters
    ----------
    action : callable
        What a flush does (save the draft).
    delay : float
        The longest the saved copy may lag behind (seconds).
    clock : callable
        Monotonic seconds (injectable for tests).
    schedule : callable
        ``schedule(delay, callback) -> Handle`` (injectable for tests).

    Examples
    --------
    >>> now = [100.0]; saves = []; pending = []
    >>> d = Debouncer(lambda: saves.append(now[0]), 1.0, clock=lambda: now[0],
    ...               schedule=lambda s, f: pending.append(f) or _Never())
    >>> d.touch(); saves                    # the first change after a pause: saved at once
    [100.0]
    >>> now[0] = 100.3; d.touch(); saves    # 0.3 s later: waits, one flush scheduled
    [100.0]
    >>> now[0] = 101.0; pending.pop()(); saves
    [100.0, 101.0]
    """

    def __init__(
        self,
        action: Callable[[], None],
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        schedule: Callable[[float, Callable[[], None]], Handle] = default_schedule,
    ) -> None:
        self.action = action
        self.delay = float(delay)
        self.clock = clock
        self.schedule = schedule
        self.pending = False
        #: Held while a change is recorded or flushed (callers may hold it too).
        self.lock = threading.RLock()
        self._last = float("-inf")
        self._handle: Handle | None = None
        #: The last error a scheduled flush met (``None`` if none).
        self.error: Exception | None = None
        ref = weakref.ref(self)
        self._exit = lambda: (d := ref()) is not None and d.flush()
        atexit.register(self._exit)

    def touch(self) -> None:
        """Record a change; flush now or schedule one flush (see the module docstring)."""
        with self.lock:
            self.pending = True
            wait = self._last + self.delay - self.clock()
            if wait <= 0:
                self.flush()
            elif self._handle is None:
                handle = self.schedule(wait, self._fire)
                if self.pending:  # a scheduler that ran the flush at once leaves nothing to cancel
                    self._handle = handle

    def _fire(self) -> None:
        """The scheduled flush. It runs outside any caller, so an error is kept, not raised."""
        with self.lock:
            self._handle = None
            try:
                self.flush()
            except Exception as exc:
                self.error = exc

    def flush(self) -> bool:
        """Run the action now if a change is waiting.

        Returns
        -------
        bool
            Whether the action ran.
        """
        with self.lock:
            if self._handle is not None:
                self._handle.cancel()
                self._handle = None
            if not self.pending:
                return False
            self.pending = False
            self._last = self.clock()
            self.action()
            return True

    def close(self) -> None:
        """Flush and stop listening for the kernel's exit."""
        self.flush()
        atexit.unregister(self._exit)


class _Never:
    """A handle that was never going to run (for examples)."""

    def cancel(self) -> None:
        """Nothing to stop."""
