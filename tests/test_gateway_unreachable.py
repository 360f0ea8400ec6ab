"""A gateway that cannot be reached: the order is kept, nothing is registered twice."""

from __future__ import annotations

import re
import socket

import pytest
from flask import Flask

from shop.extensions import db
from shop.models import Order
from shop.payments.purchase import is_gateway_page
from tests.support import (
    CARD_APPROVE,
    Buyer,
    serve_on_loopback,
    start_live_shop,
    start_sandbox_server,
)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def the_order(shop) -> Order:
    with shop.app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        _ = [(p.state, p.events) for p in order.payments]
        return order


def status_calls(order: Order) -> list:
    events = order.payments[0].events
    return [e for e in events if e.endpoint == "getOrderStatusExtended.do"]


@pytest.fixture
def shop_with_gateway_down(tmp_path):
    shop = start_live_shop(tmp_path, RBS_API_URL=f"http://127.0.0.1:{closed_port()}/payment/rest/")
    gateway = start_sandbox_server(tmp_path, SANDBOX_ALLOWED_ORIGINS=shop.url)
    shop.gateway_comes_back = lambda: shop.app.config.update(RBS_API_URL=gateway.rbs_api_url)
    yield shop
    shop.stop()
    gateway.stop()


def test_unreachable_gateway_keeps_the_order_and_resolves_it_before_a_new_attempt(
    shop_with_gateway_down,
):
    shop = shop_with_gateway_down
    buyer = Buyer(shop)
    try:
        buyer.add("wool-socks", 2)
        page = buyer.http.post(
            f"{shop.url}/checkout",
            data={**buyer.checkout_form(), "name": "Ada", "email": "ada@example.com"},
            timeout=10,
        )
        assert "did not answer" in page.text
        assert 'data-state="pending"' in page.text
        assert "Try again" not in page.text  # the outcome is unknown, not failed
        assert the_order(shop).payments[0].state == "pending"

        # The gateway is back; the shop first asks it for the order by its own number.
        shop.gateway_comes_back()
        shop.app.config.update(PAYMENT_UNKNOWN_AFTER_SECS=0)
        page = buyer.get(f"/orders/{the_order(shop).token}")

        assert 'data-state="registration_failed"' in page.text
        lookups = status_calls(the_order(shop))
        assert len(lookups) == 1
        assert '"orderNumber"' in lookups[0].request_body
        assert '"orderId"' not in lookups[0].request_body
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        retry = buyer.post(f"/orders/{the_order(shop).token}/retry", {"csrf_token": token[1]})
        assert 'data-state="paid"' in buyer.pay(retry.url, CARD_APPROVE).text
        assert [p.state for p in the_order(shop).payments] == ["registration_failed", "paid"]
    finally:
        buyer.close()


def test_a_fresh_unknown_registration_is_not_looked_up_while_it_may_be_in_flight(
    shop_with_gateway_down,
):
    shop = shop_with_gateway_down
    buyer = Buyer(shop)
    try:
        buyer.add("wool-socks")
        buyer.checkout()
        shop.gateway_comes_back()
        shop.app.config.update(PAYMENT_UNKNOWN_AFTER_SECS=3600)
        page = buyer.get(f"/orders/{the_order(shop).token}")
        assert 'data-state="pending"' in page.text
        assert status_calls(the_order(shop)) == []
    finally:
        buyer.close()


@pytest.mark.parametrize(
    ("form_url", "extra", "allowed"),
    [
        ("https://mts.rbsuat.com/payment/merchants/x/payment_en.html?mdOrder=1", "", True),
        ("https://evil.example/payment/merchants/x/payment_en.html?mdOrder=1", "", False),
        ("http://mts.rbsuat.com/payment/merchants/x/payment_en.html", "", False),
        ("javascript:alert(1)", "", False),
        ("https://pay.bank.example/x", "https://pay.bank.example", True),
    ],
)
def test_buyers_are_only_sent_to_the_gateways_own_pages(app, form_url, extra, allowed):
    app.config.update(
        RBS_API_URL="https://mts.rbsuat.com/payment/rest/", RBS_PAYMENT_PAGE_ORIGINS=extra
    )
    with app.app_context():
        assert is_gateway_page("rbs", form_url) is allowed


def test_the_checkout_never_sends_a_buyer_to_a_page_on_another_host(tmp_path):
    """A gateway (or someone in its path) answering a formUrl elsewhere: refused by the
    service itself, whatever the gateway client accepted."""
    stub = Flask("stub_gateway")

    @stub.post("/payment/rest/register.do")
    def register():
        return {"errorCode": "0", "orderId": "stub-1", "formUrl": "https://evil.example/pay"}

    url, stop = serve_on_loopback(stub)
    shop = start_live_shop(tmp_path, RBS_API_URL=f"{url}/payment/rest/")
    buyer = Buyer(shop)
    try:
        buyer.add("wool-socks")
        answer = buyer.checkout()

        assert answer.status_code == 303
        assert answer.headers["Location"].startswith("/orders/")
        payment = the_order(shop).payments[0]
        assert payment.state == "registration_failed" and payment.form_url is None
        assert any("foreign host" in event.summary for event in payment.events)
    finally:
        buyer.close()
        shop.stop()
        stop()
