"""Limits on faults, so that a fault asked for in a workshop cannot take the server down.

A delay lasts at most MAX_MS, an armed rule serves at most MAX_TIMES calls, and at most
SANDBOX_FAULT_MAX_DELAYED delaying faults are in progress at once in a process: mounted, the
sandbox sleeps on the shop's own worker threads. (A `delayed` callback waits on its delivery
thread, never on a request's, so it is not counted.)
"""

from __future__ import annotations

import threading

MAX_MS = 30_000
MAX_TIMES = 100
DELAYING = frozenset({"latency", "hang", "hang_after"})
SETTING = "SANDBOX_FAULT_MAX_DELAYED"


class LimitError(ValueError):
    """A fault asked for outside the limits; the message says which and why."""


def bounded(raw: object, name: str, maximum: int) -> int:
    """Read a whole number from 0 to maximum; short ASCII digits only, never a huge int()."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise LimitError(f"{name} must be a whole number from 0 to {maximum}")
    value = int(text)
    if value > maximum:
        raise LimitError(f"{name} must be at most {maximum}, not {value}")
    return value


class DelayGate:
    """Counts the delaying faults in progress; one beyond the limit is refused, not queued."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)

    def enter(self) -> bool:
        """Take a slot if one is free, without waiting."""
        return self._slots.acquire(blocking=False)

    def leave(self) -> None:
        """Give the slot back."""
        self._slots.release()
