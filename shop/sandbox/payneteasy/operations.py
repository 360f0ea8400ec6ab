"""capture and return on an order: the money rules, each result approved at once."""

from __future__ import annotations

import logging

from shop.sandbox.models import db
from shop.sandbox.payneteasy import callbacks
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetStatus, TxType, stage_of
from shop.sandbox.payneteasy.wire import NOT_ALLOWED, processing_error, validation_error

log = logging.getLogger(__name__)


def capture(order: PaynetOrder, amount: int | None, currency: str | None) -> None:
    """Capture an approved preauth, whole or in part (once); anything else is refused."""
    held = order.last_type == TxType.PREAUTH and order.status == PaynetStatus.APPROVED
    if not held:
        raise processing_error("Capture not allowed", NOT_ALLOWED)
    _check_currency(order, currency)
    taken = order.approved_amount if amount is None else amount
    if taken > order.approved_amount:
        raise processing_error("Capture amount exceeds the authorized amount", NOT_ALLOWED)
    order.captured_amount = taken
    _approve(order, TxType.CAPTURE, taken)


def refund(order: PaynetOrder, amount: int | None, currency: str | None) -> None:
    """Return money: cancel an uncaptured preauth; reverse a sale or capture, partly or whole."""
    if order.status != PaynetStatus.APPROVED or order.last_type == TxType.CANCEL:
        raise processing_error("Return not allowed", NOT_ALLOWED)
    if order.last_type == TxType.PREAUTH:
        if amount is not None:
            raise processing_error("Amount is not allowed when cancelling a preauth", NOT_ALLOWED)
        _approve(order, TxType.CANCEL, order.approved_amount)
        return
    _check_currency(order, currency)
    left = order.settled_amount - order.returned_amount
    reversed_amount = left if amount is None else amount
    if left <= 0:
        raise processing_error("Return not allowed: nothing left to return", NOT_ALLOWED)
    if reversed_amount > left:
        raise processing_error("Return amount exceeds the amount left to return", NOT_ALLOWED)
    order.returned_amount += reversed_amount
    _approve(order, TxType.REVERSAL, reversed_amount)


def _check_currency(order: PaynetOrder, currency: str | None) -> None:
    """Refuse an amount in another currency than the order's."""
    if currency is not None and currency.upper() != order.currency:
        raise validation_error(f"Currency must be {order.currency}")


def _approve(order: PaynetOrder, tx_type: TxType, amount: int) -> None:
    """Make tx_type the order's latest transaction, approved, then send its callback."""
    order.last_type, order.tx_amount = tx_type, amount
    order.status, order.stage = PaynetStatus.APPROVED, stage_of(tx_type, "approved")
    order.error_message, order.error_code = "", ""
    db.session.commit()
    log.info("order %s %s approved amount=%s", order.paynet_id, tx_type, amount)
    callbacks.on_result(order)
