"""The payment use cases: start a payment, verify it with the gateway, retry it.

Each use case owns its transaction and commits before any network call whose outcome
must be recoverable, so a crash or timeout never loses what the shop already knew.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from shop.extensions import db
from shop.models import Order, Payment, utcnow
from shop.payments import events
from shop.payments.errors import (
    PaymentRefused,
    PaymentUnavailable,
    RetryNotAllowed,
    ReturnMismatch,
    UnknownPayment,
)
from shop.payments.gateways.base import Outcome, RegisterRequest
from shop.payments.gateways.errors import GatewayError, GatewayOrderNotFound, GatewayRejected
from shop.payments.registry import (
    enabled_providers,
    gateway_for,
    origin_of,
    payment_page_origins,
)
from shop.payments.states import PaymentState
from shop.payments.transitions import apply_status, transition

log = logging.getLogger(__name__)


def start_payment(order: Order, provider: str | None = None) -> Payment:
    """Register a new attempt with the gateway and keep its orderId and formUrl."""
    provider = provider or enabled_providers()[0]
    payment = _new_attempt(order, provider)
    gateway = gateway_for(provider, events.exchange_recorder(payment, step=3))
    try:
        registration = gateway.register(_register_request(order, payment))
    except GatewayRejected as exc:
        transition(payment, PaymentState.REGISTRATION_FAILED, 4, f"gateway refused: {exc}")
        db.session.commit()
        raise PaymentRefused(
            _(
                "The payment service refused this payment (code %(code)s). Your order is saved: "
                "please try again in a moment.",
                code=exc.code,
            )
        ) from exc
    except GatewayError as exc:
        events.record(payment, "note", 4, f"registration outcome unknown: {exc}")
        db.session.commit()
        raise PaymentUnavailable(
            _("The payment service did not answer. Your order is saved: please try again.")
        ) from exc
    if not _is_gateway_page(provider, registration.form_url):
        transition(payment, PaymentState.REGISTRATION_FAILED, 4, "payment page on a foreign host")
        db.session.commit()
        raise PaymentRefused(_("The payment service sent an unexpected payment page address."))
    payment.gateway_order_id = registration.gateway_order_id
    payment.form_url = registration.form_url
    transition(payment, PaymentState.AWAITING_PAYMENT, 4, f"orderId {payment.gateway_order_id}")
    events.record(payment, "redirect", 5, "buyer sent to the payment page")
    db.session.commit()
    return payment


def retry(order: Order) -> Payment:
    """Start a fresh attempt (new merchant order number) after a decline or expiry."""
    if not order.can_retry:
        raise RetryNotAllowed(_("This order cannot be paid again."))
    latest = order.latest_payment
    return start_payment(order, latest.provider if latest else None)


def refresh(payment: Payment, step: int = 10) -> Payment:
    """Ask the gateway what happened and apply it; the only way a payment's state moves."""
    if not payment.gateway_order_id:
        return _resolve_unknown_registration(payment, step)
    gateway = gateway_for(payment.provider, events.exchange_recorder(payment, step=step))
    try:
        status = gateway.status(payment.gateway_order_id)
    except GatewayError as exc:
        events.record(payment, "note", step, f"status unknown: {exc}")
        db.session.commit()
        raise PaymentUnavailable(
            _(
                "We could not confirm your payment with the bank yet. Nothing is lost: "
                "this page checks again shortly."
            )
        ) from exc
    db.session.commit()
    apply_status(payment, status, step)
    return payment


def payment_by_token(payment_token: str) -> Payment:
    """The payment a return URL names, or UnknownPayment."""
    payment = db.session.execute(
        db.select(Payment).filter_by(token=payment_token)
    ).scalar_one_or_none()
    if payment is None:
        raise UnknownPayment(_("We do not know this payment."))
    return payment


def _resolve_unknown_registration(payment: Payment, step: int) -> Payment:
    """Find out whether a registration that got no answer happened, by our own order number.

    Registering again blindly could create a second payable order; so the gateway is
    asked first, and only "no such order" makes the attempt retryable.
    """
    if payment.state != PaymentState.PENDING or not _unknown_for_long_enough(payment):
        return payment
    gateway = gateway_for(payment.provider, events.exchange_recorder(payment, step=step))
    try:
        status = gateway.status_by_order_number(payment.merchant_order_number)
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
    payment.gateway_order_id = status.gateway_order_id or None
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


def handle_return(payment_token: str, gateway_order_id: str, via: str) -> Payment:
    """A buyer came back from the payment page: check the pairing, then verify server-side."""
    payment = payment_by_token(payment_token)
    expected = payment.gateway_order_id or ""
    if not (expected and hmac.compare_digest(gateway_order_id.encode(), expected.encode())):
        events.record(payment, "return", 9, f"return via {via} with a foreign orderId ignored")
        db.session.commit()
        raise ReturnMismatch(_("This return link does not belong to this payment."))
    events.record(payment, "return", 9, f"buyer returned via {via}")
    db.session.commit()
    return refresh(payment)


def needs_checking(payment: Payment | None) -> bool:
    """Tell whether the gateway may still change this payment without staff action."""
    return payment is not None and payment.state in {
        PaymentState.AWAITING_PAYMENT,
        PaymentState.PENDING,
    }


def _new_attempt(order: Order, provider: str) -> Payment:
    attempt = len(order.payments) + 1
    payment = Payment(
        order=order,
        attempt=attempt,
        provider=provider,
        two_stage=bool(current_app.config["RBS_TWO_STAGE"]),
        # Unique per attempt and per shop database: a reset database or a shared test
        # merchant must never reuse a number (the gateway rejects it with errorCode 1).
        merchant_order_number=f"{order.number}-{attempt}-{secrets.token_hex(4)}",
        amount=order.total,
        currency=order.currency,
    )
    db.session.add(payment)
    events.record(payment, "note", 2, f"attempt {attempt} via {provider}")
    db.session.commit()
    return payment


def _register_request(order: Order, payment: Payment) -> RegisterRequest:
    config = current_app.config
    base = str(config["SHOP_PUBLIC_URL"]).rstrip("/")
    return RegisterRequest(
        order_number=payment.merchant_order_number,
        amount=payment.amount,
        currency=payment.currency,
        return_url=base + _path("checkout.returned", token=payment.token),
        fail_url=base + _path("checkout.failed", token=payment.token),
        description=_("Order %(number)s", number=order.number),
        language=str(config["SHOP_LANGUAGE"]),
        email=order.email,
        session_timeout_secs=int(config["RBS_SESSION_TIMEOUT_SECS"]),
        two_stage=payment.two_stage,
    )


def _path(endpoint: str, **values: str) -> str:
    """A shop path without needing a request, so use cases run from tests and the CLI."""
    return current_app.url_map.bind("shop.invalid").build(endpoint, values)


def _is_gateway_page(provider: str, form_url: str) -> bool:
    return urlsplit(form_url).scheme in {"http", "https"} and origin_of(
        form_url
    ) in payment_page_origins(provider)
