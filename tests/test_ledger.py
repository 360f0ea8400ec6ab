"""The ledger counts only what a status call confirms, and shows what nobody in the shop did."""

from __future__ import annotations

import pytest
import requests

from shop.config import SANDBOX_DEMO_CONTROL_KEY, SANDBOX_DEMO_LOGIN
from shop.payments.gateways.payneteasy import major_units, operation_control
from tests.support import Staff
from tests.test_parallel_operations import (
    SANDBOX_AUTH,
    gateway_totals,
    make_shop,
    pay,
    the_payment,
)


def refund_in_the_gateways_portal(shop, provider: str, payment, amount: int) -> None:
    """What a merchant's accountant does in the bank's own back office: no shop involved."""
    base = f"{shop.url}/sandbox"
    if provider == "rbs":
        answer = requests.post(
            f"{base}/payment/rest/refund.do",
            data={**SANDBOX_AUTH, "orderId": payment.gateway_order_id, "amount": str(amount)},
            timeout=5,
        )
        assert answer.json()["errorCode"] in (0, "0"), answer.text
        return
    number, orderid = payment.merchant_order_number, payment.gateway_order_id
    control = operation_control(
        SANDBOX_DEMO_LOGIN, number, orderid, amount, "RUB", SANDBOX_DEMO_CONTROL_KEY
    )
    answer = requests.post(
        f"{base}/paynet/api/v2/return/4242",
        data={"login": SANDBOX_DEMO_LOGIN, "client_orderid": number, "orderid": orderid,
              "amount": major_units(amount), "currency": "RUB", "control": control},
        timeout=5,
    )  # fmt: skip
    assert "type=async-response" in answer.text, answer.text


@pytest.mark.parametrize("provider", ["rbs", "payneteasy"])
def test_a_refund_made_outside_the_shop_shows_as_unexplained(tmp_path, provider):
    shop = make_shop(tmp_path, provider)
    staff = Staff(shop)
    try:
        token = pay(shop, provider, "desk-lamp")
        refund_in_the_gateways_portal(shop, provider, the_payment(shop), 10000)

        staff.sign_in()
        page = staff.get(f"/admin/orders/{token}").text

        payment = the_payment(shop)
        assert 'data-attention="unexplained_refund"' in page
        assert 'class="unexplained">RUB100.00' in page
        assert (payment.state, payment.refunded_amount) == ("partially_refunded", 10000)
        assert gateway_totals(shop, provider, payment)["refunded"] == 10000
        staff.get(f"/admin/orders/{token}")  # asked again: counted once
        assert the_payment(shop).refunded_amount == 10000
    finally:
        staff.close()
        shop.stop()


def test_a_refund_the_gateway_accepts_but_ignores_is_never_counted(tmp_path):
    shop = make_shop(tmp_path, "payneteasy")
    staff = Staff(shop)
    try:
        token = pay(shop, "payneteasy", "desk-lamp")
        fault = {"method": "return", "fault": "ignored", "times": 1}
        requests.post(f"{shop.url}/sandbox/sandbox-control/faults", json=fault, timeout=5)
        staff.sign_in()

        page = staff.act(token, "refund", "100.00").text

        assert "does not confirm it yet" in page
        payment = the_payment(shop)
        assert (payment.state, payment.refunded_amount) == ("paid", 0)
        assert [op.state for op in payment.operations] == ["unconfirmed"]
        assert gateway_totals(shop, "payneteasy", payment)["refunded"] == 0
    finally:
        staff.close()
        shop.stop()


def test_an_older_answer_applied_late_never_lowers_the_ledger(app):
    from shop.extensions import db
    from shop.models import Payment
    from shop.payments.gateways.base import GatewayStatus, Outcome
    from shop.payments.transitions import apply_status
    from tests.test_transition_atomicity import awaiting_payment

    payment_id = awaiting_payment(app)

    def news(outcome: Outcome, refunded: int) -> GatewayStatus:
        return GatewayStatus(
            outcome=outcome,
            order_number="RS1-1-race",
            amount=89000,
            currency="643",
            captured_amount=89000,
            refunded_amount=refunded,
        )

    with app.app_context():
        for outcome, amount in [(Outcome.DEPOSITED, 0), (Outcome.REFUNDED, 3000)]:
            apply_status(db.session.get(Payment, payment_id), news(outcome, amount), 10)
        older = news(Outcome.REFUNDED, 1000)  # asked earlier, applied last
        apply_status(db.session.get(Payment, payment_id), older, 10)
        payment = db.session.get(Payment, payment_id)
        assert (payment.refunded_amount, payment.state) == (3000, "partially_refunded")
