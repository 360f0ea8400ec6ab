"""Faults at a click, over real HTTP: the buyer's order page links to the sandbox's faults page
in demo mode (mounted, or the sandbox run alone) and never in live mode; a fault armed there
is what the next purchase meets, and once disarmed the next purchase pays."""

from __future__ import annotations

import re
from html import unescape

import pytest
import requests

from tests.sandbox.faults.test_page import FaultsPage
from tests.support import (
    CARD_APPROVE,
    Buyer,
    start_demo_with_sandbox_alone,
    start_live_mode_shop,
    start_live_shop,
)

PAGE = "/sandbox-control/faults/page"
_LINK = re.compile(r'<a class="gateway-faults" href="([^"]+)">Gateway faults</a>')


def faults_link(order_page: requests.Response) -> str:
    found = _LINK.search(order_page.text)
    assert found, "no Gateway faults link on the order page"
    return unescape(found[1])


def check_out(buyer: Buyer) -> requests.Response:
    """Buy a mug and land wherever the shop sends the buyer (payment page or order page)."""
    buyer.add("ceramic-mug")
    form = {**buyer.checkout_form(), "name": "Ada", "email": "ada@example.com"}
    return buyer.http.post(f"{buyer.shop.url}/checkout", data=form, timeout=20)


def paid_order_page(buyer: Buyer) -> requests.Response:
    page = buyer.pay(buyer.buy(), CARD_APPROVE)
    assert 'data-state="paid"' in page.text, page.text
    return page


@pytest.fixture
def demo(tmp_path):
    shop = start_live_shop(tmp_path)
    yield shop
    shop.stop()


@pytest.mark.parametrize(
    ("fault", "sees"),
    [("http_503", "did not answer"), ("system_error", "refused this payment (code 7)")],
)
def test_a_fault_armed_on_the_page_meets_the_next_purchase_until_disarmed(demo, fault, sees):
    buyer = Buyer(demo)
    link = faults_link(paid_order_page(buyer))
    assert link == f"{demo.url}/sandbox{PAGE}?lang=en"  # in the reader's language
    person = FaultsPage(link.removesuffix("?lang=en").removesuffix(PAGE))

    armed = person.arm(method="register.do", fault=fault, times="100")
    assert armed.status_code == 200
    api = requests.get(f"{demo.url}/sandbox/sandbox-control/faults", timeout=5).json()
    assert [(r["method"], r["fault"], r["remaining"]) for r in api] == [("register.do", fault, 100)]

    for _ in range(2):  # armed for many calls: every purchase meets it
        failed = check_out(buyer)
        assert sees in failed.text
        assert "/payment/merchants/" not in failed.url
    assert [r["remaining"] for r in person.rules()] == [98]

    assert person.disarm("all").status_code == 200
    page = buyer.pay(buyer.buy(), CARD_APPROVE)
    assert 'data-state="paid"' in page.text


def test_with_the_sandbox_alone_the_link_points_at_it(tmp_path):
    shop, gateway = start_demo_with_sandbox_alone(tmp_path)
    try:
        buyer = Buyer(shop)
        link = faults_link(paid_order_page(buyer))
        assert link == f"{gateway.url}{PAGE}?lang=en"

        FaultsPage(gateway.url).arm(method="register.do", fault="http_502")
        assert "did not answer" in check_out(buyer).text
        assert 'data-state="paid"' in buyer.pay(buyer.buy(), CARD_APPROVE).text  # used up
    finally:
        shop.stop()
        gateway.stop()


def test_a_live_shop_shows_no_faults_link_and_serves_no_faults_page(tmp_path):
    shop, gateway = start_live_mode_shop(tmp_path)
    try:
        buyer = Buyer(shop)
        page = paid_order_page(buyer)

        assert 'data-mode="live"' in page.text
        assert "Gateway faults" not in page.text and "sandbox-control" not in page.text
        assert buyer.get(f"/sandbox{PAGE}").status_code == 404
    finally:
        shop.stop()
        gateway.stop()
