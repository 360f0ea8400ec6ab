"""deposit.do, reverse.do, refund.do: what a merchant does with an order after the payment.

Rules from the BPC docs (rbs.md §4): deposit only a hold, amount 0 = all of it, never more;
reverse once, a hold or an untouched one-stage payment; refunds only of debited money, adding
up to at most what was deposited (refunds lower depositedAmount). Errors keep the order as is.
"""

from __future__ import annotations

from typing import Any

from shop.sandbox import lifecycle, rbs_callbacks
from shop.sandbox.models import CallbackOperation, GatewayOrder, OrderStatus, db
from shop.sandbox.wire import ApiError

Params = dict[str, str]
WRONG_STATE = "Payment must be in a correct state"
# BPC documents these three with a numeric errorCode (clients must cope with both forms).
SUCCESS: dict[str, Any] = {"errorCode": 0, "errorMessage": "Success"}


def _order(params: Params) -> GatewayOrder:
    """The order named by orderId (or orderNumber), locked for the change."""
    md_order, number = params.get("orderId", ""), params.get("orderNumber", "")
    if not md_order and not number:
        raise ApiError("5", "[orderId] is empty")
    if not md_order:
        found = lifecycle.find_by_number(number)
        md_order = found.md_order if found is not None else ""
    order = lifecycle.load(md_order, for_update=True) if md_order else None
    if order is None:
        raise ApiError("6", "Unregistered orderId")
    return order


def _amount(params: Params, required: bool) -> int | None:
    """Read amount as minor units; ASCII digits only, as str.isdigit() also passes "²"."""
    raw = params.get("amount", "").strip()
    if not raw:
        if required:
            raise ApiError("4", "Amount is empty")
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise ApiError("5", "Invalid amount")
    return int(raw)


def deposit(params: Params) -> dict[str, Any]:
    """Capture a hold, fully (amount=0) or in part (the rest is released)."""
    amount = _amount(params, required=True)
    order = _order(params)
    if order.status != OrderStatus.APPROVED:
        raise ApiError("7", WRONG_STATE)
    amount = amount or order.approved_amount
    if amount > order.approved_amount:
        raise ApiError("5", "Invalid amount")
    order.status = OrderStatus.DEPOSITED
    order.deposited_amount = amount
    order.deposited_ms = lifecycle.now_ms()
    db.session.commit()
    rbs_callbacks.notify(order, CallbackOperation.DEPOSITED, True, amount)
    return SUCCESS


def reverse(params: Params) -> dict[str, Any]:
    """Cancel a hold, or a one-stage payment nothing was refunded from; only once."""
    _amount(params, required=False)
    order = _order(params)
    reversible = order.status == OrderStatus.APPROVED or (
        order.status == OrderStatus.DEPOSITED and order.refunded_amount == 0
    )
    if order.reversed or not reversible:
        raise ApiError("7", WRONG_STATE)
    order.status = OrderStatus.REVERSED
    order.reversed = True
    order.deposited_amount = 0
    order.reversed_ms = lifecycle.now_ms()
    db.session.commit()
    rbs_callbacks.notify(order, CallbackOperation.REVERSED, True)
    return SUCCESS


def refund(params: Params) -> dict[str, Any]:
    """Return debited money; refunds add up to at most what was deposited."""
    amount = _amount(params, required=True)
    order = _order(params)
    debited = order.status in (OrderStatus.DEPOSITED, OrderStatus.REFUNDED)
    if not debited or order.deposited_amount <= 0:
        raise ApiError("7", WRONG_STATE)
    amount = amount or order.deposited_amount
    if amount > order.deposited_amount:
        raise ApiError("7", "Refund amount exceeds deposited amount")
    order.status = OrderStatus.REFUNDED
    order.refunded_amount += amount
    order.deposited_amount -= amount
    order.refunded_ms = lifecycle.now_ms()
    db.session.commit()
    rbs_callbacks.notify(order, CallbackOperation.REFUNDED, True, amount)
    return SUCCESS
