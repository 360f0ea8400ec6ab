"""RBS sandbox control endpoints, for tests and workshops (not part of the real API), JSON:

POST /payment/sandbox/orders/<mdOrder>/callback
    Send the order's latest callback again, once, in the background, with the parameters it
    had (a duplicate, or a late one). 202 {"queued": true, "operation": ..., "url": ...};
    409 when the order has no callback. Works in SANDBOX_RBS_CALLBACKS "manual" mode too,
    where it is the only way callbacks go out.
GET  /payment/sandbox/orders/<mdOrder>/callbacks
    Every callback of the order, oldest first, each with its parameters and its delivery
    tries: [{"operation", "status", "params", "url", "at", "attempts": [{"attempt",
    "trigger", "url", "http_status", "error", "at"}]}]. URLs lose their query string.
POST /payment/sandbox/sweep
    Expire every open order past its deadline now (each gets its declinedByTimeout
    callback): 200 {"expired": <count>}. The API and the hosted pages also sweep.
The order endpoints answer 404 {"error": ...} for an unknown mdOrder.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

from shop.sandbox.common import delivery
from shop.sandbox.common.control import answer, attempt_json, order_not_found
from shop.sandbox.common.db import db
from shop.sandbox.rbs import callbacks, orders
from shop.sandbox.rbs.models import GatewayOrder, RbsCallbackAttempt, RbsNotification

bp = Blueprint("sandbox_rbs_control", __name__, url_prefix="/payment/sandbox")


def _known(md_order: str) -> bool:
    """Tell whether the order exists (without expiring it: a read must not send callbacks)."""
    return db.session.get(GatewayOrder, md_order) is not None


@bp.post("/sweep")
def sweep_now() -> Response:
    """Expire what is due now."""
    return answer({"expired": orders.sweep()})


@bp.post("/orders/<md_order>/callback")
def send_callback(md_order: str) -> Response:
    """Send the latest callback once more, without waiting for it."""
    if not _known(md_order):
        return order_not_found()
    latest = db.select(RbsNotification).filter_by(md_order=md_order)
    note = db.session.execute(latest.order_by(RbsNotification.id.desc())).scalars().first()
    if note is None:
        return answer({"error": "The order has sent no callback"}, 409)
    url = callbacks.send_now(note)
    return answer({"queued": True, "operation": note.operation, "url": url}, 202)


@bp.get("/orders/<md_order>/callbacks")
def list_callbacks(md_order: str) -> Response:
    """List the order's callbacks with their delivery tries."""
    if not _known(md_order):
        return order_not_found()
    notes = db.select(RbsNotification).filter_by(md_order=md_order).order_by(RbsNotification.id)
    tries = db.select(RbsCallbackAttempt).filter_by(md_order=md_order)
    by_note: dict[int, list[dict[str, Any]]] = {}
    for row in db.session.execute(tries.order_by(RbsCallbackAttempt.id)).scalars():
        by_note.setdefault(row.notification_id, []).append(attempt_json(row))
    notes_json = [
        _note_json(note, by_note.get(note.id, [])) for note in db.session.execute(notes).scalars()
    ]
    return answer(notes_json)


def _note_json(note: RbsNotification, attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """One callback as JSON."""
    params = json.loads(note.params)
    return {
        "operation": note.operation,
        "status": params["status"],
        "params": params,
        "url": delivery.public_url(note.url),
        "at": note.created_at,
        "attempts": attempts,
    }
