"""Expiry sweeps (rbs.md 7): declinedByTimeout goes out once, whoever notices the timeout."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import deliveries_done
from tests.sandbox.rbs.conftest import callbacks_of, events

CHALLENGE_CARD = "5555555555555599"


@pytest.fixture
def order(register, receiver):
    """Register an order (20-minute window) whose dynamicCallbackUrl is the receiver."""

    def make(**params: str) -> dict[str, Any]:
        return register(dynamicCallbackUrl=receiver.url, amount="10000", **params)

    return make


def sweep(client) -> int:
    answer = client.post("/payment/sandbox/sweep")
    assert answer.status_code == 200
    return answer.get_json()["expired"]


def test_sweep_endpoint_expires_only_what_is_due(order, client, clock, rbs, receiver):
    due, later = order(sessionTimeoutSecs="60"), order(sessionTimeoutSecs="600")
    assert sweep(client) == 0
    clock.advance(61)

    assert sweep(client) == 1
    assert sweep(client) == 0

    body = rbs("getOrderStatusExtended", orderId=due["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (6, -2007)
    assert body["paymentAmountInfo"]["paymentState"] == "DECLINED"
    assert rbs("getOrderStatusExtended", orderId=later["orderId"])["orderStatus"] == 0
    hits = receiver.wait_for(1)
    assert events(hits) == [("declinedByTimeout", "1")]
    assert (hits[0]["mdOrder"], hits[0]["amount"]) == (due["orderId"], "10000")


def test_an_order_left_in_three_ds_expires_too(order, pay, client, clock, receiver):
    registered = order(sessionTimeoutSecs="60")
    pay(registered["formUrl"], CHALLENGE_CARD)
    clock.advance(61)
    assert sweep(client) == 1
    assert events(receiver.wait_for(1)) == [("declinedByTimeout", "1")]


def test_any_api_call_sweeps(order, register, clock, receiver):
    registered = order(sessionTimeoutSecs="60")
    clock.advance(61)
    register()  # another order's call notices the timeout
    hit = receiver.wait_for(1)[0]
    assert (hit["mdOrder"], hit["operation"]) == (registered["orderId"], "declinedByTimeout")


def test_any_hosted_page_hit_sweeps(order, register, open_page, clock, receiver):
    other = register()
    registered = order(sessionTimeoutSecs="60")
    clock.advance(61)
    open_page(other["formUrl"])
    hit = receiver.wait_for(1)[0]
    assert (hit["mdOrder"], hit["operation"]) == (registered["orderId"], "declinedByTimeout")


def test_lazy_expiry_on_read_notifies_once(order, client, clock, rbs, open_page, receiver, app):
    registered = order(sessionTimeoutSecs="60")
    clock.advance(61)
    for _ in range(3):
        rbs("getOrderStatusExtended", orderId=registered["orderId"])
        open_page(registered["formUrl"])
    assert sweep(client) == 0
    deliveries_done(app)
    assert events(receiver.wait_for(1)) == [("declinedByTimeout", "1")]
    assert len(receiver.hits) == 1
    assert len(callbacks_of(client, registered["orderId"])) == 1


def test_unauthenticated_calls_do_not_sweep(order, client, clock, receiver, app):
    registered = order(sessionTimeoutSecs="60")
    clock.advance(61)
    client.post("/payment/rest/getOrderStatusExtended.do", data={"userName": "x", "password": "y"})
    deliveries_done(app)
    assert receiver.hits == []
    assert callbacks_of(client, registered["orderId"]) == []
