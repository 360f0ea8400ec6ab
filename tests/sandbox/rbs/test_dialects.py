"""SANDBOX_RBS_DIALECT: the two ways RBS gateways write errorCode (rbs.md 8.1, 10), each
answer compared whole, so a form that drifts fails here before a client meets it."""

from __future__ import annotations

import pytest

from shop.sandbox import create_app
from tests.sandbox.rbs.conftest import AUTH

CARD = "4111111111111111"
NUMERIC = {"sber": False, "bpc": True}


@pytest.fixture(params=["sber", "bpc"])
def dialect(request) -> str:
    return request.param


def ok(dialect: str, management: bool) -> object:
    """errorCode 0 as the dialect writes it: a number only in BPC's management answers."""
    return 0 if management and NUMERIC[dialect] else "0"


def code(dialect: str, management: bool, value: str) -> object:
    return int(value) if management and NUMERIC[dialect] else value


@pytest.mark.parametrize("method", ["register", "registerPreAuth"])
def test_register_success_carries_error_code_only_in_bpc(register, dialect, method):
    body = register(method)

    if dialect == "sber":
        assert set(body) == {"orderId", "formUrl"}  # exactly the seeds' answer
    else:
        assert set(body) == {"orderId", "formUrl", "errorCode"}
        assert body["errorCode"] == "0"


def test_register_errors_are_strings_in_both(rbs, dialect):
    assert rbs("register", amount="100")["errorCode"] == "4"


def test_management_answers_are_numbers_only_in_bpc(register, pay, rbs, dialect):
    hold = register("registerPreAuth", amount="10000")
    pay(hold["formUrl"], CARD)
    paid = register(amount="10000")
    pay(paid["formUrl"], CARD)
    success = {"errorCode": ok(dialect, True), "errorMessage": "Success"}

    assert rbs("deposit", orderId=hold["orderId"], amount="6000") == success
    assert rbs("refund", orderId=hold["orderId"], amount="1000") == success
    assert rbs("reverse", orderId=paid["orderId"]) == success
    assert rbs("reverse", orderId=paid["orderId"])["errorCode"] == code(dialect, True, "7")
    assert rbs("refund", orderId="no-such-order", amount="1")["errorCode"] == code(
        dialect, True, "6"
    )


def test_access_denied_follows_the_method(client, dialect):
    wrong = {**AUTH, "password": "wrong"}
    refund = client.post("/payment/rest/refund.do", data={**wrong, "orderId": "x", "amount": "1"})
    status = client.post("/payment/rest/getOrderStatusExtended.do", data={**wrong, "orderId": "x"})

    assert refund.get_json() == {"errorCode": code(dialect, True, "5"),
                                 "errorMessage": "Access denied"}  # fmt: skip
    assert status.get_json() == {"errorCode": "5", "errorMessage": "Access denied"}


def test_extended_status_writes_a_string_in_both(register, rbs, dialect):
    created = register()

    assert rbs("getOrderStatusExtended", orderId=created["orderId"])["errorCode"] == "0"


def test_legacy_status_capitalizes_only_in_sber(register, pay, rbs, dialect):
    created = register(orderNumber="legacy-dialect", amount="2000")
    pay(created["formUrl"], CARD)

    body = rbs("getOrderStatus", orderId=created["orderId"])
    missing = rbs("getOrderStatus", orderId="no-such-order")

    if dialect == "sber":
        assert {body["ErrorCode"], body["OrderStatus"], body["Amount"]} == {"0", 2, 2000}
        assert body["OrderNumber"] == "legacy-dialect" and body["Pan"] == "411111**1111"
        assert missing == {"ErrorCode": "6", "ErrorMessage": "Order not found"}
    else:
        assert {body["errorCode"], body["orderStatus"], body["amount"]} == {"0", 2, 2000}
        assert body["orderNumber"] == "legacy-dialect" and body["pan"] == "411111**1111"
        assert not any(key[0].isupper() for key in body)
        assert missing == {"errorCode": "6", "errorMessage": "Order not found"}


def test_an_unknown_dialect_is_refused_at_start(tmp_path):
    settings = {"SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    with pytest.raises(ValueError, match="SANDBOX_RBS_DIALECT must be sber or bpc"):
        create_app({**settings, "SANDBOX_RBS_DIALECT": "alfa"})
