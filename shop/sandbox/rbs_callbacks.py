"""RBS callback notifications (rbs.md §5): an HTTP GET to the merchant after each change.

Parameters mdOrder, orderNumber, operation (approved, deposited, reversed, refunded,
declinedByTimeout), status (1 done, 0 failed; a declined payment is deposited/0), amount,
and checksum = uppercase hex HMAC-SHA256 over "name;value;" of all the others sorted by
name, with SANDBOX_RBS_CALLBACK_KEY (no checksum when the key is empty). The target is the
order's dynamicCallbackUrl, else SANDBOX_RBS_CALLBACK_URL (empty: no callbacks). Recorded
after the change is committed and sent on a background thread (shop/sandbox/common/delivery.py),
retried until HTTP 200 with SANDBOX_RBS_CALLBACK_DELAYS; SANDBOX_RBS_CALLBACKS "manual" only
records them, for the control endpoint (rbs_control.py) to send.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app

from shop.sandbox.common import delivery
from shop.sandbox.common.clock import now_s
from shop.sandbox.common.db import db
from shop.sandbox.faults import callbacks as callback_faults
from shop.sandbox.models import GatewayOrder, RbsCallbackAttempt, RbsNotification

MODES = ("auto", "manual")
UNSIGNED = frozenset({"checksum", "sign_alias"})


def checksum(params: Mapping[str, str], key: str) -> str:
    """HMAC-SHA256 of name;value; over every parameter but checksum and sign_alias."""
    signed = {name: value for name, value in params.items() if name not in UNSIGNED}
    text = "".join(f"{name};{signed[name]};" for name in sorted(signed))
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def init_app(app: Flask) -> None:
    """Refuse bad callback settings at startup rather than on the first payment."""
    mode = app.config["SANDBOX_RBS_CALLBACKS"]
    if mode not in MODES:
        raise ValueError(f"SANDBOX_RBS_CALLBACKS must be auto or manual, not {mode!r}")
    _delays(app)
    url = str(app.config["SANDBOX_RBS_CALLBACK_URL"] or "")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError(f"SANDBOX_RBS_CALLBACK_URL must be an absolute http(s) URL: {url!r}")


def notify(order: GatewayOrder, operation: str, success: bool, amount: int | None = None) -> None:
    """Record the callback of a committed change and, in auto mode, start delivering it."""
    config = current_app.config
    url = order.callback_url or str(config["SANDBOX_RBS_CALLBACK_URL"] or "")
    if not url:
        return
    params = callback_params(order, operation, success, amount)
    note = RbsNotification(
        md_order=order.md_order,
        operation=operation,
        url=url,
        params=json.dumps(params),
        created_at=now_s(),
    )
    db.session.add(note)
    db.session.commit()
    if config["SANDBOX_RBS_CALLBACKS"] == "manual":
        return
    app: Flask = current_app._get_current_object()  # the thread outlives the request
    note_id = note.id
    callback_faults.schedule(app, lambda tries: start(note_id, tries, app), _delays(app))


def callback_params(
    order: GatewayOrder, operation: str, success: bool, amount: int | None
) -> dict[str, str]:
    """The query parameters, signed when a key is configured; amount defaults to the order's."""
    params = {
        "mdOrder": order.md_order,
        "orderNumber": order.order_number,
        "operation": operation,
        "status": "1" if success else "0",
        "amount": str(order.amount if amount is None else amount),
    }
    key = str(current_app.config["SANDBOX_RBS_CALLBACK_KEY"] or "")
    if key:
        params["checksum"] = checksum(params, key)
    return params


def start(
    notification_id: int,
    delays: tuple[float, ...],
    app: Flask | None = None,
    trigger: str = "auto",
) -> None:
    """Deliver a recorded callback on a daemon thread; the shop may be served by this process."""
    app = app or current_app._get_current_object()
    note = db.session.get(RbsNotification, notification_id)
    if note is None:
        return
    tries = Tries(note.id, note.md_order, note.operation, trigger, delivery.public_url(note.url))
    job = delivery.Job(
        label=f"rbs {note.md_order} {note.operation}",
        url=note.url,
        params=json.loads(note.params),
        delays=delays,
        record=tries.record,
    )
    delivery.start(app, job)


@dataclass(frozen=True)
class Tries:
    """Logs the delivery tries of one notification as RbsCallbackAttempt rows."""

    notification_id: int
    md_order: str
    operation: str
    trigger: str
    url: str  # public: no query string

    def record(self, number: int, status: int | None, error: str | None) -> None:
        """Store one try, timed by the sandbox clock (runs in the app's context)."""
        attempt = RbsCallbackAttempt(
            notification_id=self.notification_id,
            md_order=self.md_order,
            operation=self.operation,
            trigger=self.trigger,
            attempt=number,
            url=self.url,
            http_status=status,
            error=error,
            at=now_s(),
        )
        db.session.add(attempt)
        db.session.commit()


def _delays(app: Flask) -> tuple[float, ...]:
    """Read SANDBOX_RBS_CALLBACK_DELAYS."""
    raw = app.config["SANDBOX_RBS_CALLBACK_DELAYS"]
    return delivery.parse_delays(raw, "SANDBOX_RBS_CALLBACK_DELAYS")
