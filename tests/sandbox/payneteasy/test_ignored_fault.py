"""The `ignored` fault on PaynetEasy: capture and return get an async-response, nothing moves."""

from __future__ import annotations

import re

from tests.sandbox.payneteasy.conftest import ENDPOINT, money_params, parse_body, status_params

SERIAL = re.compile(r"^00000000-0000-0000-0000-0000[0-9a-f]{8}$")


def totals_of(client, order: dict[str, str]) -> dict:
    return client.get(f"/paynet/sandbox/orders/{order['paynet-order-id']}/totals").get_json()


def test_the_header_answers_async_response_and_changes_nothing(open_order, pay, client, call):
    order = open_order("preauth-form", amount="100")
    pay(order, cvv="123")
    before = (call("status", status_params(order)), totals_of(client, order))

    answer = client.post(
        f"/paynet/api/v2/capture/{ENDPOINT}",
        data=money_params(order, amount="60"),
        headers={"X-Sandbox-Fault": "ignored"},
    )

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html;charset=utf-8"
    fields = parse_body(answer.get_data(as_text=True))
    assert [key for key, _ in fields] == [
        "type",
        "serial-number",
        "merchant-order-id",
        "paynet-order-id",
    ]
    head = dict(fields)
    assert head["type"] == "async-response" and SERIAL.match(head["serial-number"])
    assert head["merchant-order-id"] == order["merchant-order-id"]
    assert head["paynet-order-id"] == order["paynet-order-id"]
    after = call("status", status_params(order))
    assert {**after, "serial-number": ""} == {**before[0], "serial-number": ""}
    assert totals_of(client, order) == before[1]
    unknown = call("status", {**status_params(order), "by-request-sn": head["serial-number"]})
    assert (unknown["type"], unknown["error-message"]) == ("error", "Transaction not found")


def test_an_armed_fault_ignores_the_next_return_only(open_order, pay, client, call):
    order = open_order(amount="100")
    pay(order, cvv="123")
    rule = {"fault": "ignored", "method": "return"}
    assert client.post("/sandbox-control/faults", json=rule).status_code == 201

    ignored = call("return", money_params(order, amount="10"))
    after_ignored = totals_of(client, order)
    served = call("return", money_params(order, amount="10"))

    assert ignored["type"] == served["type"] == "async-response"
    assert after_ignored["refunded"] == 0 and len(after_ignored["transactions"]) == 1
    money = totals_of(client, order)
    assert money["refunded"] == 1000
    assert [tx["serial"] for tx in money["transactions"][1:]] == [served["serial-number"]]


def test_a_body_over_the_limit_is_still_refused(client):
    answer = client.post(
        f"/paynet/api/v2/return/{ENDPOINT}",
        data={"client_orderid": "x" * (65 * 1024)},
        headers={"X-Sandbox-Fault": "ignored"},
    )

    assert answer.status_code == 413
    fields = dict(parse_body(answer.get_data(as_text=True)))
    assert fields["type"] == "error"
