"""status, capture and return: controls, errors, and how the latest transaction shows."""

from __future__ import annotations

import pytest

from tests.sandbox.payneteasy.conftest import KEY, LOGIN, money_params, sha1, status_params

STATUS_KEYS = [
    "type",
    "serial-number",
    "merchant-order-id",
    "paynet-order-id",
    "status",
    "amount",
    "currency",
    "transaction-type",
    "order-stage",
    "last-four-digits",
    "bin",
    "card-type",
    "cardholder-name",
    "card-exp-month",
    "card-exp-year",
    "email",
    "ips-src-payment-type-code",
    "ips-src-payment-type-name",
    "processor-tx-id",
    "descriptor",
    "error-message",
    "error-code",
    "by-request-sn",
]


def test_status_before_payment(open_order, status):
    order = open_order(amount="10.5", currency="eur")

    fields = status(order)

    assert list(fields) == STATUS_KEYS
    assert (fields["status"], fields["transaction-type"], fields["order-stage"]) == (
        "processing",
        "sale",
        "sale_init",
    )
    assert (fields["amount"], fields["currency"]) == ("10.50", "EUR")
    assert fields["merchant-order-id"] == order["merchant-order-id"]
    assert fields["paynet-order-id"] == order["paynet-order-id"]
    assert fields["bin"] == fields["last-four-digits"] == fields["processor-tx-id"] == ""
    assert fields["error-message"] == fields["error-code"] == ""


def test_status_by_client_orderid_alone(open_order, call):
    order = open_order()
    params = {"login": LOGIN, "client_orderid": order["merchant-order-id"]}
    params["control"] = sha1(LOGIN, order["merchant-order-id"], "", KEY)

    fields = call("status", params)

    assert fields["type"] == "status-response"
    assert fields["paynet-order-id"] == order["paynet-order-id"]


def test_status_on_the_group_url(open_order, call):
    order = open_order()

    fields = call("status", status_params(order), url_id="group/4343")

    assert fields["type"] == "status-response"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"login": "someone-else"}, "Invalid login"),
        ({"login": ""}, "Missing required field: login"),
        ({"control": "0" * 40}, "Control code mismatch"),
        ({"control": ""}, "Missing required field: control"),
        ({"client_orderid": ""}, "Missing required field: client_orderid"),
        ({"orderid": "12a"}, "Invalid orderid"),
    ],
)
def test_status_validation_errors(open_order, call, overrides, message):
    order = open_order()

    fields = call("status", status_params(order, **overrides))

    assert fields["type"] == "validation-error"
    assert fields["error-message"] == message


def test_status_of_an_unknown_order_is_an_error(open_order, call):
    order = open_order()
    ghost = {**order, "paynet-order-id": "999999"}
    other_client = {**order, "merchant-order-id": "someone-elses"}

    for target in (ghost, other_client):
        fields = call("status", status_params(target))
        assert fields["type"] == "error"
        assert (fields["error-message"], fields["error-code"]) == ("Order not found", "5")


def test_status_control_uses_the_paynet_order_id(open_order, call):
    order = open_order()
    params = status_params(order)
    params["control"] = sha1(LOGIN, order["merchant-order-id"], KEY)  # orderid left out

    assert call("status", params)["error-message"] == "Control code mismatch"


def approved(open_order, pay, command: str = "preauth-form", amount: str = "100"):
    order = open_order(command, amount=amount)
    pay(order, cvv="123")
    return order


def test_preauth_shows_auth_approved(open_order, pay, status):
    order = approved(open_order, pay)

    fields = status(order)

    assert (fields["status"], fields["transaction-type"], fields["order-stage"]) == (
        "approved",
        "preauth",
        "auth_approved",
    )


def test_full_capture_then_full_return(open_order, pay, call, status):
    order = approved(open_order, pay)

    captured = call("capture", money_params(order))

    assert list(captured) == ["type", "serial-number", "merchant-order-id", "paynet-order-id"]
    assert captured["type"] == "async-response"
    assert captured["paynet-order-id"] == order["paynet-order-id"]
    fields = status(order)
    assert (fields["transaction-type"], fields["status"], fields["order-stage"]) == (
        "capture",
        "approved",
        "capture_approved",
    )
    assert fields["amount"] == "100.00"
    assert call("capture", money_params(order))["error-message"] == "Capture not allowed"
    assert call("return", money_params(order))["type"] == "async-response"
    after = status(order)
    assert (after["transaction-type"], after["order-stage"], after["amount"]) == (
        "reversal",
        "reversal_approved",
        "100.00",
    )
    assert call("return", money_params(order, amount="0.01"))["type"] == "error"


def test_partial_capture_then_return_more_than_captured_is_refused(open_order, pay, call, status):
    order = approved(open_order, pay)

    assert call("capture", money_params(order, amount="60.5"))["type"] == "async-response"

    assert status(order)["amount"] == "60.50"
    too_much = call("return", money_params(order, amount="60.51"))
    assert too_much["type"] == "error"
    assert too_much["error-message"] == "Return amount exceeds the amount left to return"
    assert status(order)["transaction-type"] == "capture"
    assert call("return", money_params(order, amount="60.50"))["type"] == "async-response"
    assert status(order)["amount"] == "60.50"


def test_capture_more_than_authorized_is_refused(open_order, pay, call, status):
    order = approved(open_order, pay)

    fields = call("capture", money_params(order, amount="100.01"))

    assert fields["type"] == "error"
    assert status(order)["transaction-type"] == "preauth"


def test_repeated_partial_returns_are_cumulative(open_order, pay, call, status):
    order = approved(open_order, pay, command="sale-form", amount="10")

    first = call("return", money_params(order, amount="3"))
    second = call("return", money_params(order, amount="4.5"))
    third = call("return", money_params(order, amount="2.51"))

    assert first["type"] == second["type"] == "async-response"
    assert third["type"] == "error"
    assert status(order)["amount"] == "4.50"  # the latest reversal
    rest = call("return", money_params(order))  # no amount: the whole remainder
    assert rest["type"] == "async-response"
    assert status(order)["amount"] == "2.50"
    assert call("return", money_params(order))["error-message"].startswith("Return not allowed")


def test_return_of_a_preauth_is_a_cancel(open_order, pay, call, status):
    order = approved(open_order, pay)

    with_amount = call("return", money_params(order, amount="10"))
    fields = call("return", money_params(order))

    assert with_amount["type"] == "error"
    assert fields["type"] == "async-response"
    after = status(order)
    assert (after["transaction-type"], after["status"], after["order-stage"]) == (
        "cancel",
        "approved",
        "cancel_approved",
    )
    assert after["amount"] == "100.00"
    assert call("capture", money_params(order))["error-message"] == "Capture not allowed"
    assert call("return", money_params(order))["error-message"] == "Return not allowed"


@pytest.mark.parametrize("command", ["sale-form", "preauth-form"])
def test_money_moves_need_an_approved_order(open_order, pay, call, command):
    waiting = open_order(command)
    declined = open_order(command)
    pay(declined, cvv="116")

    for order in (waiting, declined):
        assert call("capture", money_params(order))["error-message"] == "Capture not allowed"
        assert call("return", money_params(order))["error-message"] == "Return not allowed"


def test_capture_of_a_sale_is_refused(open_order, pay, call):
    order = approved(open_order, pay, command="sale-form")

    fields = call("capture", money_params(order))

    assert (fields["type"], fields["error-code"]) == ("error", "6")


def test_money_request_controls(open_order, pay, call, status):
    order = approved(open_order, pay)
    unsigned_amount = money_params(order)
    unsigned_amount |= {"amount": "10", "currency": "RUB"}  # control signed without them
    no_currency = money_params(order, amount="10")
    del no_currency["currency"]
    lower_currency = money_params(order, amount="10", currency="rub")
    other_currency = money_params(order, amount="10", currency="USD")

    assert call("capture", unsigned_amount)["error-message"] == "Control code mismatch"
    assert call("capture", no_currency)["error-message"].startswith(
        "Missing required field: currency"
    )
    assert call("capture", other_currency)["error-message"] == "Currency must be RUB"
    assert call("capture", money_params(order, login="x"))["error-message"] == "Invalid login"
    assert call("capture", money_params(order, amount="1.001"))["type"] == "validation-error"
    assert status(order)["transaction-type"] == "preauth"
    assert call("capture", lower_currency)["type"] == "async-response"


def test_money_request_needs_orderid(open_order, pay, call):
    order = approved(open_order, pay)

    fields = call("return", money_params(order, orderid=""))

    assert fields["error-message"] == "Missing required field: orderid"
