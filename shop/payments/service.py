"""The payment use cases: start a payment, verify it, take a return or a callback, retry.

Each use case owns its transaction and commits before any network call whose outcome
must be recoverable, so a crash or timeout never loses what the shop already knew.
Nothing here knows which gateway it talks to: each is one client behind `Gateway`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import current_app
from flask_babel import gettext as _

from shop.config import api_url
from shop.extensions import db
from shop.models import Order, Payment
from shop.payments import events, gateway_ids, limits
from shop.payments.attempts import is_gateway_page, new_attempt, register_request
from shop.payments.errors import (
    ForgedNotification,
    PaymentRefused,
    PaymentUnavailable,
    RetryNotAllowed,
    ReturnMismatch,
    StatusJustChecked,
    UnknownPayment,
)
from shop.payments.gateways.base import PaymentRef
from shop.payments.gateways.errors import GatewayBusy, GatewayError, GatewayRejected
from shop.payments.recovery import ref_of, resolve_unknown_registration
from shop.payments.registry import enabled_providers, gateway_for
from shop.payments.states import FINAL_STATES, PaymentState
from shop.payments.transitions import apply_status, transition

log = logging.getLogger(__name__)


def start_payment(order: Order, provider: str | None = None, client_ip: str = "") -> Payment:
    """Register a new attempt with the gateway and keep its order id and payment page."""
    provider = provider or enabled_providers()[0]
    payment = new_attempt(order, provider)
    gateway = gateway_for(provider, events.exchange_recorder(payment, step=3))
    try:
        registration = gateway.register(register_request(order, payment, client_ip))
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
    except GatewayBusy as exc:
        transition(payment, PaymentState.REGISTRATION_FAILED, 4, "not sent: the gateway is busy")
        db.session.commit()
        raise PaymentRefused(
            _("The bank is busy right now. Your order is saved: please try again in a moment.")
        ) from exc
    except GatewayError as exc:
        events.record(payment, "note", 4, f"registration outcome unknown: {exc}")
        db.session.commit()
        raise PaymentUnavailable(
            _("The payment service did not answer. Your order is saved: please try again.")
        ) from exc
    if not is_gateway_page(provider, registration.form_url):
        transition(payment, PaymentState.REGISTRATION_FAILED, 4, "payment page on a foreign host")
        db.session.commit()
        raise PaymentRefused(_("The payment service sent an unexpected payment page address."))
    if not gateway_ids.adopt(payment, registration.gateway_order_id, 4):
        db.session.commit()
        raise PaymentRefused(
            _(
                "The payment service gave an answer we cannot use. Your order is saved: "
                "please try again."
            )
        )
    payment.form_url = registration.form_url
    transition(payment, PaymentState.AWAITING_PAYMENT, 4, f"order id {payment.gateway_order_id}")
    events.record(payment, "redirect", 5, "buyer sent to the payment page")
    db.session.commit()
    return payment


def retry(order: Order, client_ip: str = "") -> Payment:
    """Start a fresh attempt (new merchant order number) after a decline or expiry."""
    if not order.can_retry:
        raise RetryNotAllowed(_("This order cannot be paid again."))
    latest = order.latest_payment
    return start_payment(order, latest.provider if latest else None, client_ip)


def refresh(payment: Payment, step: int = 10) -> Payment:
    """Ask the gateway what happened and apply it; the only way a payment's state moves."""
    if not payment.gateway_order_id:
        return resolve_unknown_registration(payment, step)
    gateway = gateway_for(payment.provider, events.exchange_recorder(payment, step=step))
    try:
        status = gateway.status(ref_of(payment))
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


def check_waiting(order: Order) -> None:
    """The buyer's order page: ask about a waiting payment, at most once per few seconds.

    Reloads share one call: whoever loses the claim shows what is stored, and the page
    refreshes itself. PaymentUnavailable when the gateway could not be asked.
    """
    payment = order.latest_payment
    if needs_checking(payment) and limits.claim_status_check(payment, limits.refresh_interval()):
        refresh(payment)


def handle_return(payment_token: str, params: Mapping[str, str], via: str) -> Payment:
    """A buyer came back from the payment page: check it is this payment's, then verify.

    The first return always asks the gateway; a repeated one only when a few seconds have
    passed, so a replayed return URL costs neither gateway calls nor timeline rows.
    """
    payment = payment_by_token(payment_token)
    gateway = gateway_for(payment.provider)
    if not gateway.return_is_genuine(params, ref_of(payment)):
        limits.count_forgery(payment, "return")
        raise ReturnMismatch(_("This return does not belong to this payment."))
    first = limits.claim_first_return(payment)
    if not (first or limits.claim_status_check(payment, limits.refresh_interval())):
        return payment
    events.record(payment, "return", 9, f"buyer returned via {via}")
    db.session.commit()
    return refresh(payment)


def handle_callback(provider: str, params: Mapping[str, str]) -> Payment | None:
    """A server callback: authenticate it, find its payment, and ask the gateway itself.

    The payload is only a hint that something changed; None means a genuine callback
    about a payment this shop does not know (answered 200 so the gateway stops). One that
    comes moments after the last status call is not acknowledged (StatusJustChecked): the
    gateway delivers it again, and a replayed one costs nothing.
    """
    gateway = gateway_for(provider)
    ref = gateway.callback_ref(params)
    if ref is None or not gateway.callback_is_genuine(params):
        log.warning("forged callback provider=%s ref=%s", provider, ref)
        payment = _find(provider, ref) if ref else None
        if payment is not None:
            limits.count_forgery(payment, "callback")
        raise ForgedNotification(_("This notification is not signed by the gateway."))
    payment = _find(provider, ref)
    if payment is None:
        log.info("callback for an unknown payment provider=%s ref=%s", provider, ref)
        return None
    if not limits.claim_status_check(payment, limits.refresh_interval()):
        raise StatusJustChecked(_("The status was checked moments ago; deliver again later."))
    summary = ", ".join(f"{k}={params[k]}" for k in ("status", "operation") if k in params)
    events.record(payment, "callback", 10, f"callback received ({summary})")
    db.session.commit()
    return refresh(payment)


def payment_by_token(payment_token: str) -> Payment:
    """The payment a return URL names, or UnknownPayment."""
    payment = db.session.execute(
        db.select(Payment).filter_by(token=payment_token)
    ).scalar_one_or_none()
    if payment is None:
        raise UnknownPayment(_("We do not know this payment."))
    return payment


def gateway_may_change(payment: Payment | None) -> bool:
    """Whether a status call can still tell something new (money may still move)."""
    return (
        payment is not None
        and bool(payment.gateway_order_id)
        and payment.state not in FINAL_STATES | {PaymentState.NEEDS_REVIEW}
    )


def needs_checking(payment: Payment | None) -> bool:
    """Tell whether the gateway may still change this payment without staff action."""
    return payment is not None and payment.state in {
        PaymentState.AWAITING_PAYMENT,
        PaymentState.PENDING,
    }


def _find(provider: str, ref: PaymentRef) -> Payment | None:
    """Our own number first (unique in the shop); the gateway's id only within its gateway."""
    query = db.select(Payment).filter_by(provider=provider)
    if ref.order_number:
        found = db.session.execute(
            query.filter_by(merchant_order_number=ref.order_number)
        ).scalar_one_or_none()
        if found is not None:
            return found
    if not ref.gateway_order_id:
        return None
    here = api_url(current_app.config, provider)
    return db.session.execute(
        query.filter_by(gateway_url=here, gateway_order_id=ref.gateway_order_id)
    ).scalar_one_or_none()
