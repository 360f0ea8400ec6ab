"""capture and return on an order: the money rules, each result approved at once.

Each change is a compare-and-set: the UPDATE repeats the rule in its WHERE clause, so that of
two requests racing on one order (SQLite takes no row lock) only those the rule still allows
once the other has landed go through; returns add up, never beyond what was taken.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement

from shop.sandbox.common.db import db
from shop.sandbox.payneteasy import callbacks, orders
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetStatus, TxType, stage_of
from shop.sandbox.payneteasy.wire import (
    NOT_ALLOWED,
    PaynetError,
    processing_error,
    validation_error,
)

log = logging.getLogger(__name__)

CAPTURE_REFUSED = "Capture not allowed"
RETURN_REFUSED = "Return not allowed"
TOO_MUCH = "Return amount exceeds the amount left to return"
_APPROVED = PaynetOrder.status == PaynetStatus.APPROVED
_HELD = _APPROVED & (PaynetOrder.last_type == TxType.PREAUTH)


def capture(order: PaynetOrder, amount: int | None, currency: str | None) -> str:
    """Capture an approved preauth, whole or in part (once); the capture request's serial."""
    held = order.last_type == TxType.PREAUTH and order.status == PaynetStatus.APPROVED
    if not held:
        raise processing_error(CAPTURE_REFUSED, NOT_ALLOWED)
    _check_currency(order, currency)
    taken = order.approved_amount if amount is None else amount
    if taken > order.approved_amount:
        raise processing_error("Capture amount exceeds the authorized amount", NOT_ALLOWED)
    refusal = processing_error(CAPTURE_REFUSED, NOT_ALLOWED)
    return _approve(order, TxType.CAPTURE, taken, _HELD, refusal, captured_amount=taken)


def refund(order: PaynetOrder, amount: int | None, currency: str | None) -> str:
    """Cancel an uncaptured preauth, or reverse a sale or capture, partly or whole; the
    return request's serial."""
    if order.status != PaynetStatus.APPROVED or order.last_type == TxType.CANCEL:
        raise processing_error(RETURN_REFUSED, NOT_ALLOWED)
    if order.last_type == TxType.PREAUTH:
        if amount is not None:
            raise processing_error("Amount is not allowed when cancelling a preauth", NOT_ALLOWED)
        refusal = processing_error(RETURN_REFUSED, NOT_ALLOWED)
        return _approve(order, TxType.CANCEL, order.approved_amount, _HELD, refusal)
    _check_currency(order, currency)
    left = order.settled_amount - order.returned_amount
    reversed_amount = left if amount is None else amount
    if left <= 0:
        raise processing_error(f"{RETURN_REFUSED}: nothing left to return", NOT_ALLOWED)
    if reversed_amount > left:
        raise processing_error(TOO_MUCH, NOT_ALLOWED)
    settled = (
        PaynetOrder.approved_amount
        if order.initial_type == TxType.SALE
        else PaynetOrder.captured_amount
    )
    # Approved and neither a preauth nor a cancel: a sale, a capture or an earlier reversal.
    reversible = _APPROVED & PaynetOrder.last_type.in_(
        [TxType.SALE, TxType.CAPTURE, TxType.REVERSAL]
    )
    fits = PaynetOrder.returned_amount + reversed_amount <= settled
    return _approve(
        order,
        TxType.REVERSAL,
        reversed_amount,
        reversible & fits,
        processing_error(TOO_MUCH, NOT_ALLOWED),
        returned_amount=PaynetOrder.returned_amount + reversed_amount,
    )


def _check_currency(order: PaynetOrder, currency: str | None) -> None:
    """Refuse an amount in another currency than the order's."""
    if currency is not None and currency.upper() != order.currency:
        raise validation_error(f"Currency must be {order.currency}")


def _approve(
    order: PaynetOrder,
    tx_type: TxType,
    amount: int,
    rule: ColumnElement[bool],
    refusal: PaynetError,
    **money: Any,
) -> str:
    """Make tx_type the latest transaction, approved, if the rule still holds; log it; send
    its callback. Returns the transaction's serial."""
    changed = db.session.execute(
        db.update(PaynetOrder)
        .where(PaynetOrder.paynet_id == order.paynet_id, rule)
        .values(
            last_type=tx_type,
            tx_amount=amount,
            status=PaynetStatus.APPROVED,
            stage=stage_of(tx_type, "approved"),
            error_message="",
            error_code="",
            **money,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.rollback()
        raise refusal
    serial = orders.add_transaction(order, tx_type, amount, PaynetStatus.APPROVED)
    db.session.refresh(order)
    # Detached, the order keeps this state: a change committed right after ours must not
    # show in our callback.
    db.session.expunge(order)
    db.session.commit()
    log.info("order %s %s approved amount=%s", order.paynet_id, tx_type, amount)
    callbacks.notify(order)
    return serial
