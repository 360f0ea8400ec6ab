"""Ten identical deposit.do, reverse.do or refund.do at once, over real sockets, against the
sandbox run alone: the gateway takes only what its rules allow, whichever request lands first
(SQLite has no row lock); paymentAmountInfo and the recorded callbacks tell."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import requests

from tests.sandbox.conftest import SHOP_ORIGIN, all_at_once, path_of
from tests.sandbox.rbs.conftest import AUTH
from tests.support import SandboxServer


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
