"""Ten identical money requests at once, over real sockets, against the sandbox run alone: the
gateway takes only what its rules allow, whichever request lands first (SQLite has no row lock).
"""

from __future__ import annotations

import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.sandbox.conftest import AUTH, SHOP_ORIGIN
from tests.sandbox.payneteasy.conftest import (
    ENDPOINT,
    GOOD_PAN,
    form_params,
    money_params,
    parse_body,
    path_of,
)
from tests.support import SandboxServer, start_sandbox_server

PARALLEL = 10


@pytest.fixture
def server(tmp_path) -> Iterator[SandboxServer]:
    """The sandbox alone; its threads share this process, switched often so that requests
    interleave between reading an order and writing it, as separate workers would."""
    server = start_sandbox_server(tmp_path, SANDBOX_ALLOWED_ORIGINS=SHOP_ORIGIN)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield server
    sys.setswitchinterval(interval)
    server.stop()


def all_at_once(url: str, data: dict[str, str]) -> list[requests.Response]:
    """POST the same request PARALLEL times, released together."""
    start = threading.Barrier(PARALLEL)

    def send(_: int) -> requests.Response:
        start.wait()
        return requests.post(url, data=data, timeout=10)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(send, range(PARALLEL)))


# RBS: deposit.do, reverse.do, refund.do; paymentAmountInfo and the recorded callbacks.


def rbs_paid(server: SandboxServer, method: str) -> str:
    """An order of 890.00 paid by card (held by registerPreAuth), with a callback URL."""
    client = server.app.test_client()
    order = {"orderNumber": uuid.uuid4().hex, "amount": "89000", "returnUrl": f"{SHOP_ORIGIN}/r"}
    order["dynamicCallbackUrl"] = f"{SHOP_ORIGIN}/cb"  # recorded only: callbacks are manual
    answer = client.post(f"/payment/rest/{method}.do", data={**AUTH, **order}).get_json()
    card = {"pan": "4111111111111111", "expiry": "12/39", "cvc": "123", "cardholder": "A B"}
    assert client.post(path_of(answer["formUrl"]), data=card).status_code in {302, 303}
    return answer["orderId"]


def rbs_state(server: SandboxServer, order_id: str) -> tuple[dict[str, Any], Counter]:
    url = f"{server.rbs_api_url}getOrderStatusExtended.do"
    info = requests.post(url, data={**AUTH, "orderId": order_id}, timeout=5).json()
    notes = requests.get(f"{server.url}/payment/sandbox/orders/{order_id}/callbacks", timeout=5)
    return info["paymentAmountInfo"], Counter(note["operation"] for note in notes.json())


def codes(answers: list[requests.Response]) -> Counter:
    return Counter(str(answer.json()["errorCode"]) for answer in answers)


def test_parallel_refunds_never_refund_more_than_was_deposited(server):
    order_id = rbs_paid(server, "register")

    answers = all_at_once(
        f"{server.rbs_api_url}refund.do", {**AUTH, "orderId": order_id, "amount": "10000"}
    )

    assert codes(answers) == {"0": 8, "7": 2}
    info, callbacks = rbs_state(server, order_id)
    assert (info["refundedAmount"], info["depositedAmount"]) == (80000, 9000)
    assert callbacks["refunded"] == 8


def test_parallel_deposits_capture_a_hold_once(server):
    order_id = rbs_paid(server, "registerPreAuth")

    answers = all_at_once(
        f"{server.rbs_api_url}deposit.do", {**AUTH, "orderId": order_id, "amount": "10000"}
    )

    assert codes(answers) == {"0": 1, "7": 9}
    info, callbacks = rbs_state(server, order_id)
    assert (info["paymentState"], info["depositedAmount"]) == ("DEPOSITED", 10000)
    assert callbacks["deposited"] == 1


def test_parallel_reversals_reverse_once(server):
    order_id = rbs_paid(server, "register")

    answers = all_at_once(f"{server.rbs_api_url}reverse.do", {**AUTH, "orderId": order_id})

    assert codes(answers) == {"0": 1, "7": 9}
    info, callbacks = rbs_state(server, order_id)
    assert (info["paymentState"], info["depositedAmount"]) == ("REVERSED", 0)
    assert callbacks["reversed"] == 1


# PaynetEasy: capture and return; the sandbox's totals of the order.


def pne_paid(server: SandboxServer, command: str) -> dict[str, str]:
    """A sale or preauth of 890.00, approved on the hosted form."""
    client = server.app.test_client()
    answer = client.post(f"/paynet/api/v2/{command}/{ENDPOINT}", data=form_params(amount="890"))
    order = dict(parse_body(answer.get_data(as_text=True)))
    card = {"pan": GOOD_PAN, "expiry": "12/39", "cvv": "123", "cardholder": "A B"}
    assert client.post(path_of(order["redirect-url"]), data=card).status_code == 303
    return order


def pne_all_at_once(server, command: str, order: dict[str, str], **money: str) -> list[dict]:
    url = f"{server.payneteasy_api_url}{command}/{ENDPOINT}"
    answers = all_at_once(url, money_params(order, **money))
    return [dict(parse_body(answer.text)) for answer in answers]


def totals(server: SandboxServer, order: dict[str, str]) -> dict[str, Any]:
    url = f"{server.url}/paynet/sandbox/orders/{order['paynet-order-id']}/totals"
    return requests.get(url, timeout=5).json()


def test_parallel_returns_never_return_more_than_was_taken(server):
    order = pne_paid(server, "sale-form")

    answers = pne_all_at_once(server, "return", order, amount="100")

    accepted = [a for a in answers if a["type"] == "async-response"]
    refused = {a["error-message"] for a in answers if a["type"] == "error"}
    assert (len(accepted), refused) == (8, {"Return amount exceeds the amount left to return"})
    money = totals(server, order)
    assert (money["captured"], money["refunded"]) == (89000, 80000)
    reversals = [tx for tx in money["transactions"] if tx["type"] == "reversal"]
    assert {tx["serial"] for tx in reversals} == {a["serial-number"] for a in accepted}
    assert {tx["amount"] for tx in reversals} == {10000}


def test_parallel_captures_capture_once(server):
    order = pne_paid(server, "preauth-form")

    answers = pne_all_at_once(server, "capture", order, amount="100")

    assert Counter(a["type"] for a in answers) == {"async-response": 1, "error": 9}
    money = totals(server, order)
    assert (money["authorized"], money["captured"]) == (89000, 10000)
    assert [tx["type"] for tx in money["transactions"]] == ["preauth", "capture"]


def test_parallel_returns_of_a_hold_cancel_it_once(server):
    order = pne_paid(server, "preauth-form")

    answers = pne_all_at_once(server, "return", order)

    assert Counter(a["type"] for a in answers) == {"async-response": 1, "error": 9}
    money = totals(server, order)
    assert (money["captured"], money["refunded"]) == (0, 0)
    assert [tx["type"] for tx in money["transactions"]] == ["preauth", "cancel"]
