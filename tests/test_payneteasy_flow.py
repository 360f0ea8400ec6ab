"""PaynetEasy end to end over real HTTP: hosted form, signed final redirect, server callbacks."""

from __future__ import annotations

import time

import pytest
import requests

from shop.extensions import db
from shop.models import Order, Payment, PaymentEvent
from tests.support import (
    Buyer,
    checkout_with_payneteasy,
    start_live_shop,
    start_shop_with_both_gateways,
)


@pytest.fixture
def shop(tmp_path):
    live = start_shop_with_both_gateways(tmp_path)
    yield live
    live.stop()


@pytest.fixture
def manual_callbacks_shop(tmp_path):
    live = start_live_shop(
        tmp_path, PAYMENT_PROVIDERS="rbs,payneteasy", SANDBOX_PAYNETEASY_CALLBACKS="manual"
    )
    yield live
    live.stop()


def buyer_of(shop):
    person = Buyer(shop)
    person.add("fountain-pen")
    return person


def transitions_to(shop, state: str) -> int:
    with shop.app.app_context():
        query = db.select(PaymentEvent).filter_by(kind="transition", to_state=state)
        return len(db.session.execute(query).scalars().all())


def state_is(state: str):
    return lambda: db.session.execute(db.select(Payment.state)).scalar_one() == state


def callbacks_received(count: int):
    def check() -> bool:
        query = db.select(PaymentEvent).filter_by(kind="callback")
        return len(db.session.execute(query).scalars().all()) == count

    return check


def test_checkout_offers_both_providers_and_pays_through_payneteasy(shop):
    buyer = buyer_of(shop)
    form = buyer.get("/checkout").text
    assert 'value="rbs"' in form and 'value="payneteasy"' in form

    form_url = checkout_with_payneteasy(buyer)
    assert form_url.startswith(f"{shop.url}/sandbox/paynet/form/")
    page = buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))

    assert page.url.startswith(f"{shop.url}/orders/")
    assert 'data-state="paid"' in page.text
    payment = shop.only_payment()
    assert (payment.provider, payment.state) == ("payneteasy", "paid")
    calls = [e.endpoint for e in payment.events if e.endpoint]
    assert calls[0] == "sale-form" and "status" in calls
    sale_form = next(e for e in payment.events if e.endpoint == "sale-form")
    assert '"amount": "3790.00"' in sale_form.request_body
    assert shop.app.config["PAYNETEASY_CONTROL_KEY"] not in sale_form.request_body


def test_single_provider_shows_no_choice(live_shop):
    buyer = Buyer(live_shop)
    buyer.add("fountain-pen")
    form = buyer.get("/checkout").text
    assert 'name="provider" value="rbs"' in form and 'value="payneteasy"' not in form
    buyer.close()


@pytest.mark.parametrize(("cvv", "code"), [("116", "116"), ("101", "101"), ("555", "100")])
def test_declined_payment_shows_the_reason_and_offers_retry(shop, cvv, code):
    buyer = buyer_of(shop)
    page = buyer.follow_final_redirect(buyer.pay_payneteasy(checkout_with_payneteasy(buyer), cvv))

    assert 'data-state="declined"' in page.text
    assert "Try again" in page.text
    assert shop.only_payment().action_code == code


def test_three_d_secure_password_hint_approves(shop):
    buyer = buyer_of(shop)
    challenge = buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "321")
    assert 'name="password"' in challenge.text

    page = buyer.follow_final_redirect(buyer.answer_3ds_password(challenge, "hint"))

    assert 'data-state="paid"' in page.text


def test_three_d_secure_wrong_password_declines(shop):
    buyer = buyer_of(shop)
    challenge = buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "321")

    page = buyer.follow_final_redirect(buyer.answer_3ds_password(challenge, "nope"))

    assert 'data-state="declined"' in page.text


def test_unknown_status_stays_processing_until_the_gateway_decides(shop):
    buyer = buyer_of(shop)
    page = buyer.follow_final_redirect(buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "217"))
    assert 'data-state="awaiting_payment"' in page.text
    assert '<meta http-equiv="refresh"' in page.text

    payment = shop.only_payment()
    finalize = f"{shop.url}/sandbox/paynet/sandbox/orders/{payment.gateway_order_id}/finalize"
    assert requests.post(finalize, data={"status": "approved"}, timeout=5).status_code == 200

    assert shop.wait_for(state_is("paid")), "the callback did not settle the payment"
    assert 'data-state="paid"' in buyer.get(page.url).text


def test_final_redirect_with_a_bad_control_is_refused_and_changes_nothing(shop):
    buyer = buyer_of(shop)
    redirect_page = buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "116")
    shop.wait_for(state_is("declined"))
    before = shop.only_payment()

    page = buyer.follow_final_redirect(redirect_page, status="approved")

    assert page.status_code == 403
    assert "does not belong to this payment" in page.text
    after = shop.only_payment()
    assert after.state == before.state == "declined"
    assert (after.forgeries, len(after.events)) == (1, len(before.events))  # counted, not logged


def test_genuine_redirect_claiming_approval_loses_to_the_status_api(manual_callbacks_shop):
    from shop.payments.gateways.payneteasy import redirect_control

    shop = manual_callbacks_shop
    buyer = buyer_of(shop)
    redirect_page = buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "217")  # unknown
    payment = shop.only_payment()
    key = shop.app.config["PAYNETEASY_CONTROL_KEY"]
    signed = redirect_control(
        "approved", payment.gateway_order_id, payment.merchant_order_number, key
    )

    page = buyer.follow_final_redirect(redirect_page, status="approved", control=signed)

    assert page.status_code == 200
    assert 'data-state="awaiting_payment"' in page.text
    assert shop.only_payment().state == "awaiting_payment"


def test_callback_before_the_redirect_settles_the_order_once(shop):
    buyer = buyer_of(shop)
    redirect_page = buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "123")
    assert shop.wait_for(state_is("paid")), "the callback did not arrive"
    assert any(e.kind == "callback" for e in shop.only_payment().events)

    page = buyer.follow_final_redirect(redirect_page)

    assert 'data-state="paid"' in page.text
    assert transitions_to(shop, "paid") == 1


def test_callback_after_the_redirect_and_duplicates_change_nothing(manual_callbacks_shop):
    shop = manual_callbacks_shop
    buyer = buyer_of(shop)
    page = buyer.follow_final_redirect(buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "123"))
    assert 'data-state="paid"' in page.text
    payment = shop.only_payment()
    send = f"{shop.url}/sandbox/paynet/sandbox/orders/{payment.gateway_order_id}/callback"

    for _ in range(3):
        assert requests.post(send, timeout=5).status_code == 202

    assert shop.wait_for(callbacks_received(3)), "three callbacks were not all received"
    assert transitions_to(shop, "paid") == 1
    # The sandbox logs each delivery after the shop answered it: wait for the third line.
    deadline = time.monotonic() + 5
    while len(attempts := requests.get(send + "s", timeout=5).json()) < 3:
        assert time.monotonic() < deadline, attempts
        time.sleep(0.05)
    assert [a["http_status"] for a in attempts] == [200, 200, 200]


def test_forged_callback_is_refused_with_403_and_changes_nothing(manual_callbacks_shop):
    shop = manual_callbacks_shop
    buyer = buyer_of(shop)
    buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "217")
    payment = shop.only_payment()
    forged = {
        "status": "approved",
        "orderid": payment.gateway_order_id,
        "client_orderid": payment.merchant_order_number,
        "merchant_order": payment.merchant_order_number,
        "type": "sale",
        "amount": "3790.00",
        "control": "0" * 40,
    }

    answer = requests.get(f"{shop.url}/payments/payneteasy/callback", params=forged, timeout=5)

    assert answer.status_code == 403
    assert shop.only_payment().state == "awaiting_payment"
    missing = requests.get(f"{shop.url}/payments/payneteasy/callback", timeout=5)
    assert missing.status_code == 403


def test_amount_that_differs_from_the_order_needs_review(manual_callbacks_shop):
    shop = manual_callbacks_shop
    buyer = buyer_of(shop)
    redirect_page = buyer.pay_payneteasy(checkout_with_payneteasy(buyer), "123")
    # The order was changed after registration (a shop-side bug or tampering): the gateway's
    # amount no longer matches what the shop expects to be paid.
    with shop.app.app_context():
        db.session.execute(db.update(Payment).values(amount=100))
        db.session.execute(db.update(Order).values(total=100))
        db.session.commit()

    page = buyer.follow_final_redirect(redirect_page)

    assert 'data-state="needs_review"' in page.text
    assert shop.only_payment().state == "needs_review"
    review = [e for e in shop.only_payment().events if e.to_state == "needs_review"]
    assert len(review) == 1 and "amount mismatch" in review[0].summary


def test_an_endpoint_group_is_addressed_and_signed_by_its_own_id(tmp_path):
    live = start_live_shop(
        tmp_path, PAYMENT_PROVIDERS="payneteasy", PAYNETEASY_ENDPOINT_GROUP_ID="4343"
    )
    try:
        buyer = buyer_of(live)
        form_url = buyer.buy("fountain-pen")
        page = buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))
        # The sandbox checks the control against the id in the URL: paid means it matched.
        assert 'data-state="paid"' in page.text
        with live.app.app_context():
            from shop.payments.registry import gateway_for

            assert gateway_for("payneteasy")._url("sale-form").endswith("/sale-form/group/4343")
    finally:
        live.stop()
