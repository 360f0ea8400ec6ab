"""The whole purchase over real HTTP: shop and sandbox on a loopback socket."""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Order, PaymentEvent
from tests.support import (
    CARD_3DS,
    CARD_APPROVE,
    CARD_DECLINE,
    CARD_NO_3DS,
    CARD_NO_FUNDS,
)


def only_order(shop) -> Order:
    with shop.app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        # Load what the assertions read before the context closes.
        _ = [(p.state, p.events, p.merchant_order_number) for p in order.payments], order.lines
        return order


def events_of(shop, kind: str | None = None) -> list[PaymentEvent]:
    with shop.app.app_context():
        query = db.select(PaymentEvent).order_by(PaymentEvent.id)
        if kind:
            query = query.filter_by(kind=kind)
        return list(db.session.execute(query).scalars())


def test_buy_redirects_to_the_gateway_page_with_a_registered_order(live_shop, buyer):
    form_url = buyer.buy("ceramic-mug", 2)

    assert form_url.startswith(f"{live_shop.url}/sandbox/payment/merchants/redirect-shop/")
    order = only_order(live_shop)
    payment = order.payments[0]
    assert payment.state == "awaiting_payment"
    assert payment.amount == order.total == 2 * 89000
    assert payment.gateway_order_id and payment.gateway_order_id in form_url
    calls = [e for e in events_of(live_shop, "gateway_call") if e.endpoint == "register.do"]
    assert len(calls) == 1
    assert '"password": "********"' in calls[0].request_body
    assert "sandbox-demo-password" not in calls[0].request_body
    assert '"amount": "178000"' in calls[0].request_body


@pytest.mark.parametrize("card", [CARD_APPROVE, CARD_NO_3DS])
def test_approved_card_ends_on_a_verified_paid_page(live_shop, buyer, card):
    page = buyer.pay(buyer.buy(), card)

    assert page.status_code == 200
    assert page.url.startswith(f"{live_shop.url}/orders/")
    assert 'data-state="paid"' in page.text
    assert "Paid. Thank you!" in page.text
    payment = only_order(live_shop).payments[0]
    assert payment.state == "paid"
    assert payment.masked_pan and "**" in payment.masked_pan
    status_calls = [e for e in events_of(live_shop) if e.endpoint == "getOrderStatusExtended.do"]
    assert status_calls, "the outcome was not verified with a status call"


@pytest.mark.parametrize(
    ("card", "cvc", "code"),
    [(CARD_DECLINE, "123", "-2006"), (CARD_NO_FUNDS, "123", "116"), (CARD_APPROVE, "999", "71015")],
)
def test_declined_card_shows_the_gateway_reason_and_offers_retry(live_shop, buyer, card, cvc, code):
    page = buyer.pay(buyer.buy(), card, cvc=cvc)

    assert 'data-state="declined"' in page.text
    assert f"(code {code})" in page.text
    assert "Try again" in page.text
    payment = only_order(live_shop).payments[0]
    assert (payment.state, payment.action_code) == ("declined", code)


def test_three_d_secure_challenge_approves_with_the_right_code(live_shop, buyer):
    challenge = buyer.pay(buyer.buy(), CARD_3DS)
    assert "/sandbox/" in challenge.url and 'name="code"' in challenge.text
    assert only_order(live_shop).payments[0].state == "awaiting_payment"

    page = buyer.answer_challenge(challenge, "123456")

    assert 'data-state="paid"' in page.text


def test_three_d_secure_wrong_code_declines(live_shop, buyer):
    challenge = buyer.pay(buyer.buy(), CARD_3DS)

    page = buyer.answer_challenge(challenge, "000000")

    assert 'data-state="declined"' in page.text
    assert only_order(live_shop).payments[0].action_code == "-2006"


def test_unpaid_order_expires_after_the_session_timeout(live_shop, buyer):
    buyer.buy()
    order_url = f"/orders/{only_order(live_shop).token}"
    assert 'data-state="awaiting_payment"' in buyer.get(order_url).text

    live_shop.clock.advance(1201)
    page = buyer.get(order_url)

    assert 'data-state="expired"' in page.text
    assert only_order(live_shop).payments[0].action_code == "-2007"
    assert "Try again" in page.text


def test_cancel_on_the_hosted_page_comes_back_declined(live_shop, buyer):
    page = buyer.cancel(buyer.buy())

    assert page.url.startswith(f"{live_shop.url}/orders/")
    assert 'data-state="declined"' in page.text
    assert "Try again" in page.text


def test_retry_after_decline_registers_a_new_attempt_and_pays(live_shop, buyer):
    declined = buyer.pay(buyer.buy(), CARD_DECLINE)
    order = only_order(live_shop)
    retry = buyer.post(
        f"/orders/{order.token}/retry",
        {"csrf_token": _csrf_of(declined.text)},
        allow_redirects=False,
    )
    assert retry.status_code == 303

    page = buyer.pay(retry.headers["Location"], CARD_APPROVE)

    assert 'data-state="paid"' in page.text
    first, second = only_order(live_shop).payments
    assert (first.state, second.state) == ("declined", "paid")
    assert first.merchant_order_number != second.merchant_order_number


def _csrf_of(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
