"""Wallet payments through the whole shop over real HTTP: the buyer presses a test wallet on the
gateway's page, and the shop, a redirect integration that knows nothing of wallets, learns
from the verified status how it was paid and says so ("Paid with Google Pay")."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

import pytest
import requests

from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments.gateways.base import PaidWith
from tests.support import (
    CARD_APPROVE,
    Buyer,
    Staff,
    checkout_with_payneteasy,
    start_live_shop,
    start_shop_with_both_gateways,
)

_WALLET_FORM = re.compile(
    r'<form method="post" action="([^"]+)" class="wallet-form wallet-(\w+)">(.*?)</form>', re.S
)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def press_wallet(
    buyer: Buyer, form_url: str, wallet: str, three_ds: bool = False, follow: bool = True
) -> requests.Response:
    """Press a wallet's button on the gateway's page, as the browser would: its hidden fields
    and the button's value; follows the redirects (RBS: back to the shop) unless told not to."""
    page = buyer.http.get(form_url, timeout=10)
    forms = {key: (action, body) for action, key, body in _WALLET_FORM.findall(page.text)}
    action, body = forms[wallet]
    fields = dict(_HIDDEN.findall(body)) | {"three_ds": "1" if three_ds else "0"}
    target = urljoin(page.url, unescape(action))
    return buyer.http.post(target, data=fields, allow_redirects=follow, timeout=10)


def shopping(shop) -> Buyer:
    buyer = Buyer(shop)
    buyer.add("fountain-pen")
    return buyer


def staff_page(shop) -> str:
    staff = Staff(shop)
    staff.sign_in()
    with shop.app.app_context():
        token = db.session.execute(db.select(Payment)).scalar_one().order.token
    return staff.get(f"/admin/orders/{token}").text


@pytest.fixture
def shop(tmp_path):
    live = start_shop_with_both_gateways(tmp_path)
    yield live
    live.stop()


def test_google_pay_at_rbs_ends_paid_with_google_pay_on_both_order_pages(shop):
    buyer = shopping(shop)
    form_url = buyer.buy("ceramic-mug")

    page = press_wallet(buyer, form_url, "google_pay")

    assert page.url.startswith(f"{shop.url}/orders/")
    assert 'data-state="paid"' in page.text
    assert "Paid with Google Pay" in page.text
    assert 'data-paid-with="google_pay"' in page.text
    payment = shop.only_payment()
    assert (payment.provider, payment.state, payment.paid_with) == ("rbs", "paid", "google_pay")
    assert payment.masked_pan == "520474**1002"
    status_call = next(e for e in payment.events if e.endpoint == "getOrderStatusExtended.do")
    assert '"paymentWay":"GOOGLE_PAY_TOKENIZED"' in status_call.response_body.replace(" ", "")
    assert "Paid with Google Pay" in staff_page(shop)


def test_apple_pay_with_3ds_at_rbs_goes_through_the_challenge(shop):
    buyer = shopping(shop)
    challenge = press_wallet(buyer, buyer.buy(), "apple_pay", three_ds=True)
    assert "One-time code" in challenge.text
    assert shop.only_payment().paid_with is None  # nothing verified yet

    page = buyer.answer_challenge(challenge, "123456")

    assert 'data-state="paid"' in page.text and "Paid with Apple Pay" in page.text
    assert shop.only_payment().paid_with == "apple_pay"


def test_a_typed_card_at_rbs_is_paid_by_card(shop):
    buyer = shopping(shop)

    page = buyer.pay(buyer.buy(), CARD_APPROVE)

    assert 'data-state="paid"' in page.text and "Paid by card" in page.text
    assert "Paid with" not in page.text
    assert shop.only_payment().paid_with == "card"


def test_a_declined_wallet_payment_says_nothing_of_paying(shop):
    buyer = shopping(shop)
    challenge = press_wallet(buyer, buyer.buy(), "samsung_pay", three_ds=True)

    page = buyer.answer_challenge(challenge, "000000")

    assert 'data-state="declined"' in page.text
    assert "Paid with" not in page.text and 'class="paid-with"' not in page.text
    assert shop.only_payment().paid_with == "samsung_pay"  # kept for staff, not claimed as paid


def test_apple_pay_at_payneteasy_ends_paid_with_apple_pay(shop):
    buyer = shopping(shop)
    final = press_wallet(buyer, checkout_with_payneteasy(buyer), "apple_pay")

    page = buyer.follow_final_redirect(final)

    assert 'data-state="paid"' in buyer.get(page.url).text
    assert "Paid with Apple Pay" in buyer.get(page.url).text
    payment = shop.only_payment()
    assert (payment.provider, payment.state, payment.paid_with) == (
        "payneteasy",
        "paid",
        "apple_pay",
    )
    assert payment.masked_pan == "489537******5671"
    assert "Paid with Apple Pay" in staff_page(shop)


def test_samsung_pay_with_3ds_at_payneteasy_goes_through_the_password_page(shop):
    buyer = shopping(shop)
    challenge = press_wallet(buyer, checkout_with_payneteasy(buyer), "samsung_pay", three_ds=True)
    assert 'name="password"' in challenge.text

    page = buyer.follow_final_redirect(buyer.answer_3ds_password(challenge, "hint"))

    assert "Paid with Samsung Pay" in buyer.get(page.url).text
    assert shop.only_payment().paid_with == "samsung_pay"


def test_a_wallet_payment_settles_by_callback_alone_at_payneteasy(shop):
    buyer = shopping(shop)
    press_wallet(buyer, checkout_with_payneteasy(buyer), "google_pay")  # and never comes back

    def settled() -> bool:
        payment = db.session.execute(db.select(Payment)).scalar_one()
        return (payment.state, payment.paid_with) == ("paid", "google_pay")

    assert shop.wait_for(settled), "the callback did not settle the wallet payment"
    with shop.app.app_context():
        kinds = db.session.execute(db.select(PaymentEvent.kind)).scalars().all()
    assert "callback" in kinds and "return" not in kinds


def test_a_wallet_payment_settles_by_callback_alone_at_rbs(tmp_path):
    live = start_live_shop(
        tmp_path, SANDBOX_RBS_CALLBACKS="auto", SANDBOX_RBS_CALLBACK_DELAYS="0,0.05,0.1"
    )
    try:
        buyer = shopping(live)
        # The gateway sends the buyer back, but the tab is closed: only the callback arrives.
        answer = press_wallet(buyer, buyer.buy(), "google_pay", follow=False)
        assert answer.status_code == 302

        def settled() -> bool:
            payment = db.session.execute(db.select(Payment)).scalar_one()
            return (payment.state, payment.paid_with) == ("paid", "google_pay")

        assert live.wait_for(settled), "the callback did not settle the wallet payment"
    finally:
        live.stop()


def test_every_neutral_way_to_pay_has_its_sentence(app):
    from flask import render_template_string

    sentences = {}
    for way in PaidWith:
        with app.test_request_context():
            payment = Payment(paid_with=way.value, state="paid")
            html = render_template_string('{% include "_paid_with.html" %}', payment=payment)
        sentences[way.value] = html
    assert sentences["card"].strip().endswith(">Paid by card</p>")
    for way, name in [("apple_pay", "Apple"), ("google_pay", "Google"), ("samsung_pay", "Samsung")]:
        assert f">Paid with {name} Pay</p>" in sentences[way]
