"""Hold and capture, release, refunds: staff actions over real HTTP, for both providers."""

from __future__ import annotations

import pytest

from tests.support import CARD_APPROVE, Buyer, Staff, start_live_shop

PROVIDERS = ["rbs", "payneteasy"]


@pytest.fixture(params=PROVIDERS)
def provider(request):
    return request.param


def make_shop(tmp_path, provider: str, two_stage: bool):
    return start_live_shop(
        tmp_path,
        PAYMENT_PROVIDERS=provider,
        RBS_TWO_STAGE=two_stage,
        PAYNETEASY_TWO_STAGE=two_stage,
        SANDBOX_RBS_CALLBACKS="manual",
        SANDBOX_PAYNETEASY_CALLBACKS="manual",
    )


@pytest.fixture
def hold_shop(tmp_path, provider):
    shop = make_shop(tmp_path, provider, two_stage=True)
    yield shop
    shop.stop()


@pytest.fixture
def sale_shop(tmp_path, provider):
    shop = make_shop(tmp_path, provider, two_stage=False)
    yield shop
    shop.stop()


def pay(shop, provider: str, slug: str = "desk-lamp") -> str:
    """A buyer pays (one item, 6 890.00 RUB for the desk lamp); returns the order token."""
    buyer = Buyer(shop)
    form_url = buyer.buy(slug)
    if provider == "rbs":
        page = buyer.pay(form_url, CARD_APPROVE)
    else:
        page = buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))
    assert page.status_code == 200
    buyer.close()
    return shop.only_order_token()


def signed_in(shop) -> Staff:
    staff = Staff(shop)
    staff.sign_in()
    return staff


def test_a_hold_shows_as_held_not_paid(hold_shop, provider):
    token = pay(hold_shop, provider)
    buyer_page = Buyer(hold_shop).get(f"/orders/{token}")
    assert 'data-state="authorized"' in buyer_page.text
    assert "Payment held" in buyer_page.text
    detail = signed_in(hold_shop).get(f"/admin/orders/{token}").text
    assert "action-capture" in detail and "action-release" in detail
    assert "action-refund" not in detail  # nothing captured yet: not offered


def test_hold_then_full_capture(hold_shop, provider):
    token = pay(hold_shop, provider)
    staff = signed_in(hold_shop)

    page = staff.act(token, "capture")

    assert "capture confirmed by the gateway" in page.text
    found = hold_shop.only_payment()
    assert (found.state, found.captured_amount) == ("paid", 689000)
    assert any("confirmed by a status call" in e.summary for e in found.events)


def test_hold_then_partial_capture(hold_shop, provider):
    token = pay(hold_shop, provider)

    signed_in(hold_shop).act(token, "capture", "5000.00")

    found = hold_shop.only_payment()
    assert (found.state, found.captured_amount, found.refundable_amount) == (
        "paid",
        500000,
        500000,
    )


def test_hold_then_release(hold_shop, provider):
    token = pay(hold_shop, provider)
    staff = signed_in(hold_shop)

    page = staff.act(token, "release")

    assert "release confirmed by the gateway" in page.text
    assert hold_shop.only_payment().state == "voided"
    assert "No action is possible" in staff.get(f"/admin/orders/{token}").text


def test_capture_above_the_hold_is_refused_and_changes_nothing(hold_shop, provider):
    token = pay(hold_shop, provider)

    page = signed_in(hold_shop).act(token, "capture", "7000.00")

    assert "held amount" in page.text
    assert hold_shop.only_payment().state == "authorized"


def test_two_partial_refunds_then_one_too_many(sale_shop, provider):
    token = pay(sale_shop, provider)
    staff = signed_in(sale_shop)

    staff.act(token, "refund", "1000.00")
    assert (sale_shop.only_payment().state, sale_shop.only_payment().refunded_amount) == (
        "partially_refunded",
        100000,
    )
    staff.act(token, "refund", "2000.50")
    assert sale_shop.only_payment().refunded_amount == 300050

    refused = staff.act(token, "refund", "4000.00")  # only 3 889.50 is left

    assert "at most what is left" in refused.text
    after = sale_shop.only_payment()
    assert (after.state, after.refunded_amount) == ("partially_refunded", 300050)

    staff.act(token, "refund", "3889.50")
    final = sale_shop.only_payment()
    assert (final.state, final.refunded_amount, final.refundable_amount) == (
        "refunded",
        689000,
        0,
    )


def test_refund_before_capture_is_refused_on_the_server(hold_shop, provider):
    token = pay(hold_shop, provider)

    page = signed_in(hold_shop).act(token, "refund", "10.00")

    assert "cannot refund a payment that is authorized" in page.text
    calls = [e.endpoint for e in hold_shop.only_payment().events if e.endpoint]
    assert not any(name in {"refund.do", "return"} for name in calls)
