"""RBS callback notifications (rbs.md §5): an HTTP GET to the merchant after each change.

Parameters mdOrder, orderNumber, operation (approved, deposited, reversed, refunded,
declinedByTimeout), status (1 done, 0 failed; a declined payment is deposited/0), amount,
and checksum = uppercase hex HMAC-SHA256 over "name;value;" of all the others sorted by
name, with SANDBOX_RBS_CALLBACK_KEY (no checksum when the key is empty). Sent after the
change is committed, on a background thread, retried until HTTP 200 (delays from
SANDBOX_RBS_CALLBACK_DELAYS); "manual" mode only records them for the control endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time

import requests
from flask import Flask, current_app
from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.sandbox.faults import callbacks as callback_faults
from shop.sandbox.models import GatewayOrder, db
from shop.sandbox.payneteasy import delivery

log = logging.getLogger(__name__)
TIMEOUT = (2, 5)


class RbsNotification(db.Model):
    """One callback the gateway owes the merchant, with its exact parameters."""

    __tablename__ = "sandbox_rbs_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    md_order: Mapped[str] = mapped_column(String(36), index=True)
    url: Mapped[str] = mapped_column(String(512))
    params: Mapped[str] = mapped_column(Text)


class RbsCallbackAttempt(db.Model):
    """One delivery try: URL without its query, HTTP status or the transport error."""

    __tablename__ = "sandbox_rbs_callback_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("sandbox_rbs_notification.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(512))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[float] = mapped_column(Float)


def checksum(params: dict[str, str], key: str) -> str:
    """HMAC-SHA256 of name;value; over every parameter but checksum and sign_alias."""
    signed = {k: v for k, v in params.items() if k not in {"checksum", "sign_alias"}}
    text = "".join(f"{name};{signed[name]};" for name in sorted(signed))
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def notify(order: GatewayOrder, operation: str, success: bool, amount: int | None = None) -> None:
    """Record the callback for a committed change and, in auto mode, start delivering it."""
    config = current_app.config
    url = order.callback_url or str(config.get("SANDBOX_RBS_CALLBACK_URL") or "")
    if not url:
        return
    params = {
        "mdOrder": order.md_order,
        "orderNumber": order.order_number,
        "operation": operation,
        "status": "1" if success else "0",
        "amount": str(order.amount if amount is None else amount),
    }
    key = str(config.get("SANDBOX_RBS_CALLBACK_KEY") or "")
    if key:
        params["checksum"] = checksum(params, key)
    note = RbsNotification(md_order=order.md_order, url=url, params=json.dumps(params))
    db.session.add(note)
    db.session.commit()
    if config.get("SANDBOX_RBS_CALLBACKS", "auto") != "manual":
        delays = delivery.parse_delays(config.get("SANDBOX_RBS_CALLBACK_DELAYS", "0,1,2,4,8"))
        note_id = note.id
        app: Flask = current_app._get_current_object()
        callback_faults.schedule(app, lambda tries: start(note_id, tries, app), delays)


def start(notification_id: int, delays: tuple[float, ...], app: Flask | None = None) -> None:
    """Deliver on a daemon thread; the shop may be served by this very process."""
    app = app or current_app._get_current_object()
    bookkeeping = delivery.state(app)  # shared with PaynetEasy: one shutdown stops both
    thread = threading.Thread(
        target=_run, args=(app, notification_id, delays, bookkeeping.stop), daemon=True
    )
    with bookkeeping.lock:
        bookkeeping.threads = [t for t in bookkeeping.threads if t.is_alive()] + [thread]
        thread.start()


def _run(app: Flask, notification_id: int, delays: tuple[float, ...], stop) -> None:
    with app.app_context():
        note = db.session.get(RbsNotification, notification_id)
        url, params = note.url, json.loads(note.params)
        db.session.remove()
    for number, delay in enumerate(delays, start=1):
        if stop.wait(delay):
            return
        try:
            answer = requests.get(url, params=params, timeout=TIMEOUT, allow_redirects=False)
            status, error = answer.status_code, None
            answer.close()
        except requests.RequestException as exc:
            status, error = None, type(exc).__name__
        _record(app, notification_id, number, url, status, error)
        if status == 200:
            return
    log.warning("rbs callback %s given up", notification_id)


def _record(app, notification_id, number, url, status, error) -> None:
    try:
        with app.app_context():
            db.session.add(
                RbsCallbackAttempt(notification_id=notification_id, attempt=number,
                                   url=delivery.public_url(url), http_status=status,
                                   error=error, at=time.time())
            )  # fmt: skip
            db.session.commit()
    except Exception:
        log.exception("could not record rbs callback attempt %s", notification_id)
