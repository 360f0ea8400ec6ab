"""A new payment attempt: its row, its merchant order number, its registration request."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from shop.config import api_url
from shop.extensions import db
from shop.models import Order, Payment
from shop.money import Currency
from shop.payments import events
from shop.payments.gateways.base import RegisterRequest
from shop.payments.registry import (
    callbacks_enabled,
    origin_of,
    payment_page_origins,
    provider_setting,
)


def new_attempt(order: Order, provider: str) -> Payment:
    """Add and commit a pending attempt before anything is sent to the gateway."""
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
        events.record(payment, "note", 1, f"Buy: {lines} item(s), total {order.total} minor units")
    events.record(payment, "note", 2, f"attempt {attempt} via {provider}")
    db.session.commit()
    return payment


def register_request(order: Order, payment: Payment, client_ip: str = "") -> RegisterRequest:
    """What the gateway needs to register this attempt; amounts straight from the order."""
    config = current_app.config
    base = str(config["SHOP_PUBLIC_URL"]).rstrip("/")
    return_url = base + shop_path("checkout.returned", token=payment.token)
    return RegisterRequest(
        order_number=payment.merchant_order_number,
        amount=payment.amount,
        currency=payment.currency,
        currency_alpha=Currency.from_code(payment.currency).alpha,
        return_url=return_url,
        fail_url=base + shop_path("checkout.failed", token=payment.token),
        description=_("Order %(number)s", number=order.number),
        language=str(config["SHOP_LANGUAGE"])[:2],
        email=order.email,
        session_timeout_secs=int(config["RBS_SESSION_TIMEOUT_SECS"]),
        two_stage=payment.two_stage,
        callback_url=_callback_url(base, payment.provider),
        customer_name=order.name,
        client_ip=client_ip,
    )


def is_gateway_page(provider: str, form_url: str) -> bool:
    """Only the configured gateway's own pages may receive the buyer."""
    scheme_ok = urlsplit(form_url).scheme in {"http", "https"}
    fits = len(form_url) <= Payment.__table__.c.form_url.type.length
    return scheme_ok and fits and origin_of(form_url) in payment_page_origins(provider)


def shop_path(endpoint: str, **values: str) -> str:
    """A shop path without needing a request, so use cases run from tests and the CLI."""
    return current_app.url_map.bind("shop.invalid").build(endpoint, values)


def _callback_url(base: str, provider: str) -> str:
    if not callbacks_enabled(provider):
        return ""
    return base + shop_path("checkout.callback", provider=provider)
