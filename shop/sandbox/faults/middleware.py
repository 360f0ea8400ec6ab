"""The WSGI layer that finds the fault armed for a call and applies it."""

from __future__ import annotations

import logging
import re

from flask import Flask

from shop.sandbox.common.db import db
from shop.sandbox.faults.behaviours import FAULTS, Armed, WSGIApp, apply, refuse
from shop.sandbox.faults.limits import DELAYING, MAX_MS, SETTING, DelayGate, LimitError, bounded
from shop.sandbox.faults.models import ArmedFault

log = logging.getLogger(__name__)
_RBS = re.compile(r"^/payment/rest/([A-Za-z]+\.do)$")
_PNE = re.compile(r"^/paynet/api/v2/([a-z-]+)/")


def api_method(path: str) -> tuple[str, str] | None:
    """(provider, method) of an API call; None for pages, callbacks and control calls."""
    if match := _RBS.match(path):
        return "rbs", match.group(1)
    if match := _PNE.match(path):
        return "payneteasy", match.group(1)
    return None


def claim(app: Flask, method: str, provider: str) -> Armed | None:
    """Take one use of the first fault armed for this method, atomically."""
    with app.app_context():
        rows = db.session.execute(
            db.select(ArmedFault)
            .where(ArmedFault.method.in_([method, "*"]), ArmedFault.remaining > 0)
            .order_by(ArmedFault.id)
            .with_for_update()
        ).scalars()
        for row in rows:
            taken = db.session.execute(
                db.update(ArmedFault)
                .where(ArmedFault.id == row.id, ArmedFault.remaining == row.remaining)
                .values(remaining=row.remaining - 1)
            )
            if taken.rowcount == 1:
                armed = Armed(row.fault, row.ms, provider)
                db.session.commit()
                return armed
        db.session.rollback()
        return None


class FaultInjector:
    """Wraps the sandbox's WSGI app; calls without a fault pass straight through."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        self.gate = DelayGate(bounded(app.config[SETTING], SETTING, 1000))

    def __call__(self, environ: dict, start_response):
        target = api_method(environ.get("PATH_INFO", ""))
        if target is None:
            return self.inner(environ, start_response)
        provider, method = target
        try:
            armed = self._armed(environ, method, provider)
        except LimitError as error:
            return refuse(start_response, provider, "400 Bad Request", f"X-Sandbox-Fault: {error}")
        if armed is None:
            return self.inner(environ, start_response)
        log.info("sandbox fault=%s method=%s", armed.fault, method)
        if armed.fault not in DELAYING:
            return apply(armed, self.inner, environ, start_response)
        if not self.gate.enter():
            message = f"Too many delaying faults in progress ({SETTING}={self.gate.limit})"
            return refuse(start_response, provider, "429 Too Many Requests", message)
        try:
            return apply(armed, self.inner, environ, start_response)
        finally:
            self.gate.leave()

    def _armed(self, environ: dict, method: str, provider: str) -> Armed | None:
        header = environ.get("HTTP_X_SANDBOX_FAULT", "").strip()
        if header:
            fault, _, ms = header.partition(";ms=")
            if fault in FAULTS:
                return Armed(fault, bounded(ms or "0", "ms", MAX_MS), provider)
        return claim(self.app, method, provider)
