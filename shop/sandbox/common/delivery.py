"""Deliver gateway callbacks on daemon threads: HTTP GET, retried until 200, each try recorded.

Shared by the RBS and the PaynetEasy simulators; each logs the tries in a table of its own.
Never inside the request: the receiving shop may run in this very process on one thread.
shutdown(app) stops every callback thread of the app, whichever gateway started it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask

from shop.sandbox.common.clock import now_s
from shop.sandbox.common.db import db

log = logging.getLogger(__name__)

EXTENSION = "sandbox_callbacks"
TIMEOUT = (2, 5)  # seconds: connect, read

Params = Mapping[str, str] | Sequence[tuple[str, str]]
# Logs one try inside an app context: (attempt number, HTTP status or None, error or None).
Recorder = Callable[[int, int | None, str | None], None]


@dataclass
class DeliveryState:
    """Per-app bookkeeping so tests and shutdown can stop and join the delivery threads."""

    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Job:
    """One callback to deliver: where, what, the delays before each try, how to log a try."""

    label: str  # for the log, e.g. "rbs <mdOrder> deposited"
    url: str
    params: Params
    delays: tuple[float, ...]
    record: Recorder


@dataclass(frozen=True)
class Tries:
    """Logs the delivery tries of one callback as rows of the gateway's table of tries."""

    table: type[Any]  # a model with trigger, attempt, url, http_status, error and at columns
    callback: Mapping[str, Any]  # the columns that name the callback (its order, its event)
    trigger: str  # auto | manual
    url: str  # public: no query string

    def record(self, number: int, status: int | None, error: str | None) -> None:
        """Store one try, timed by the sandbox clock (runs in the app's context)."""
        row = self.table(
            **self.callback,
            trigger=self.trigger,
            attempt=number,
            url=self.url,
            http_status=status,
            error=error,
            at=now_s(),
        )
        db.session.add(row)
        db.session.commit()


def delays(app: Flask, setting: str) -> tuple[float, ...]:
    """Read a gateway's delays setting; refuse a bad list."""
    return parse_delays(app.config[setting], setting)


def parse_delays(raw: object, setting: str) -> tuple[float, ...]:
    """Read "0,1,2,4,8" as the seconds to wait before each attempt; refuse a bad list."""
    try:
        delays = tuple(float(part) for part in str(raw).split(","))
    except ValueError:
        raise ValueError(f"{setting} is not a list of seconds: {raw!r}") from None
    if any(not 0 <= delay <= 86400 for delay in delays):
        raise ValueError(f"{setting} out of range: {raw!r}")
    return delays


def state(app: Flask) -> DeliveryState:
    """Get (or make) the app's delivery bookkeeping."""
    return app.extensions.setdefault(EXTENSION, DeliveryState())


def start(app: Flask, job: Job) -> None:
    """Run the job on a daemon thread and return at once."""
    bookkeeping = state(app)
    thread = threading.Thread(
        target=_run, args=(app, job, bookkeeping.stop), daemon=True, name="sandbox-callback"
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


def _run(app: Flask, job: Job, stop: threading.Event) -> None:
    """Try once per delay entry until an HTTP 200; never let an exception escape the thread."""
    for number, delay in enumerate(job.delays, start=1):
        if stop.wait(delay):
            return
        status, error = _attempt(job)
        _record(app, job, number, status, error)
        if status == 200:
            return
    log.warning("callback %s given up after %s attempts", job.label, len(job.delays))


def _attempt(job: Job) -> tuple[int | None, str | None]:
    """Send one GET; report the HTTP status, or the transport error's class name."""
    try:
        response = requests.get(job.url, params=job.params, timeout=TIMEOUT, allow_redirects=False)
        response.close()
    except requests.RequestException as error:
        return None, type(error).__name__
    return response.status_code, None


def _record(app: Flask, job: Job, number: int, status: int | None, error: str | None) -> None:
    """Let the job log the try; a failing log must not kill the retries."""
    try:
        with app.app_context():
            job.record(number, status, error)
    except Exception:
        log.exception("could not record callback attempt %s of %s", number, job.label)
    log.info(
        "callback %s attempt=%s url=%s -> %s",
        job.label,
        number,
        public_url(job.url),
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
