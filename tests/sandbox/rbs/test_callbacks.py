"""RBS callback notifications from the sandbox (rbs.md §5): what, when, signed, retried."""

from __future__ import annotations

import time

import pytest

from shop.sandbox.rbs.signing import checksum
from tests.sandbox.conftest import deliveries_done

CARD, DECLINED_CARD = "4111111111111111", "5168494895055780"
DEMO_KEY = "sandbox-callback-key"


def test_checksum_matches_the_official_vector():
    params = {
        "amount": "1500",
        "mdOrder": "ed6f3abf-cea0-427e-afdf-0ba43ead124f",
        "operation": "deposited",
        "orderNumber": "89312",
        "status": "1",
    }
    expected = "9F8253A6BB7777D067DD955751119FA5AAF67B14B9215147190F96B505CDB72C"
    assert checksum(params, "123") == expected
    assert checksum({**params, "checksum": "x", "sign_alias": "y"}, "123") == expected


@pytest.fixture
def order(register, receiver):
    """An order registered with dynamicCallbackUrl pointing at the receiver."""

    def make(method: str = "register") -> dict:
        return register(method, dynamicCallbackUrl=receiver.url, amount="10000")

    return make


def verified(hit: dict[str, str]) -> dict[str, str]:
    params = {k: v for k, v in hit.items() if k not in {"_query", "shop_token"}}
    assert checksum(params, DEMO_KEY) == params["checksum"]
    return params


def test_payment_sends_deposited_with_status_1(order, pay, receiver):
    registered = order()
    pay(registered["formUrl"], CARD)
    hit = verified(receiver.wait_for(1)[0])
    assert (hit["mdOrder"], hit["operation"], hit["status"], hit["amount"]) == (
        registered["orderId"],
        "deposited",
        "1",
        "10000",
    )
    assert receiver.wait_for(1)[0]["shop_token"] == "s3cr3t"  # the merchant's query is kept


def test_declined_payment_sends_deposited_with_status_0(order, pay, receiver):
    pay(order()["formUrl"], DECLINED_CARD)
    hit = verified(receiver.wait_for(1)[0])
    assert (hit["operation"], hit["status"]) == ("deposited", "0")


def test_hold_capture_and_release_each_notify(order, pay, rbs, receiver):
    held = order("registerPreAuth")
    pay(held["formUrl"], CARD)
    rbs("deposit", orderId=held["orderId"], amount="4000")
    released = order("registerPreAuth")
    pay(released["formUrl"], CARD)
    rbs("reverse", orderId=released["orderId"])
    # Each callback travels on its own thread: their arrival order is not guaranteed.
    hits = [verified(hit) for hit in receiver.wait_for(4)]
    assert sorted((h["mdOrder"], h["operation"], h["status"], h["amount"]) for h in hits) == sorted(
        [
            (held["orderId"], "approved", "1", "10000"),
            (held["orderId"], "deposited", "1", "4000"),
            (released["orderId"], "approved", "1", "10000"),
            (released["orderId"], "reversed", "1", "10000"),
        ]
    )


def test_each_refund_notifies_its_own_amount(order, pay, rbs, receiver):
    paid = order()
    pay(paid["formUrl"], CARD)
    rbs("refund", orderId=paid["orderId"], amount="1500")
    rbs("refund", orderId=paid["orderId"], amount="2500")
    hits = [verified(hit) for hit in receiver.wait_for(3)]
    assert sorted((h["operation"], h["amount"]) for h in hits) == [
        ("deposited", "10000"),
        ("refunded", "1500"),
        ("refunded", "2500"),
    ]


def test_expiry_is_swept_and_notified_as_declined_by_timeout(order, client, clock, receiver):
    registered = order()
    clock.advance(1201)
    assert client.post("/payment/sandbox/sweep").get_json() == {"expired": 1}
    hit = verified(receiver.wait_for(1)[0])
    assert (hit["mdOrder"], hit["operation"], hit["status"]) == (
        registered["orderId"],
        "declinedByTimeout",
        "1",
    )


def test_retried_until_the_merchant_answers_200(order, pay, client, receiver):
    receiver.fail_first = 2
    registered = order()
    pay(registered["formUrl"], CARD)
    assert len(receiver.wait_for(3)) == 3
    log = _attempts(client, registered["orderId"], 3)
    assert [a["http_status"] for a in log] == [500, 500, 200]


def _attempts(client, md_order: str, count: int) -> list[dict]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        rows = client.get(f"/payment/sandbox/orders/{md_order}/callbacks").get_json()
        if rows and len(rows[-1]["attempts"]) >= count:
            return rows[-1]["attempts"]
        time.sleep(0.02)
    raise AssertionError("attempts not recorded")


def test_manual_mode_sends_only_when_asked(app, order, pay, client, receiver):
    app.config["SANDBOX_RBS_CALLBACKS"] = "manual"
    registered = order()
    pay(registered["formUrl"], CARD)
    deliveries_done(app)
    assert receiver.hits == []
    answer = client.post(f"/payment/sandbox/orders/{registered['orderId']}/callback")
    assert answer.status_code == 202
    assert verified(receiver.wait_for(1)[0])["operation"] == "deposited"


def test_no_checksum_without_a_key(app, order, pay, receiver):
    app.config["SANDBOX_RBS_CALLBACK_KEY"] = ""
    pay(order()["formUrl"], CARD)
    assert "checksum" not in receiver.wait_for(1)[0]


def test_no_callback_url_means_no_callback(register, pay, client):
    registered = register()
    pay(registered["formUrl"], CARD)
    assert client.get(f"/payment/sandbox/orders/{registered['orderId']}/callbacks").get_json() == []
    answer = client.post(f"/payment/sandbox/orders/{registered['orderId']}/callback")
    assert answer.status_code == 409
