"""Deliver a server callback on a daemon thread: HTTP GET, retried until 200, each try recorded.

Never inside the request: the receiving shop may run in this very process on one thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from flask import Flask

from shop.sandbox.models import db
from shop.sandbox.payneteasy.models import CallbackAttempt
from shop.sandbox.payneteasy.wire import Fields

log = logging.getLogger(__name__)

EXTENSION = "sandbox_payneteasy"
TIMEOUT = (2, 5)  # seconds: connect, read


@dataclass
class DeliveryState:
    """Per-app bookkeeping so tests and shutdown can stop and join the delivery threads."""

    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Delivery:
    """One callback to deliver: where, what, and the delays before each attempt."""

    paynet_id: int
    event: str
    trigger: str
    url: str
    params: Fields
    delays: tuple[float, ...]


def parse_delays(raw: object) -> tuple[float, ...]:
    """Read "0,1,2,4,8" as the seconds to wait before each attempt; refuse a bad list."""
    try:
        delays = tuple(float(part) for part in str(raw).split(","))
    except ValueError:
        raise ValueError(f"SANDBOX_PAYNETEASY_CALLBACK_DELAYS is not a list: {raw!r}") from None
    if any(not 0 <= delay <= 86400 for delay in delays):
        raise ValueError(f"SANDBOX_PAYNETEASY_CALLBACK_DELAYS out of range: {raw!r}")
    return delays


def state(app: Flask) -> DeliveryState:
    """Get (or make) the app's delivery bookkeeping."""
    return app.extensions.setdefault(EXTENSION, DeliveryState())


def start(app: Flask, delivery: Delivery) -> None:
    """Run the delivery on a daemon thread and return at once."""
    bookkeeping = state(app)
    thread = threading.Thread(
        target=_run, args=(app, delivery, bookkeeping.stop), daemon=True, name="paynet-callback"
    )
    with bookkeeping.lock:
        bookkeeping.threads = [t for t in bookkeeping.threads if t.is_alive()] + [thread]
        thread.start()


def shutdown(app: Flask, timeout: float = 5.0) -> None:
    """Stop pending retries for good and wait for the threads (tests: before dropping the db)."""
    bookkeeping = state(app)
    bookkeeping.stop.set()
    with bookkeeping.lock:
        threads = list(bookkeeping.threads)
    for thread in threads:
        thread.join(timeout)


def _run(app: Flask, delivery: Delivery, stop: threading.Event) -> None:
    """Try once per delay entry until an HTTP 200; never let an exception escape the thread."""
    for number, delay in enumerate(delivery.delays, start=1):
        if stop.wait(delay):
            return
        status, error = _attempt(delivery)
        try:
            _record(app, delivery, number, status, error)
        except Exception:
            log.exception("could not record callback attempt for order %s", delivery.paynet_id)
        if status == 200:
            return
    log.warning("callback for order %s given up", delivery.paynet_id)


def _attempt(delivery: Delivery) -> tuple[int | None, str | None]:
    """Send one GET; report the HTTP status, or the transport error's class name."""
    try:
        response = requests.get(
            delivery.url, params=delivery.params, timeout=TIMEOUT, allow_redirects=False
        )
        response.close()
    except requests.RequestException as error:
        return None, type(error).__name__
    return response.status_code, None


def _record(
    app: Flask, delivery: Delivery, number: int, status: int | None, error: str | None
) -> None:
    """Store the attempt (URL without query string or credentials) and log it."""
    url = public_url(delivery.url)
    with app.app_context():
        attempt = CallbackAttempt(
            paynet_id=delivery.paynet_id,
            event=delivery.event,
            trigger=delivery.trigger,
            attempt=number,
            url=url,
            http_status=status,
            error=error,
            at=float(app.config["SANDBOX_CLOCK"]()),
        )
        db.session.add(attempt)
        db.session.commit()
    log.info(
        "callback order=%s %s attempt=%s url=%s -> %s",
        delivery.paynet_id,
        delivery.event,
        number,
        url,
        status or error,
    )


def public_url(url: str) -> str:
    """Keep scheme, host, port and path: the query string may hold the merchant's token."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    return f"{parts.scheme}://{netloc}{parts.path}"
