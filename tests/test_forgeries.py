"""Forged, replayed and borrowed notifications: zero state changes, whatever they claim."""

from __future__ import annotations

import pytest
import requests

from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments.gateways.rbs import callback_checksum
from tests.support import Buyer, final_redirect, start_live_shop

KEY = "forgery-test-key"


@pytest.fixture
def shop(tmp_path):
    live = start_live_shop(
        tmp_path,
        PAYMENT_PROVIDERS="rbs,payneteasy",
        RBS_CALLBACK_KEY=KEY,
        SANDBOX_PAYNETEASY_CALLBACKS="manual",
    )
    yield live
    live.stop()


def payments(shop) -> list[Payment]:
    with shop.app.app_context():
        return list(db.session.execute(db.select(Payment).order_by(Payment.id)).scalars())


def transitions(shop) -> int:
    with shop.app.app_context():
        query = db.select(PaymentEvent).filter_by(kind="transition")
        return len(db.session.execute(query).scalars().all())


def pne_paid_page_and_unpaid_payment(shop):
    """One PaynetEasy payment approved (its final redirect kept, unsent), one left unpaid."""
    buyer = Buyer(shop)
    buyer.add("fountain-pen")
    paid_form = buyer.checkout(provider="payneteasy").headers["Location"]
    redirect_page = buyer.pay_payneteasy(paid_form, "123")
    other = Buyer(shop)
    other.add("tea-sampler")
    other.checkout(provider="payneteasy")
    return buyer, redirect_page


def test_a_genuine_redirect_posted_to_another_orders_return_url_is_refused(shop):
    _buyer, redirect_page = pne_paid_page_and_unpaid_payment(shop)
    _action, fields = final_redirect(redirect_page.text)
    before = transitions(shop)
    victim = payments(shop)[1]

    answer = requests.post(f"{shop.url}/checkout/return/{victim.token}", data=fields, timeout=5)

    assert answer.status_code == 403
    assert payments(shop)[1].state == "awaiting_payment"
    assert transitions(shop) == before


def test_a_replayed_redirect_changes_nothing_the_second_time(shop):
    buyer, redirect_page = pne_paid_page_and_unpaid_payment(shop)
    assert 'data-state="paid"' in buyer.follow_final_redirect(redirect_page).text
    before = transitions(shop)

    replay = buyer.follow_final_redirect(redirect_page)

    assert 'data-state="paid"' in replay.text
    assert transitions(shop) == before


def test_a_tampered_amount_in_a_genuine_redirect_is_ignored(shop):
    buyer, redirect_page = pne_paid_page_and_unpaid_payment(shop)

    page = buyer.follow_final_redirect(redirect_page, amount="1.00")

    assert 'data-state="paid"' in page.text  # the status API's amount, not the posted one
    assert payments(shop)[0].state == "paid"


def rbs_awaiting(shop) -> Payment:
    buyer = Buyer(shop)
    buyer.add("canvas-tote")
    buyer.checkout()
    return next(p for p in payments(shop) if p.provider == "rbs")


def signed(params: dict[str, str], key: str = KEY) -> dict[str, str]:
    return {**params, "checksum": callback_checksum(params, key)}


def test_rbs_callbacks_with_a_tampered_amount_or_foreign_ids_are_refused(shop):
    payment = rbs_awaiting(shop)
    genuine = {
        "mdOrder": payment.gateway_order_id,
        "orderNumber": payment.merchant_order_number,
        "operation": "deposited",
        "status": "1",
        "amount": "99000",
    }
    tampered = {**signed(genuine), "amount": "1"}
    borrowed = {**signed(genuine), "mdOrder": "another-order"}
    wrong_key = signed(genuine, key="guessed")
    before = transitions(shop)

    for forged in (tampered, borrowed, wrong_key):
        answer = requests.get(f"{shop.url}/payments/rbs/callback", params=forged, timeout=5)
        assert answer.status_code == 403

    assert payments(shop)[-1].state == "awaiting_payment"
    assert transitions(shop) == before


def test_a_replayed_genuine_callback_is_acknowledged_and_changes_nothing(shop):
    payment = rbs_awaiting(shop)
    notice = signed(
        {"mdOrder": payment.gateway_order_id, "orderNumber": payment.merchant_order_number,
         "operation": "deposited", "status": "1"}
    )  # fmt: skip
    for _ in range(3):
        answer = requests.get(f"{shop.url}/payments/rbs/callback", params=notice, timeout=5)
        assert answer.status_code == 200
    assert payments(shop)[-1].state == "awaiting_payment"  # nothing was paid at the gateway
