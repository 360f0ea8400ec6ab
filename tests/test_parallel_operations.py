"""Staff pressing the same button at once: one operation at a time per payment, and the
shop's ledger ends equal to what the gateway itself says, for both providers."""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shop.extensions import db
from shop.models import Operation, Payment
from tests.support import CARD_APPROVE, Buyer, Staff, start_live_shop

SANDBOX_AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}
FLASH = re.compile(r'<p class="flash flash-(\w+)" role="status">([^<]+)</p>')


@pytest.fixture(params=["rbs", "payneteasy"])
def provider(request) -> str:
    return request.param


def make_shop(tmp_path, provider: str, two_stage: bool = False):
    return start_live_shop(
        tmp_path,
        PAYMENT_PROVIDERS=provider,
        RBS_TWO_STAGE=two_stage,
        PAYNETEASY_TWO_STAGE=two_stage,
        SANDBOX_PAYNETEASY_CALLBACKS="manual",
    )


def pay(shop, provider: str, slug: str) -> str:
    buyer = Buyer(shop)
    form_url = buyer.buy(slug)
    if provider == "rbs":
        buyer.pay(form_url, CARD_APPROVE)
    else:
        buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))
    buyer.close()
    return shop.only_order_token()


def the_payment(shop) -> Payment:
    with shop.app.app_context():
        payment = db.session.execute(db.select(Payment)).scalar_one()
        _ = payment.operations
        return payment


def at_once(shop, token: str, requests_: list[tuple[str, str]]) -> list[str]:
    """Post each (action, amount) at the same moment as one signed-in staff member; the
    flash message each answer carries."""
    staff = Staff(shop)
    staff.sign_in()
    csrf = staff.csrf(f"/admin/orders/{token}")

    def post(job: tuple[str, str]) -> str:
        action, amount = job
        with requests.Session() as browser:  # one tab each, the same signed-in session
            browser.cookies.update(staff.http.cookies)
            answer = browser.post(
                f"{shop.url}/admin/orders/{token}/{action}",
                data={"csrf_token": csrf, "amount": amount},
                timeout=60,
            )
        assert answer.status_code == 200, answer.text[:300]
        return " ".join(message for _kind, message in FLASH.findall(answer.text))

    with ThreadPoolExecutor(max_workers=len(requests_)) as pool:
        said = list(pool.map(post, requests_))
    staff.close()
    return said


def gateway_totals(shop, provider: str, payment: Payment) -> dict[str, int]:
    """What the gateway itself says was captured and refunded."""
    base = f"{shop.url}/sandbox"
    if provider == "rbs":
        body = requests.post(
            f"{base}/payment/rest/getOrderStatusExtended.do",
            data={**SANDBOX_AUTH, "orderId": payment.gateway_order_id},
            timeout=5,
        ).json()
        amounts = body["paymentAmountInfo"]
        refunded = amounts.get("refundedAmount", 0)
        return {"captured": amounts["depositedAmount"] + refunded, "refunded": refunded}
    totals = requests.get(
        f"{base}/paynet/sandbox/orders/{payment.gateway_order_id}/totals", timeout=5
    ).json()
    return {"captured": totals["captured"], "refunded": totals["refunded"]}


def one_after_another(operations: list[Operation]) -> bool:
    """No operation started before the one before it was settled."""
    spans = sorted((op.created_at, op.settled_at) for op in operations)
    return all(
        ended is not None and ended <= started
        for (_s, ended), (started, _e) in itertools.pairwise(spans)
    )


def confirmed(payment: Payment, kind: str) -> list[Operation]:
    return [op for op in payment.operations if op.kind == kind and op.state == "confirmed"]


@pytest.mark.parametrize(("slug", "each"), [("desk-lamp", "1000.00"), ("ceramic-mug", "100.00")])
def test_ten_refunds_at_once_leave_the_ledger_equal_to_the_gateway(tmp_path, provider, slug, each):
    shop = make_shop(tmp_path, provider)
    try:
        token = pay(shop, provider, slug)

        said = at_once(shop, token, [("refund", each)] * 10)

        payment = the_payment(shop)
        done = confirmed(payment, "refund")
        assert said.count("Done: refund confirmed by the gateway.") == len(done) >= 1, said
        allowed = ("confirmed", "Another operation is in progress", "at most what is left")
        assert all(any(reason in s for reason in allowed) for s in said), said
        assert payment.refunded_amount == sum(op.amount for op in done)
        assert one_after_another(payment.operations)
        assert gateway_totals(shop, provider, payment) == {
            "captured": payment.captured_amount,
            "refunded": payment.refunded_amount,
        }
        assert payment.refunded_amount <= payment.captured_amount == payment.amount
    finally:
        shop.stop()


def test_ten_captures_at_once_capture_once(tmp_path, provider):
    shop = make_shop(tmp_path, provider, two_stage=True)
    try:
        token = pay(shop, provider, "tea-sampler")

        said = at_once(shop, token, [("capture", "")] * 10)

        payment = the_payment(shop)
        assert said.count("Done: capture confirmed by the gateway.") == 1, said
        assert len(confirmed(payment, "capture")) == 1 and payment.state == "paid"
        assert payment.captured_amount == payment.amount
        assert gateway_totals(shop, provider, payment) == {
            "captured": payment.amount,
            "refunded": 0,
        }
    finally:
        shop.stop()


def test_release_racing_capture_ends_as_the_gateway_says(tmp_path, provider):
    shop = make_shop(tmp_path, provider, two_stage=True)
    try:
        token = pay(shop, provider, "tea-sampler")

        said = at_once(shop, token, [("release", ""), ("capture", "")] * 3)

        payment = the_payment(shop)
        wins = [s for s in said if s.startswith("Done:")]
        assert len(wins) == 1, said
        captured = gateway_totals(shop, provider, payment)["captured"]
        if "capture" in wins[0]:
            assert (payment.state, captured) == ("paid", payment.amount)
        else:
            assert (payment.state, captured) == ("voided", 0)
        assert payment.captured_amount == captured
    finally:
        shop.stop()
