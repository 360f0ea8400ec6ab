"""Recovering a registration whose answer was lost, without ever registering twice."""

from __future__ import annotations

from datetime import UTC

from flask import current_app
from flask_babel import gettext as _

from shop.extensions import db
from shop.models import Payment, utcnow
from shop.payments import events, gateway_ids
from shop.payments.errors import PaymentUnavailable
from shop.payments.gateways.base import Outcome, PaymentRef
from shop.payments.gateways.errors import GatewayError, GatewayOrderNotFound
from shop.payments.registry import gateway_for
from shop.payments.states import PaymentState
from shop.payments.transitions import apply_status, transition


def ref_of(payment: Payment) -> PaymentRef:
    """How the gateway knows this payment."""
    return PaymentRef(payment.merchant_order_number, payment.gateway_order_id)


def resolve_unknown_registration(payment: Payment, step: int) -> Payment:
    """Find out whether a registration that got no answer happened, by our own order number.

    Registering again blindly could create a second payable order; so the gateway is
    asked first, and only "no such order" makes the attempt retryable.
    """
    if payment.state != PaymentState.PENDING or not _unknown_for_long_enough(payment):
        return payment
    gateway = gateway_for(payment.provider, events.exchange_recorder(payment, step=step))
    try:
        status = gateway.status(ref_of(payment))
    except GatewayOrderNotFound:
        transition(payment, PaymentState.REGISTRATION_FAILED, step, "gateway has no such order")
        db.session.commit()
        return payment
    except GatewayError as exc:
        events.record(payment, "note", step, f"registration still unknown: {exc}")
        db.session.commit()
        raise PaymentUnavailable(
            _("We could not reach the payment service yet. Your order is saved.")
        ) from exc
    if status.gateway_order_id and not gateway_ids.adopt(payment, status.gateway_order_id, step):
        db.session.commit()
        return payment
    if status.outcome in {Outcome.CREATED, Outcome.PROCESSING}:
        # Registered, but its payment page address was lost with the answer: that order
        # will expire unpaid at the gateway, and the buyer may start a new attempt.
        transition(payment, PaymentState.REGISTRATION_FAILED, step, "page address lost")
        db.session.commit()
        return payment
    db.session.commit()
    apply_status(payment, status, step)
    return payment


def _unknown_for_long_enough(payment: Payment) -> bool:
    """A registration may still be in flight in another request until its timeouts ran out."""
    config = current_app.config
    grace = config.get("PAYMENT_UNKNOWN_AFTER_SECS")
    if grace is None:
        grace = float(config["GATEWAY_CONNECT_TIMEOUT"]) + float(config["GATEWAY_TIMEOUT"]) + 2
    created = payment.created_at.replace(tzinfo=payment.created_at.tzinfo or UTC)
    return (utcnow() - created).total_seconds() >= float(grace)
