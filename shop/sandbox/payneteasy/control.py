"""PaynetEasy sandbox control endpoints, for tests and workshops (not part of the real API), JSON:

POST /paynet/sandbox/orders/<paynet_order_id>/callback
    Send the server callback of the order's latest result now, one attempt, in the background.
    202 {"queued": true, "url": ...}; 409 if the order is not final or has no callback URL.
    This is how callbacks go out when SANDBOX_PAYNETEASY_CALLBACKS is "manual".
POST /paynet/sandbox/orders/<paynet_order_id>/finalize   (form field status=approved|declined)
    Turn an order left in `unknown` (CVV 217) final; the usual callback logic then applies.
    200 {"status": ...}; 400 for another status; 409 if the order is not in `unknown`.
GET  /paynet/sandbox/orders/<paynet_order_id>/callbacks
    The recorded delivery attempts of the order's callbacks, oldest first, as a JSON list.
GET  /paynet/sandbox/orders/<paynet_order_id>/totals
    The gateway's truth about the money, to hold a shop's ledger against, in minor units:
    {"authorized", "captured", "refunded", "transactions": [{"type", "status", "amount",
    "serial"}, ...]}, summed over approved transactions: authorized = sale or preauth,
    captured = sale or capture, refunded = reversals (a cancel releases a hold, refunds none).
Every endpoint answers 404 {"error": ...} for an unknown order.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from shop.sandbox.common.control import answer, attempt_json, order_not_found
from shop.sandbox.common.db import db
from shop.sandbox.payneteasy import callbacks, orders
from shop.sandbox.payneteasy.issuer import APPROVED, DECLINED, PaynetDecision
from shop.sandbox.payneteasy.models import PaynetCallbackAttempt

bp = Blueprint("sandbox_payneteasy_control", __name__)

ORDER = "/paynet/sandbox/orders/<int:paynet_order_id>"
FINAL_CHOICES: dict[str, PaynetDecision] = {"approved": APPROVED, "declined": DECLINED}


@bp.post(f"{ORDER}/callback")
def send_callback(paynet_order_id: int) -> Response:
    """Send the callback of the latest final result once, without waiting for it."""
    order = orders.find(paynet_order_id)
    if order is None:
        return order_not_found()
    if not order.is_final:
        return answer({"error": f"Order is {order.status}: callbacks are for final results"}, 409)
    url = callbacks.send_now(order)
    if url is None:
        return answer({"error": "The order has no callback URL for its latest result"}, 409)
    return answer({"queued": True, "url": url}, 202)


@bp.post(f"{ORDER}/finalize")
def finalize(paynet_order_id: int) -> Response:
    """Finish an order stuck in unknown as approved or declined."""
    order = orders.find(paynet_order_id)
    if order is None:
        return order_not_found()
    decision = FINAL_CHOICES.get(request.form.get("status", "").strip())
    if decision is None:
        return answer({"error": "status must be approved or declined"}, 400)
    if not orders.finalize(order, decision):
        return answer({"error": f"Order is {order.status}, not unknown"}, 409)
    return answer({"status": order.status, "order_stage": order.stage}, 200)


@bp.get(f"{ORDER}/callbacks")
def list_callbacks(paynet_order_id: int) -> Response:
    """List the callback delivery attempts of the order."""
    if orders.find(paynet_order_id) is None:
        return order_not_found()
    query = (
        db.select(PaynetCallbackAttempt)
        .filter_by(paynet_id=paynet_order_id)
        .order_by(PaynetCallbackAttempt.id)
    )
    rows = db.session.execute(query).scalars()
    return answer([attempt_json(row, "event") for row in rows], 200)


@bp.get(f"{ORDER}/totals")
def totals(paynet_order_id: int) -> Response:
    """Sum the order's approved transactions and list them all."""
    order = orders.find(paynet_order_id)
    if order is None:
        return order_not_found()
    return answer(orders.totals(order), 200)
