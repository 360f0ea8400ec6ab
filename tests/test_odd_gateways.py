"""Gateways that say too much or forget their numbering: a clear state, never a 500."""

from __future__ import annotations

import pytest
import requests

from shop.extensions import db
from shop.models import Order, Payment
from tests.stub_gateway import start_stub_rbs
from tests.support import Buyer, start_live_shop

LONG = "x" * 300


@pytest.fixture
def stub():
    gateway = start_stub_rbs()
    yield gateway
    gateway.stop()


@pytest.fixture
def shop(tmp_path, stub):
    live = start_live_shop(tmp_path, RBS_API_URL=stub.api_url)
    yield live
    live.stop()


def payments(shop) -> list[Payment]:
    with shop.app.app_context():
        found = list(db.session.execute(db.select(Payment).order_by(Payment.id)).scalars())
        for payment in found:
            _ = payment.events, payment.order
        return found


def test_gateway_text_longer_than_its_columns_is_cut_and_kept_whole_in_the_log(shop, stub):
    stub.status_fields.update(
        orderStatus=6,
        actionCode=-2006,
        actionCodeDescription=LONG,
        cardAuthInfo={"maskedPan": "4" * 300},
    )
    buyer = Buyer(shop)
    buyer.buy("wool-socks")
    payment = payments(shop)[0]

    back = buyer.get(f"/checkout/return/{payment.token}", params={"orderId": "1"})
    again = buyer.get(f"/orders/{payment.order.token}")

    assert (back.status_code, again.status_code) == (200, 200)
    assert 'data-state="declined"' in again.text
    stored = payments(shop)[0]
    assert stored.state == "declined"
    assert stored.action_description == LONG[:255] and stored.masked_pan == "4" * 32
    assert any(LONG in (event.response_body or "") for event in stored.events)
    buyer.close()


def test_a_gateway_that_reuses_an_order_id_sends_the_attempt_to_review(shop, stub):
    first, second = Buyer(shop), Buyer(shop)
    first.buy("wool-socks")

    second.add("tea-sampler")
    answer = second.checkout()
    page = second.get(answer.headers["Location"])

    assert answer.status_code == 303 and "/orders/" in answer.headers["Location"]
    assert "answer we cannot use" in page.text and "Try again" in page.text
    kept, collided = payments(shop)
    assert (kept.state, kept.gateway_order_id) == ("awaiting_payment", "1")
    assert (collided.state, collided.gateway_order_id) == ("needs_review", None)
    assert kept.merchant_order_number in collided.review_note
    stub.next_ids[:] = ["2"]
    retried = second.post(
        f"/orders/{collided.order.token}/retry", {"csrf_token": second.csrf(page.url)},
        allow_redirects=False,
    )  # fmt: skip
    assert retried.headers["Location"].startswith(stub.url)
    with shop.app.app_context():
        order = db.session.get(Order, collided.order_id)
        assert [p.state for p in order.payments] == ["needs_review", "awaiting_payment"]
        assert order.state == "awaiting_payment"
    first.close()
    second.close()


def test_the_same_id_from_another_gateway_is_another_payment(tmp_path, stub):
    other = start_stub_rbs()
    shop = start_live_shop(tmp_path, RBS_API_URL=stub.api_url)
    try:
        Buyer(shop).buy("wool-socks")
        shop.app.config["RBS_API_URL"] = other.api_url  # the test stand, then production
        Buyer(shop).buy("tea-sampler")
        assert [(p.gateway_order_id, p.state) for p in payments(shop)] == [
            ("1", "awaiting_payment"),
            ("1", "awaiting_payment"),
        ]
        assert requests.get(f"{shop.url}/", timeout=5).status_code == 200
    finally:
        shop.stop()
        other.stop()
