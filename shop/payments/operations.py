"""Back-office operations on a payment: capture, release, refund. Each one is confirmed by a
status call before it counts; what the gateway refuses changes nothing in the shop."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask_babel import gettext as _

from shop.extensions import db
from shop.models import Payment
from shop.money import Currency
from shop.payments import events
from shop.payments.errors import (
    OperationNotAllowed,
    OperationUnconfirmed,
    PaymentRefused,
    PaymentUnavailable,
)
from shop.payments.gateways.base import Gateway, GatewayStatus, Outcome, PaymentRef
from shop.payments.gateways.errors import GatewayError, GatewayRejected
from shop.payments.recovery import ref_of
from shop.payments.registry import gateway_for
from shop.payments.states import PaymentState
from shop.payments.transitions import apply_status

STEP = 11
_CONFIRM_TRIES = 4
_CONFIRM_PAUSE = 0.25


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
    _allow(payment, "capture")
    held = payment.authorized_amount or payment.amount
    amount = held if amount is None else amount
    if not 0 < amount <= held:
        raise OperationNotAllowed(_("Capture between 0.01 and the held amount."))
    alpha = Currency.from_code(payment.currency).alpha

    def confirmed(status: GatewayStatus) -> bool:
        captured = status.captured_amount
        return status.outcome is Outcome.DEPOSITED and captured in {None, amount}

    label = f"capture {amount}"
    status = _operate(payment, label, lambda g, r: g.capture(r, amount, alpha), confirmed)
    return _settle(payment, label, status)


def release(payment: Payment) -> Payment:
    """Release the hold: nothing is charged."""
    _allow(payment, "release")

    def confirmed(status: GatewayStatus) -> bool:
        return status.outcome is Outcome.REVERSED

    status = _operate(payment, "release", lambda g, r: g.release(r), confirmed)
    return _settle(payment, "release", status)


def refund(payment: Payment, amount: int) -> Payment:
    """Refund part of what was captured; never more than what is left."""
    _allow(payment, "refund")
    if not 0 < amount <= payment.refundable_amount:
        raise OperationNotAllowed(_("A refund must be more than zero and at most what is left."))
    alpha = Currency.from_code(payment.currency).alpha
    expected_total = payment.refunded_amount + amount

    def confirmed(status: GatewayStatus) -> bool:
        if status.outcome is not Outcome.REFUNDED:
            return False
        if status.refunded_amount is not None:
            return status.refunded_amount == expected_total
        return status.operation_amount == amount

    label = f"refund {amount}"
    status = _operate(payment, label, lambda g, r: g.refund(r, amount, alpha), confirmed)
    if status.refunded_amount is None:
        # This gateway reports each return alone: the shop's ledger adds them up.
        payment.refunded_amount = expected_total
    return _settle(payment, label, status)


def _allow(payment: Payment, action: str) -> None:
    if action not in available_actions(payment):
        message = _(
            "You cannot %(action)s a payment that is %(state)s.",
            action=action,
            state=payment.state,
        )
        raise OperationNotAllowed(message)


def _operate(
    payment: Payment,
    label: str,
    call: Callable[[Gateway, PaymentRef], None],
    confirmed: Callable[[GatewayStatus], bool],
) -> GatewayStatus:
    """Ask the gateway, then poll its status until it shows the result; nothing is applied."""
    gateway = gateway_for(payment.provider, events.exchange_recorder(payment, step=STEP))
    events.record(payment, "operation", STEP, f"staff asked: {label}")
    db.session.commit()
    try:
        call(gateway, ref_of(payment))
    except GatewayRejected as exc:
        events.record(payment, "operation", STEP, f"{label} refused by the gateway: {exc}")
        db.session.commit()
        raise PaymentRefused(
            _("The gateway refused: %(reason)s (code %(code)s).", reason=exc, code=exc.code)
        ) from exc
    except GatewayError as exc:
        events.record(payment, "operation", STEP, f"{label} outcome unknown: {exc}")
        db.session.commit()
        raise PaymentUnavailable(_("The gateway did not answer; check the status again.")) from exc
    return _confirm(gateway, payment, confirmed)


def _settle(payment: Payment, label: str, status: GatewayStatus) -> Payment:
    """Apply a confirmed result through the one transition path."""
    events.record(payment, "operation", STEP, f"{label} confirmed by a status call")
    apply_status(payment, status, STEP)
    return payment


def _confirm(
    gateway: Gateway, payment: Payment, confirmed: Callable[[GatewayStatus], bool]
) -> GatewayStatus:
    """Poll status briefly: some gateways process operations asynchronously."""
    for attempt in range(_CONFIRM_TRIES):
        try:
            status = gateway.status(ref_of(payment))
        except GatewayError as exc:
            db.session.commit()
            raise PaymentUnavailable(_("The gateway did not confirm yet; check again.")) from exc
        if confirmed(status):
            return status
        if attempt + 1 < _CONFIRM_TRIES:
            time.sleep(_CONFIRM_PAUSE)
    db.session.commit()
    raise OperationUnconfirmed(
        _("The gateway accepted the request but does not confirm it yet; check again shortly.")
    )
