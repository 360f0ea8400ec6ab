"""The one place a payment's state changes: monotonic, recorded once, safe under races."""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from shop.extensions import db
from shop.models import Payment, utcnow
from shop.money import Currency
from shop.payments import events
from shop.payments.gateways.base import GatewayStatus, Outcome
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
    refunded = _reported_or(status.refunded_amount, payment.refunded_amount)
    if status.outcome in {Outcome.DEPOSITED, Outcome.REFUNDED} and refunded > 0:
        captured = _reported_or(status.captured_amount, payment.captured_amount) or payment.amount
        full = refunded >= captured
        state = PaymentState.REFUNDED if full else PaymentState.PARTIALLY_REFUNDED
    why = f"gateway says {status.outcome}"
    if status.action_code:
        why += f" (actionCode {status.action_code})"
    return state, why


def _reported_or(reported: int | None, ledger: int) -> int:
    return ledger if reported is None else reported


def update_ledger(payment: Payment, status: GatewayStatus) -> None:
    """Take the gateway's running totals where it reports them; a one-stage payment's
    approval is also its capture."""
    if status.outcome is Outcome.DEPOSITED and status.captured_amount is None:
        payment.captured_amount = payment.captured_amount or payment.amount
    if status.outcome in {Outcome.AUTHORIZED, Outcome.DEPOSITED}:
        payment.authorized_amount = payment.authorized_amount or payment.amount
    for name in ("authorized_amount", "captured_amount", "refunded_amount"):
        reported = getattr(status, name)
        if reported is not None and reported != getattr(payment, name):
            setattr(payment, name, reported)


def apply_status(payment: Payment, status: GatewayStatus, step: int) -> bool:
    """Apply a verified gateway status; True when the state changed."""
    target, why = reported_state(payment, status)
    if target is not PaymentState.NEEDS_REVIEW:
        update_ledger(payment, status)
    if status.masked_pan and payment.masked_pan != status.masked_pan:
        payment.masked_pan = status.masked_pan
    payment.action_code = status.action_code or payment.action_code
    payment.action_description = status.action_description or payment.action_description
    changed = transition(payment, target, step, why)
    db.session.commit()
    return changed


def transition(payment: Payment, target: PaymentState, step: int, why: str) -> bool:
    """Move payment to target if the machine allows it and nobody else already did.

    The row is read under a lock and written with a compare-and-set UPDATE (the state must
    still be what was read), so the return page, a callback and the reconciler can run at
    once: exactly one of them moves it, and only that one writes the event. The caller
    commits.
    """
    for _attempt in range(3):
        current = _locked_state(payment)
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
            events.record_transition(payment, current, new, step, why)
            log.info("payment=%s transition %s -> %s", payment.merchant_order_number, current, new)
            return True
    return False


def _locked_state(payment: Payment) -> PaymentState:
    """The state as stored now, with the row locked until commit (FOR UPDATE on PostgreSQL;
    SQLite ignores it and serializes the writes, where the compare-and-set decides)."""
    stored = db.session.execute(
        select(Payment.state).where(Payment.id == payment.id).with_for_update()
    ).scalar_one()
    return PaymentState(stored)


def _mismatch(payment: Payment, status: GatewayStatus) -> str:
    currency = _numeric_currency(status.currency)
    if status.amount is not None and status.amount != payment.amount:
        return f"amount mismatch: gateway {status.amount}, order {payment.amount}"
    if status.currency and currency != payment.currency:
        return f"currency mismatch: gateway {status.currency}, order {payment.currency}"
    if status.order_number and status.order_number != payment.merchant_order_number:
        return "order number mismatch"
    return ""
