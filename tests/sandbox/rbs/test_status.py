"""getOrderStatusExtended.do and the legacy getOrderStatus.do."""

from __future__ import annotations

import json

# The field set of a fresh order, as in the rbs.md 3.4 examples before any card is entered.
FRESH_FIELDS = {
    "errorCode",
    "errorMessage",
    "orderNumber",
    "orderStatus",
    "actionCode",
    "actionCodeDescription",
    "amount",
    "currency",
    "date",
    "orderDescription",
    "merchantOrderParams",
    "transactionAttributes",
    "attributes",
    "terminalId",
    "paymentAmountInfo",
    "bankInfo",
}


def test_fresh_order_status_shape_and_types(rbs, register, clock):
    created = register(orderNumber="N-100", amount="550000", description="Kettle")

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])

    assert set(body) == FRESH_FIELDS
    assert body["errorCode"] == "0"
    assert body["errorMessage"] == "Success"
    assert body["orderNumber"] == "N-100"
    assert body["orderStatus"] == 0
    assert body["actionCode"] == -100
    assert body["actionCodeDescription"] == ""
    assert body["amount"] == 550000
    assert body["currency"] == "643"
    assert isinstance(body["date"], int)
    assert abs(body["date"] - int(clock.now * 1000)) < 1000
    assert body["orderDescription"] == "Kettle"
    assert body["attributes"] == [{"name": "mdOrder", "value": created["orderId"]}]
    assert body["merchantOrderParams"] == []
    assert body["transactionAttributes"] == []
    assert isinstance(body["terminalId"], str)
    assert body["paymentAmountInfo"] == {
        "paymentState": "CREATED",
        "approvedAmount": 0,
        "depositedAmount": 0,
        "refundedAmount": 0,
        "totalAmount": 550000,
    }
    assert body["bankInfo"]["bankCountryCode"] == "UNKNOWN"
    assert "cardAuthInfo" not in body


def test_lookup_by_order_number(rbs, register):
    created = register(orderNumber="by-number-7", currency="978")

    body = rbs("getOrderStatusExtended", orderNumber="by-number-7")

    assert body["attributes"] == [{"name": "mdOrder", "value": created["orderId"]}]
    assert body["currency"] == "978"


def test_order_id_wins_over_order_number(rbs, register):
    first = register(orderNumber="first")
    register(orderNumber="second")

    body = rbs("getOrderStatusExtended", orderId=first["orderId"], orderNumber="second")

    assert body["orderNumber"] == "first"


def test_unknown_order_is_error_6(rbs, register):
    register(orderNumber="mine")

    expected = {
        "errorCode": "6",
        "errorMessage": "Order not found",
        "merchantOrderParams": [],
        "attributes": [],
    }
    assert rbs("getOrderStatusExtended", orderId="mine") == expected  # number passed as id
    assert rbs("getOrderStatusExtended", orderNumber="nobody") == expected


def test_missing_ids_is_error_1(rbs):
    body = rbs("getOrderStatusExtended")

    assert body == {"errorCode": "1", "errorMessage": "Expected [orderId] or [orderNumber]"}


def test_status_needs_credentials(client, register):
    created = register()

    response = client.post(
        "/payment/rest/getOrderStatusExtended.do", data={"orderId": created["orderId"]}
    )

    assert response.get_json() == {"errorCode": "5", "errorMessage": "Access denied"}


def test_json_params_come_back_as_merchant_order_params(rbs, register):
    params = {"basket": "42", "attempt": 2}
    created = register(jsonParams=json.dumps(params))

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])

    assert body["merchantOrderParams"] == [
        {"name": "basket", "value": "42"},
        {"name": "attempt", "value": "2"},
    ]


def test_status_by_get_query_string(client, register):
    created = register()
    query = {
        "userName": "redirect-shop-api",
        "password": "sandbox-demo-password",
        "orderId": created["orderId"],
    }

    response = client.get("/payment/rest/getOrderStatusExtended.do", query_string=query)

    assert response.get_json()["orderStatus"] == 0


def test_legacy_status_of_a_paid_order_has_capitalized_keys(rbs, register, pay):
    created = register(orderNumber="legacy-1", amount="2000")
    pay(created["formUrl"], "4111111111111111")

    body = rbs("getOrderStatus", orderId=created["orderId"])

    assert body["ErrorCode"] == "0"
    assert body["ErrorMessage"] == "Success"
    assert body["OrderStatus"] == 2
    assert body["OrderNumber"] == "legacy-1"
    assert body["Amount"] == 2000
    assert body["currency"] == "643"
    assert body["depositAmount"] == 2000
    assert body["Pan"] == "411111**1111"
    assert body["expiration"] == "203912"
    assert body["cardholderName"] == "TEST PAYER"
    assert len(body["approvalCode"]) == 6
    assert body["Ip"] == "127.0.0.1"
    assert "errorCode" not in body and "orderStatus" not in body


def test_legacy_status_errors(rbs):
    assert rbs("getOrderStatus", orderId="no-such-order") == {
        "ErrorCode": "6",
        "ErrorMessage": "Order not found",
    }
    assert rbs("getOrderStatus")["ErrorCode"] == "5"
