"""When an RBS callback goes out, to which URL, with what (rbs.md §5); delivery is common's.

An HTTP GET to the merchant after each change: mdOrder, orderNumber, operation (approved,
deposited, reversed, refunded, declinedByTimeout), status (1 done, 0 failed; a declined payment
is deposited/0), amount, and the checksum of signing.py (none when SANDBOX_RBS_CALLBACK_KEY is
empty). The target is the order's dynamicCallbackUrl, else SANDBOX_RBS_CALLBACK_URL (neither:
no callback). Each callback is recorded (an RbsNotification, its parameters frozen) once its
change is committed, and sent from that record on a background thread, retried until HTTP 200
with SANDBOX_RBS_CALLBACK_DELAYS; SANDBOX_RBS_CALLBACKS "manual" only records them, for the
control endpoint to send.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Flask, current_app

from shop.sandbox.common import delivery
from shop.sandbox.common.clock import now_s
from shop.sandbox.common.db import db
from shop.sandbox.faults import callbacks as callback_faults
from shop.sandbox.rbs.models import GatewayOrder, RbsCallbackAttempt, RbsNotification
from shop.sandbox.rbs.signing import checksum

MODES = ("auto", "manual")
MODE_SETTING = "SANDBOX_RBS_CALLBACKS"
DELAYS_SETTING = "SANDBOX_RBS_CALLBACK_DELAYS"


def init_app(app: Flask) -> None:
    """Refuse bad callback settings at startup rather than on the first payment."""
    mode = app.config[MODE_SETTING]
    if mode not in MODES:
        raise ValueError(f"{MODE_SETTING} must be auto or manual, not {mode!r}")
    delivery.delays(app, DELAYS_SETTING)
    url = str(app.config["SANDBOX_RBS_CALLBACK_URL"] or "")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError(f"SANDBOX_RBS_CALLBACK_URL must be an absolute http(s) URL: {url!r}")
    delivery.state(app)


def target_url(order: GatewayOrder) -> str | None:
    """The order's dynamicCallbackUrl, else SANDBOX_RBS_CALLBACK_URL; None without either."""
    return order.callback_url or str(current_app.config["SANDBOX_RBS_CALLBACK_URL"] or "") or None


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


def notify(order: GatewayOrder, operation: str, success: bool, amount: int | None = None) -> None:
    """Record the callback of a committed change and, in auto mode, start delivering it."""
    url = target_url(order)
    if url is None:
        return
    note = RbsNotification(
        md_order=order.md_order,
        operation=operation,
        url=url,
        params=json.dumps(callback_params(order, operation, success, amount)),
        created_at=now_s(),
    )
    db.session.add(note)
    db.session.commit()
    if current_app.config[MODE_SETTING] == "manual":
        return
    app: Flask = current_app._get_current_object()  # the thread outlives the request
    note_id = note.id
    delays = delivery.delays(app, DELAYS_SETTING)
    callback_faults.schedule(app, lambda tries: _start(app, note_id, "auto", tries), delays)


def send_now(note: RbsNotification) -> str:
    """Send a recorded callback once more, now, in the background; its URL without query."""
    _start(current_app._get_current_object(), note.id, "manual", (0.0,))
    return delivery.public_url(note.url)


def _start(app: Flask, note_id: int, trigger: str, delays: tuple[float, ...]) -> None:
    """Deliver a recorded callback on a daemon thread; the shop may be served by this process."""
    note = db.session.get(RbsNotification, note_id)
    if note is None:
        return
    callback = {"notification_id": note.id, "md_order": note.md_order, "operation": note.operation}
    tries = delivery.Tries(RbsCallbackAttempt, callback, trigger, delivery.public_url(note.url))
    job = delivery.Job(
        label=f"rbs {note.md_order} {note.operation}",
        url=note.url,
        params=json.loads(note.params),
        delays=delays,
        record=tries.record,
    )
    delivery.start(app, job)
