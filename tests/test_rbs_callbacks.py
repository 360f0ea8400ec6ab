"""RBS callback notifications at the shop: signed ones trigger a status call, others nothing."""

from __future__ import annotations

import pytest
import requests

from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments.gateways.rbs import callback_checksum
from tests.support import Buyer, start_live_shop

KEY = "callback-test-key"


@pytest.fixture
def shop(tmp_path):
    live = start_live_shop(tmp_path, RBS_CALLBACK_KEY=KEY)
    yield live
    live.stop()


def paid_at_gateway_without_return(shop) -> Payment:
    """The buyer pays and closes the tab: the shop never sees the return."""
    buyer = Buyer(shop)
    buyer.pay_and_close_the_tab("canvas-tote")
    buyer.close()
    return shop.only_payment()


def callback(shop, params: dict[str, str]) -> requests.Response:
    return requests.get(f"{shop.url}/payments/rbs/callback", params=params, timeout=5)


def notification(payment: Payment) -> dict[str, str]:
    return {
        "mdOrder": payment.gateway_order_id,
        "orderNumber": payment.merchant_order_number,
        "operation": "deposited",
        "status": "1",
    }


def test_registration_asks_for_callbacks_when_a_key_is_configured(shop):
    payment = paid_at_gateway_without_return(shop)
    register = next(e for e in payment.events if e.endpoint == "register.do")
    assert f'"dynamicCallbackUrl": "{shop.url}/payments/rbs/callback"' in register.request_body


def test_signed_callback_settles_a_payment_whose_buyer_never_returned(shop):
    payment = paid_at_gateway_without_return(shop)
    assert payment.state == "awaiting_payment"
    params = notification(payment)

    answer = callback(shop, {**params, "checksum": callback_checksum(params, KEY)})

    assert answer.status_code == 200
    paid = shop.only_payment()
    assert paid.state == "paid"
    kinds = [(e.kind, e.endpoint) for e in paid.events]
    assert ("callback", None) in kinds and ("gateway_call", "getOrderStatusExtended.do") in kinds


@pytest.mark.parametrize("checksum", ["", "0" * 64, "WRONG"])
def test_unsigned_or_badly_signed_callbacks_are_refused(shop, checksum):
    payment = paid_at_gateway_without_return(shop)
    params = notification(payment)
    if checksum:
        params["checksum"] = checksum

    assert callback(shop, params).status_code == 403
    assert shop.only_payment().state == "awaiting_payment"


def test_callbacks_fail_closed_without_a_key_on_a_real_gateway(tmp_path):
    from shop.config import SANDBOX_DEMO_CALLBACK_KEY

    shop = start_live_shop(tmp_path, RBS_API_URL="https://mts.rbsuat.com/payment/rest/")
    params = {"mdOrder": "x", "orderNumber": "y", "operation": "deposited", "status": "1"}
    try:
        for key in ["", SANDBOX_DEMO_CALLBACK_KEY]:
            answer = callback(shop, {**params, "checksum": callback_checksum(params, key)})
            assert answer.status_code == 403
    finally:
        shop.stop()


def test_a_callback_payload_cannot_claim_what_the_gateway_does_not_say(shop):
    buyer = Buyer(shop)
    buyer.add("canvas-tote")
    buyer.checkout()
    buyer.close()
    payment = shop.only_payment()  # registered, never paid
    params = notification(payment)

    answer = callback(shop, {**params, "checksum": callback_checksum(params, KEY)})

    assert answer.status_code == 200
    assert shop.only_payment().state == "awaiting_payment"
    with shop.app.app_context():
        paid = db.select(PaymentEvent).filter_by(to_state="paid")
        assert db.session.execute(paid).first() is None


def test_a_buyer_who_closes_the_tab_is_still_paid_through_the_gateways_callback(tmp_path):
    shop = start_live_shop(
        tmp_path, SANDBOX_RBS_CALLBACKS="auto", SANDBOX_RBS_CALLBACK_DELAYS="0,0.1,0.2"
    )
    try:
        payment = paid_at_gateway_without_return(shop)
        assert payment.state in {"awaiting_payment", "paid"}  # the callback may be quicker

        def paid() -> bool:
            return db.session.get(Payment, payment.id).state == "paid"

        assert shop.wait_for(paid), "the sandbox's signed callback did not settle the order"
        events = shop.only_payment().events
        assert any(e.kind == "callback" and "deposited" in e.summary for e in events)
    finally:
        shop.stop()


def test_a_callback_is_not_acknowledged_until_the_status_api_answers(shop):
    payment = paid_at_gateway_without_return(shop)
    params = notification(payment)
    signed = {**params, "checksum": callback_checksum(params, KEY)}
    faults = f"{shop.url}/sandbox/sandbox-control/faults"
    rule = {"method": "getOrderStatusExtended.do", "fault": "http_503", "times": 3}
    requests.post(faults, json=rule, timeout=5).raise_for_status()  # the call and two retries

    down = callback(shop, signed)
    requests.delete(faults, timeout=5).raise_for_status()
    up = callback(shop, signed)

    assert (down.status_code, up.status_code) == (503, 200)  # the gateway sends it again
    assert shop.only_payment().state == "paid"


def test_a_callback_about_a_registration_whose_answer_was_lost_stays_on_the_timeline(shop):
    """register.do did its work but its answer was lost: the payment is pending with no
    gateway id, too fresh to look up. A genuine callback for it is still written down."""
    lost = {"method": "register.do", "fault": "drop_after", "times": 1}
    requests.post(f"{shop.url}/sandbox/sandbox-control/faults", json=lost, timeout=5)
    buyer = Buyer(shop)
    buyer.add("canvas-tote")
    buyer.checkout()
    buyer.close()
    pending = shop.only_payment()
    assert (pending.state, pending.gateway_order_id) == ("pending", None)
    params = {"mdOrder": "lost-answer", "orderNumber": pending.merchant_order_number,
              "operation": "approved", "status": "1"}  # fmt: skip

    answer = callback(shop, {**params, "checksum": callback_checksum(params, KEY)})

    assert answer.status_code == 200
    assert [e.kind for e in shop.only_payment().events].count("callback") == 1
