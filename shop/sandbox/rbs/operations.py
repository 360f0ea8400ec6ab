"""deposit.do, reverse.do, refund.do: what a merchant does with an order after the payment.

Rules from the BPC docs (rbs.md §4): deposit only a hold, amount 0 = all of it, never more;
reverse once, a hold or an untouched one-stage payment; refunds only of debited money, adding
up to at most what was deposited (refunds lower depositedAmount). Errors keep the order as is.

The order is loaded FOR UPDATE, a row lock on PostgreSQL that SQLite ignores; so each change is
also a compare-and-set whose WHERE clause repeats its rule, and of parallel calls on one order
only those the rule still allows after the others have landed take effect.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from shop.sandbox.common.clock import now_ms
from shop.sandbox.common.db import db
from shop.sandbox.rbs import callbacks, orders
from shop.sandbox.rbs.models import CallbackOperation, GatewayOrder, OrderStatus
from shop.sandbox.rbs.wire import ApiError, success

Params = dict[str, str]
WRONG_STATE = "Payment must be in a correct state"
DEBITED = (OrderStatus.DEPOSITED, OrderStatus.REFUNDED)


def _order(params: Params) -> GatewayOrder:
    """The order named by orderId (or orderNumber), locked for the change."""
    md_order, number = params.get("orderId", ""), params.get("orderNumber", "")
    if not md_order and not number:
        raise ApiError("5", "[orderId] is empty")
    if not md_order:
        found = orders.find_by_number(number)
        md_order = found.md_order if found is not None else ""
    order = orders.load(md_order, for_update=True) if md_order else None
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
    _change_if(
        order,
        GatewayOrder.status == OrderStatus.APPROVED,
        ApiError("7", WRONG_STATE),
        status=OrderStatus.DEPOSITED,
        deposited_amount=amount,
        deposited_ms=now_ms(),
    )
    callbacks.notify(order, CallbackOperation.DEPOSITED, True, amount)
    return success("deposit")


def reverse(params: Params) -> dict[str, Any]:
    """Cancel a hold, or a one-stage payment nothing was refunded from; only once."""
    _amount(params, required=False)
    order = _order(params)
    reversible = (GatewayOrder.status == OrderStatus.APPROVED) | (
        (GatewayOrder.status == OrderStatus.DEPOSITED) & (GatewayOrder.refunded_amount == 0)
    )
    _change_if(
        order,
        ~GatewayOrder.reversed & reversible,
        ApiError("7", WRONG_STATE),
        status=OrderStatus.REVERSED,
        reversed=True,
        deposited_amount=0,
        reversed_ms=now_ms(),
    )
    callbacks.notify(order, CallbackOperation.REVERSED, True)
    return success("reverse")


def refund(params: Params) -> dict[str, Any]:
    """Return debited money; refunds add up to at most what was deposited."""
    amount = _amount(params, required=True)
    order = _order(params)
    if order.status not in DEBITED or order.deposited_amount <= 0:
        raise ApiError("7", WRONG_STATE)
    amount = amount or order.deposited_amount
    exceeding = ApiError("7", "Refund amount exceeds deposited amount")
    if amount > order.deposited_amount:
        raise exceeding
    _change_if(
        order,
        GatewayOrder.status.in_(DEBITED) & (GatewayOrder.deposited_amount >= amount),
        exceeding,
        status=OrderStatus.REFUNDED,
        refunded_amount=GatewayOrder.refunded_amount + amount,
        deposited_amount=GatewayOrder.deposited_amount - amount,
        refunded_ms=now_ms(),
    )
    callbacks.notify(order, CallbackOperation.REFUNDED, True, amount)
    return success("refund")


def _change_if(
    order: GatewayOrder, rule: ColumnElement[bool], refusal: ApiError, **values: Any
) -> None:
    """Write values and commit if the order still obeys rule; else change nothing, refuse."""
    changed = db.session.execute(
        db.update(GatewayOrder)
        .where(GatewayOrder.md_order == order.md_order, rule)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise refusal
    db.session.commit()  # expires the order: it reloads with what was written
