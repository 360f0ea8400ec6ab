"""The one place a payment's state changes: monotonic, recorded once, safe under races."""

from __future__ import annotations

import logging

from sqlalchemy import update

from shop.extensions import db
from shop.models import Payment, utcnow
from shop.money import Currency
from shop.payments import bookkeeping, timeline
from shop.payments.gateways.base import GatewayStatus, Outcome
from shop.payments.locks import lock_payment
from shop.payments.states import PaymentState, next_state

log = logging.getLogger(__name__)

# Legacy RBS test stands still report the old rouble code 810 for RUB orders.
_EQUIVALENT_CURRENCIES = {"810": "643"}


def _numeric_currency(code: str) -> str:
    """Gateways name currencies either way ("643", "RUB"); compare them as numeric codes."""
    code = _EQUIVALENT_CURRENCIES.get(code, code)
    try:
        return Currency.from_code(code).numeric
    except ValueError:
        return code


_BY_OUTCOME = {
    Outcome.CREATED: PaymentState.AWAITING_PAYMENT,
    Outcome.PROCESSING: PaymentState.AWAITING_PAYMENT,
    Outcome.AUTHORIZED: PaymentState.AUTHORIZED,
    Outcome.DEPOSITED: PaymentState.PAID,
    Outcome.REVERSED: PaymentState.VOIDED,
    Outcome.REFUNDED: PaymentState.REFUNDED,
    Outcome.DECLINED: PaymentState.DECLINED,
    Outcome.EXPIRED: PaymentState.EXPIRED,
}


def reported_state(payment: Payment, status: GatewayStatus) -> tuple[PaymentState, str]:
    """What the verified status means for this payment, and why."""
    mismatch = _mismatch(payment, status)
    if mismatch:
        return PaymentState.NEEDS_REVIEW, mismatch
    state = _BY_OUTCOME[status.outcome]
    refunded = max(status.refunded_amount or 0, payment.refunded_amount)
    if status.outcome is Outcome.REFUNDED:
        # A gateway that reports only its latest return says at least that much went back,
        # even before the shop has counted it.
        refunded = max(refunded, status.operation_amount or 0)
    if status.outcome in {Outcome.DEPOSITED, Outcome.REFUNDED} and refunded > 0:
        captured = max(status.captured_amount or 0, payment.captured_amount) or payment.amount
        full = refunded >= captured
        state = PaymentState.REFUNDED if full else PaymentState.PARTIALLY_REFUNDED
    why = f"gateway says {status.outcome}"
    if status.action_code:
        why += f" (actionCode {status.action_code})"
    return state, why


def apply_status(payment: Payment, status: GatewayStatus, step: int) -> bool:
    """Apply a verified gateway status; True when the state changed."""
    lock_payment(payment)
    if not _mismatch(payment, status):
        bookkeeping.take_totals(payment, status)
        bookkeeping.note_operations(payment, status)
    _copy_gateway_text(payment, status)
    target, why = reported_state(payment, status)
    changed = transition(payment, target, step, why)
    db.session.commit()
    return changed


def _copy_gateway_text(payment: Payment, status: GatewayStatus) -> None:
    """Keep the gateway's words, cut to their columns (the event log keeps them whole)."""
    for name, text in (
        ("masked_pan", status.masked_pan),
        ("paid_with", status.paid_with),
        ("action_code", status.action_code),
        ("action_description", status.action_description),
    ):
        if text:
            setattr(payment, name, fit(name, text))


def fit(column: str, text: str) -> str:
    """Cut text to what the payment column holds: a gateway may say more than expected."""
    return text[: Payment.__table__.c[column].type.length]


def transition(payment: Payment, target: PaymentState, step: int, why: str) -> bool:
    """Move payment to target if the machine allows it and nobody else already did.

    The row is read under a lock and written with a compare-and-set UPDATE (the state must
    still be what was read), so the return page, a callback and the reconciler can run at
    once: exactly one of them moves it, and only that one writes the event. The caller
    commits.
    """
    for _attempt in range(3):
        current = lock_payment(payment)
        new = next_state(current, target)
        if new is None:
            return False
        result = db.session.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.state == current)
            .values(state=new, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            payment.state = new
            db.session.flush()
            timeline.record_transition(payment, current, new, step, why)
            log.info("payment=%s transition %s -> %s", payment.merchant_order_number, current, new)
            return True
    return False


def _mismatch(payment: Payment, status: GatewayStatus) -> str:
    currency = _numeric_currency(status.currency)
    if status.amount is not None and status.amount != payment.amount:
        return f"amount mismatch: gateway {status.amount}, order {payment.amount}"
    if status.currency and currency != payment.currency:
        return f"currency mismatch: gateway {status.currency}, order {payment.currency}"
    if status.order_number and status.order_number != payment.merchant_order_number:
        return "order number mismatch"
    return ""
