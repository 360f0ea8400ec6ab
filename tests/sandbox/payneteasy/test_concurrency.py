"""Ten identical captures or returns at once, over real sockets, against the sandbox run alone:
the gateway takes only what its rules allow, whichever request lands first (SQLite has no row
lock); the sandbox's totals of the order tell."""

from __future__ import annotations

from collections import Counter
from typing import Any

import requests

from tests.sandbox.conftest import all_at_once, path_of
from tests.sandbox.payneteasy.conftest import (
    ENDPOINT,
    GOOD_PAN,
    form_params,
    money_params,
    parse_body,
)
from tests.support import SandboxServer


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
