"""Back-office operations on a payment: capture, release, refund.

One at a time per payment: a claim on the payment row is taken before the shop's own checks
and held until the gateway has answered and a status call has confirmed, so ten staff
pressing Refund at once send one refund. Each operation is a row (what, how much, the
gateway's reference, where it stands) and counts in the ledger only once it is confirmed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, update

from shop.extensions import db
from shop.labels import word
from shop.models import Operation, OperationState, Payment, utcnow
from shop.money import Currency
from shop.payments import bookkeeping, timeline
from shop.payments.calls import Failure, gateway_call
from shop.payments.errors import (
    OperationInProgress,
    OperationNotAllowed,
    OperationUnconfirmed,
    PaymentRefused,
)
from shop.payments.gateways.base import Gateway, GatewayStatus, Outcome, PaymentRef
from shop.payments.gateways.errors import GatewayRejected
from shop.payments.purchase import ref_of
from shop.payments.states import PaymentState
from shop.payments.timeline import EventKind, Step
from shop.payments.transitions import apply_status

STEP = Step.AFTER_SALE
_CONFIRM_TRIES = 4
_CONFIRM_PAUSE = 0.25
Send = Callable[[Gateway, PaymentRef], str]  # sends the operation, returns its reference
Done = Callable[[GatewayStatus, str], bool]  # whether a status shows the operation done


def available_actions(payment: Payment | None) -> frozenset[str]:
    """What staff may do now; the pages offer only these and the server refuses the rest."""
    if payment is None:
        return frozenset()
    if payment.state == PaymentState.AUTHORIZED:
        return frozenset({"capture", "release"})
    refundable = payment.state in {PaymentState.PAID, PaymentState.PARTIALLY_REFUNDED}
    return frozenset({"refund"}) if refundable and payment.refundable_amount > 0 else frozenset()


def capture(payment: Payment, amount: int | None = None) -> Payment:
    """Capture the hold, fully or in part (the rest is released by the gateway)."""
    with _one_at_a_time(payment, "capture"):
        _allow(payment, "capture")
        held = payment.authorized_amount or payment.amount
        amount = held if amount is None else amount
        if not 0 < amount <= held:
            raise OperationNotAllowed(_("Capture between 0.01 and the held amount."))
        currency = Currency.from_code(payment.currency)

        def done(status: GatewayStatus, ref: str) -> bool:
            if ref:
                return status.operation_ref == ref and status.outcome is Outcome.DEPOSITED
            return status.outcome is Outcome.DEPOSITED and status.captured_amount == amount

        return _run(payment, "capture", amount, lambda g, r: g.capture(r, amount, currency), done)


def release(payment: Payment) -> Payment:
    """Release the hold: nothing is charged."""
    with _one_at_a_time(payment, "release"):
        _allow(payment, "release")

        def done(status: GatewayStatus, ref: str) -> bool:
            mine = not ref or status.operation_ref == ref
            return mine and status.outcome is Outcome.REVERSED

        held = payment.authorized_amount or payment.amount
        return _run(payment, "release", held, lambda g, r: g.release(r), done)


def refund(payment: Payment, amount: int) -> Payment:
    """Refund part of what was captured; never more than what is left."""
    with _one_at_a_time(payment, "refund"):
        _allow(payment, "refund")
        if not 0 < amount <= payment.refundable_amount:
            raise OperationNotAllowed(
                _("A refund must be more than zero and at most what is left.")
            )
        currency = Currency.from_code(payment.currency)
        before = payment.refunded_amount

        def done(status: GatewayStatus, ref: str) -> bool:
            if ref:
                return status.operation_ref == ref and status.outcome is Outcome.REFUNDED
            reported = status.refunded_amount
            return (
                status.outcome is Outcome.REFUNDED
                and reported is not None
                and (reported >= before + amount)
            )

        return _run(payment, "refund", amount, lambda g, r: g.refund(r, amount, currency), done)


@contextmanager
def _one_at_a_time(payment: Payment, kind: str) -> Iterator[None]:
    """Claim the payment for one operation, bring it up to date, release it afterwards.

    The claim is a compare-and-set on the payment row, committed at once, so every worker
    and host sees it; a claim older than the longest an operation can take is stale.
    """
    now = utcnow()
    stale = now - timedelta(seconds=_claim_lifetime())
    claimed = db.session.execute(
        update(Payment)
        .where(
            Payment.id == payment.id,
            or_(Payment.operation.is_(None), Payment.operation_started_at < stale),
        )
        .values(operation=kind, operation_started_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        raise OperationInProgress(
            _("Another operation is in progress on this payment. Reload in a moment.")
        )
    try:
        db.session.refresh(payment)
        _catch_up(payment)
        yield
    finally:
        db.session.rollback()
        db.session.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.operation_started_at == now)
            .values(operation=None, operation_started_at=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def _catch_up(payment: Payment) -> None:
    """Ask the gateway first: the shop's checks then run on its truth, not a stale ledger."""
    unknown = _("The gateway did not answer; nothing was sent.")
    with gateway_call(payment, STEP, "status", unknown=unknown, asks_only=True) as gateway:
        status = gateway.status(ref_of(payment))
    apply_status(payment, status, STEP)
    db.session.refresh(payment)


def _allow(payment: Payment, action: str) -> None:
    if action not in available_actions(payment):
        message = _(
            "You cannot %(action)s a payment that is %(state)s.",
            action=word(action, "operation"),
            state=word(payment.state, "state"),
        )
        raise OperationNotAllowed(message)


def _run(payment: Payment, kind: str, amount: int, send: Send, done: Done) -> Payment:
    """Record the operation, send it, confirm it by status, count it, settle the state."""
    operation = Operation(payment_id=payment.id, kind=kind, amount=amount)
    db.session.add(operation)
    label = f"{kind} {amount}"
    timeline.record(payment, EventKind.OPERATION, STEP, f"staff asked: {label}")

    def failed(failure: Failure) -> None:
        # Refused or never sent: the money did not move. Unknown: a status call will tell.
        unknown = failure is Failure.UNKNOWN
        bookkeeping.settle(
            operation, OperationState.UNCONFIRMED if unknown else OperationState.REFUSED
        )

    with gateway_call(
        payment,
        STEP,
        label,
        on_failure=failed,
        kind=EventKind.OPERATION,
        busy=_("The gateway is busy; nothing was sent. Try again."),
        unknown=_("The gateway did not answer; check the status again."),
    ) as gateway:
        operation.gateway_ref = send(gateway, ref_of(payment))[:64] or None
    status = _confirm(payment, operation, done)
    bookkeeping.count_confirmed(payment, operation, status)
    timeline.record(payment, EventKind.OPERATION, STEP, f"{label} confirmed by a status call")
    apply_status(payment, status, STEP)
    return payment


def _confirm(payment: Payment, operation: Operation, done: Done) -> GatewayStatus:
    """Poll status briefly (some gateways work asynchronously) until it shows the operation."""
    ref = operation.gateway_ref or ""
    for attempt in range(_CONFIRM_TRIES):
        status = _status_of(payment, operation)
        if status is not None and done(status, ref):
            return status
        if status is not None and ref and status.operation_ref == ref and status.operation_failed:
            bookkeeping.settle(operation, OperationState.REFUSED)
            summary = f"{operation.kind} declined by the gateway"
            timeline.record(payment, EventKind.OPERATION, STEP, summary)
            db.session.commit()
            kind = word(operation.kind, "operation")
            raise PaymentRefused(_("The gateway declined the %(kind)s.", kind=kind))
        if attempt + 1 < _CONFIRM_TRIES:
            time.sleep(_CONFIRM_PAUSE)
    bookkeeping.settle(operation, OperationState.UNCONFIRMED)
    db.session.commit()
    raise OperationUnconfirmed(
        _("The gateway accepted the request but does not confirm it yet; check again shortly.")
    )


def _status_of(payment: Payment, operation: Operation) -> GatewayStatus | None:
    """The status for the operation; None while the gateway does not know it (yet)."""

    def failed(failure: Failure) -> None:
        bookkeeping.settle(operation, OperationState.UNCONFIRMED)

    unknown = _("The gateway did not confirm yet; check again.")
    with gateway_call(
        payment, STEP, "status", on_failure=failed, unknown=unknown, asks_only=True
    ) as gateway:
        try:
            return gateway.status(ref_of(payment), operation.gateway_ref or "")
        except GatewayRejected:
            return None


def _claim_lifetime() -> float:
    """The longest an operation can take: a catch-up, a send and the confirming polls."""
    config = current_app.config
    per_call = float(config["GATEWAY_CONNECT_TIMEOUT"]) + float(config["GATEWAY_TIMEOUT"])
    retried = 3  # a status call is tried up to three times (transport.py)
    return per_call * retried * (2 + _CONFIRM_TRIES) + _CONFIRM_PAUSE * _CONFIRM_TRIES + 10
