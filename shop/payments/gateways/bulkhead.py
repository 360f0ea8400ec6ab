"""A bulkhead: at most so many gateway calls at once in one process, so a slow bank never
holds every worker thread; pages that do not talk to the bank keep being served, and a call
that cannot get a slot within a short wait is refused before anything is sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from shop.payments.gateways.errors import GatewayBusy


class Bulkhead:
    """`slots` calls at once; a caller waits at most `wait` seconds for one."""

    def __init__(self, slots: int, wait: float) -> None:
        if slots < 1:
            raise ValueError("a bulkhead needs at least one slot")
        self.slots = slots
        self.wait = wait
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the length of a call, or raise GatewayBusy."""
        if not self._free.acquire(timeout=self.wait):
            raise GatewayBusy("The payment gateway is busy; nothing was sent.")
        try:
            yield
        finally:
            self._free.release()
