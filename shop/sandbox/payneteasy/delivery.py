"""PaynetEasy server callbacks through the shared sandbox delivery, each try a CallbackAttempt.

The threads, retries and shutdown live in shop/sandbox/delivery.py; shutdown, state and
public_url are re-exported here so `from shop.sandbox.payneteasy import delivery` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from shop.sandbox.common import delivery as shared
from shop.sandbox.common.clock import now_s
from shop.sandbox.common.db import db
from shop.sandbox.common.delivery import public_url, shutdown, state
from shop.sandbox.payneteasy.models import CallbackAttempt
from shop.sandbox.payneteasy.wire import Fields

__all__ = ["Delivery", "parse_delays", "public_url", "shutdown", "start", "state"]

DELAYS_SETTING = "SANDBOX_PAYNETEASY_CALLBACK_DELAYS"


@dataclass(frozen=True)
class Delivery:
    """One callback to deliver: where, what, and the delays before each attempt."""

    paynet_id: int
    event: str
    trigger: str
    url: str
    params: Fields
    delays: tuple[float, ...]

    def record(self, number: int, status: int | None, error: str | None) -> None:
        """Store one try (URL without query string or credentials) in the app's context."""
        attempt = CallbackAttempt(
            paynet_id=self.paynet_id,
            event=self.event,
            trigger=self.trigger,
            attempt=number,
            url=public_url(self.url),
            http_status=status,
            error=error,
            at=now_s(),
        )
        db.session.add(attempt)
        db.session.commit()


def parse_delays(raw: object) -> tuple[float, ...]:
    """Read SANDBOX_PAYNETEASY_CALLBACK_DELAYS; refuse a bad list."""
    return shared.parse_delays(raw, DELAYS_SETTING)


def start(app: Flask, delivery: Delivery) -> None:
    """Run the delivery on a daemon thread and return at once."""
    job = shared.Job(
        label=f"paynet order {delivery.paynet_id} {delivery.event}",
        url=delivery.url,
        params=delivery.params,
        delays=delivery.delays,
        record=delivery.record,
    )
    shared.start(app, job)
