"""The purchase, as one story: start an attempt, send the buyer to the gateway's page, take
the buyer's return and the gateway's callbacks, verify by a status call, retry, and recover
a registration whose answer was lost.

Nothing here knows which gateway it talks to (each is one client behind `Gateway`), and
nothing from the buyer's browser is believed: a return or a callback only makes the shop
ask the gateway. Every gateway call goes through `gateway_call`, which commits what led to
it before, and what it decided after.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from shop.config import api_url
from shop.extensions import db
from shop.models import Order, Payment, utcnow
from shop.money import Currency
from shop.payments import gateway_ids, limits, timeline
from shop.payments.calls import Failure, gateway_call
from shop.payments.errors import (
    ForgedNotification,
    PaymentRefused,
    RetryNotAllowed,
    ReturnMismatch,
    StatusJustChecked,
    UnknownPayment,
)
from shop.payments.gateways import PROVIDERS
from shop.payments.gateways.base import Outcome, Payer, PaymentRef, RegisterRequest
from shop.payments.gateways.errors import GatewayOrderNotFound
from shop.payments.registry import (
    callbacks_enabled,
    enabled_providers,
    gateway_for,
    label_of,
    origin_of,
    payment_page_origins,
    provider_setting,
)
from shop.payments.states import FINAL_STATES, WAITING, PaymentState
from shop.payments.timeline import EventKind, Step
from shop.payments.transitions import apply_status, transition

log = logging.getLogger(__name__)


# --- steps 1-5: Buy, register, send the buyer to the payment page -------------------------


def start(order: Order, provider: str | None = None, client_ip: str = "") -> Payment:
    """Register a new attempt with the gateway and keep its order id and payment page."""
    provider = provider or enabled_providers()[0]
    payment = _new_attempt(order, provider)

    def failed(failure: Failure) -> None:
        if failure is not Failure.UNKNOWN:  # unknown stays pending: recover() finds out
            transition(payment, PaymentState.REGISTRATION_FAILED, Step.REGISTERED, failure)

    with gateway_call(
        payment,
        Step.REGISTER,
        "registration",
        on_failure=failed,
        refused=_(
            "The payment service refused this payment (code %(code)s). Your order is saved: "
            "please try again in a moment."
        ),
        busy=_("The bank is busy right now. Your order is saved: please try again in a moment."),
        unknown=_("The payment service did not answer. Your order is saved: please try again."),
    ) as gateway:
        registration = gateway.register(_register_request(order, payment, client_ip))
        if not is_gateway_page(provider, registration.form_url):
            why = "payment page on a foreign host"
            transition(payment, PaymentState.REGISTRATION_FAILED, Step.REGISTERED, why)
            raise PaymentRefused(_("The payment service sent an unexpected payment page address."))
        if not gateway_ids.adopt(payment, registration.gateway_order_id, Step.REGISTERED):
            raise PaymentRefused(
                _(
                    "The payment service gave an answer we cannot use. Your order is saved: "
                    "please try again."
                )
            )
        payment.form_url = registration.form_url
        why = f"order id {payment.gateway_order_id}"
        transition(payment, PaymentState.AWAITING_PAYMENT, Step.REGISTERED, why)
        timeline.record(
            payment, EventKind.REDIRECT, Step.REDIRECT, "buyer sent to the payment page"
        )
    return payment


def retry(order: Order, client_ip: str = "") -> Payment:
    """Start a fresh attempt (new merchant order number) after a decline or expiry."""
    if not order.can_retry:
        raise RetryNotAllowed(_("This order cannot be paid again."))
    latest = order.latest_payment
    return start(order, latest.provider if latest else None, client_ip)


def checkout_choices() -> list[tuple[str, str]]:
    """The enabled providers as (key, label for the buyer), in the configured order."""
    return [(key, _(label_of(key))) for key in enabled_providers()]


def is_known_provider(provider: str) -> bool:
    return provider in PROVIDERS


def _new_attempt(order: Order, provider: str) -> Payment:
    """A pending attempt, kept before anything is sent to the gateway (gateway_call commits)."""
    attempt = len(order.payments) + 1
    payment = Payment(
        order=order,
        attempt=attempt,
        provider=provider,
        two_stage=bool(provider_setting(provider, "TWO_STAGE")),
        # Unique per attempt and per shop database: a reset database or a shared test
        # merchant must never reuse a number (gateways refuse a number they have seen).
        merchant_order_number=f"{order.number}-{attempt}-{secrets.token_hex(4)}",
        amount=order.total,
        currency=order.currency,
        gateway_url=api_url(current_app.config, provider),
    )
    db.session.add(payment)
    if attempt == 1:
        lines = sum(line.quantity for line in order.lines)
        summary = f"Buy: {lines} item(s), total {order.total} minor units"
        timeline.record(payment, EventKind.NOTE, Step.BUY, summary)
    timeline.record(payment, EventKind.NOTE, Step.RECEIVE, f"attempt {attempt} via {provider}")
    return payment


def _register_request(order: Order, payment: Payment, client_ip: str = "") -> RegisterRequest:
    """What the gateway needs to register this attempt; amounts straight from the order."""
    config = current_app.config
    base = str(config["SHOP_PUBLIC_URL"]).rstrip("/")
    callback_url = ""
    if callbacks_enabled(payment.provider):
        callback_url = base + shop_path("checkout.callback", provider=payment.provider)
    return RegisterRequest(
        order_number=payment.merchant_order_number,
        amount=payment.amount,
        currency=Currency.from_code(payment.currency),
        return_url=base + shop_path("checkout.returned", token=payment.token),
        fail_url=base + shop_path("checkout.failed", token=payment.token),
        description=_("Order %(number)s", number=order.number),
        language=_buyer_language(str(config["SHOP_LANGUAGE"])),
        payer=Payer(email=order.email, name=order.name, ip=client_ip),
        page_lifetime_secs=int(config["PAYMENT_PAGE_LIFETIME_SECS"]),
        two_stage=payment.two_stage,
        callback_url=callback_url,
    )


def _buyer_language(fallback: str) -> str:
    """The buyer's language (this request's locale): the gateway's page opens in it."""
    locale = get_locale()
    return locale.language if locale else fallback[:2]


def is_gateway_page(provider: str, form_url: str) -> bool:
    """Only the configured gateway's own pages may receive the buyer."""
    scheme_ok = urlsplit(form_url).scheme in {"http", "https"}
    fits = len(form_url) <= Payment.__table__.c.form_url.type.length
    return scheme_ok and fits and origin_of(form_url) in payment_page_origins(provider)


def shop_path(endpoint: str, **values: str) -> str:
    """A shop path without needing a request, so use cases run from tests and the CLI."""
    return current_app.url_map.bind("shop.invalid").build(endpoint, values)


# --- steps 9-10: the buyer returns, the gateway calls back, the shop verifies -------------


def refresh(payment: Payment, *, staff: bool = False) -> Payment:
    """Ask the gateway what happened and apply it; the only way a payment's state moves.

    Asked by staff, the calls belong to the after-sale step, which buyers never see."""
    step = Step.AFTER_SALE if staff else Step.VERIFY
    if not payment.gateway_order_id:
        return _recover(payment, step)
    with gateway_call(
        payment,
        step,
        "status",
        unknown=_(
            "We could not confirm your payment with the bank yet. Nothing is lost: "
            "this page checks again shortly."
        ),
        asks_only=True,
    ) as gateway:
        status = gateway.status(ref_of(payment))
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
    if not gateway_for(payment.provider).read_return(params, ref_of(payment)):
        limits.count_forgery(payment, "return")
        raise ReturnMismatch(_("This return does not belong to this payment."))
    first = limits.claim_first_return(payment)
    if not (first or limits.claim_status_check(payment, limits.refresh_interval())):
        return payment
    timeline.record(payment, EventKind.RETURN, Step.RETURN, f"buyer returned via {via}")
    return refresh(payment)


def handle_callback(provider: str, params: Mapping[str, str]) -> Payment | None:
    """A server callback: authenticate it, find its payment, and ask the gateway itself.

    The payload is only a hint that something changed; None means a genuine callback
    about a payment this shop does not know (answered 200 so the gateway stops). One that
    comes moments after the last status call is not acknowledged (StatusJustChecked): the
    gateway delivers it again, and a replayed one costs nothing.
    """
    notice = gateway_for(provider).read_callback(params)
    if notice is None or not notice.genuine:
        ref = notice.ref if notice else None
        log.warning("forged callback provider=%s ref=%s", provider, ref)
        payment = _find(provider, ref) if ref else None
        if payment is not None:
            limits.count_forgery(payment, "callback")
        raise ForgedNotification(_("This notification is not signed by the gateway."))
    payment = _find(provider, notice.ref)
    if payment is None:
        log.info("callback for an unknown payment provider=%s ref=%s", provider, notice.ref)
        return None
    if not limits.claim_status_check(payment, limits.refresh_interval()):
        raise StatusJustChecked(_("The status was checked moments ago; deliver again later."))
    summary = f"callback received ({notice.summary})"
    timeline.record(payment, EventKind.CALLBACK, Step.VERIFY, summary)
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
    """Whether the gateway may still change this payment without staff action."""
    return payment is not None and payment.state in WAITING


def ref_of(payment: Payment) -> PaymentRef:
    """How the gateway knows this payment."""
    return PaymentRef(payment.merchant_order_number, payment.gateway_order_id)


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


# --- recovery: a registration whose answer was lost, never registered twice ---------------


def _recover(payment: Payment, step: Step) -> Payment:
    """Find out whether a registration that got no answer happened, by our own order number.

    Registering again blindly could create a second payable order; so the gateway is
    asked first, and only "no such order" makes the attempt retryable.
    """
    if payment.state != PaymentState.PENDING or not _unknown_for_long_enough(payment):
        db.session.commit()  # nothing to ask yet: keep what the caller recorded
        return payment
    with gateway_call(
        payment,
        step,
        "registration still unknown",
        unknown=_("We could not reach the payment service yet. Your order is saved."),
        asks_only=True,
    ) as gateway:
        try:
            status = gateway.status(ref_of(payment))
        except GatewayOrderNotFound:
            why = "gateway has no such order"
            transition(payment, PaymentState.REGISTRATION_FAILED, step, why)
            return payment
        if status.gateway_order_id and not gateway_ids.adopt(
            payment, status.gateway_order_id, step
        ):
            return payment
        if status.outcome in {Outcome.CREATED, Outcome.PROCESSING}:
            # Registered, but its payment page address was lost with the answer: that order
            # will expire unpaid at the gateway, and the buyer may start a new attempt.
            transition(payment, PaymentState.REGISTRATION_FAILED, step, "page address lost")
            return payment
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
