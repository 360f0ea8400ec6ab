"""RBS sandbox control endpoints, for tests and workshops (not part of the real API), JSON:

- `POST /payment/sandbox/orders/<mdOrder>/callback`: send the order's latest callback again,
  once, in the background (202; 409 when there is none): a duplicate, or a late one.
- `GET /payment/sandbox/orders/<mdOrder>/callbacks`: every callback and its delivery tries.
- `POST /payment/sandbox/sweep`: expire every open order past its deadline now (each gets
  its declinedByTimeout callback); the API also sweeps before each call.
"""

from __future__ import annotations

import json

from flask import Blueprint, jsonify

from shop.sandbox import lifecycle, rbs_callbacks
from shop.sandbox.models import GatewayOrder, OrderStatus, db
from shop.sandbox.rbs_callbacks import RbsCallbackAttempt, RbsNotification

bp = Blueprint("sandbox_rbs_control", __name__, url_prefix="/payment/sandbox")


def sweep() -> int:
    """Expire open orders whose time ran out; returns how many."""
    now = lifecycle.now_ms()
    due = db.session.execute(
        db.select(GatewayOrder.md_order).where(
            GatewayOrder.status.in_([OrderStatus.CREATED, OrderStatus.ACS_STARTED]),
            GatewayOrder.expires_ms < now,
        )
    ).scalars()
    count = 0
    for md_order in list(due):
        order = lifecycle.load(md_order)  # load() expires what is due, and notifies
        count += order is not None and order.status == OrderStatus.DECLINED
    return count


@bp.post("/sweep")
def sweep_now():
    return jsonify(expired=sweep())


@bp.post("/orders/<md_order>/callback")
def resend(md_order: str):
    note = (
        db.session.execute(
            db.select(RbsNotification)
            .filter_by(md_order=md_order)
            .order_by(RbsNotification.id.desc())
        )
        .scalars()
        .first()
    )
    if note is None:
        return jsonify(error="no callback for this order"), 409
    rbs_callbacks.start(note.id, (0.0,))
    return jsonify(queued=True, operation=json.loads(note.params)["operation"]), 202


@bp.get("/orders/<md_order>/callbacks")
def attempts(md_order: str):
    notes = db.session.execute(
        db.select(RbsNotification).filter_by(md_order=md_order).order_by(RbsNotification.id)
    ).scalars()
    result = []
    for note in notes:
        tries = db.session.execute(
            db.select(RbsCallbackAttempt).filter_by(notification_id=note.id)
        ).scalars()
        params = json.loads(note.params)
        result.append(
            {"operation": params["operation"], "status": params["status"], "params": params,
             "attempts": [{"attempt": t.attempt, "http_status": t.http_status,
                           "error": t.error} for t in tries]}
        )  # fmt: skip
    return jsonify(result)
