"""JSON bodies exactly as the RBS gateway writes them (rbs.md 2.2, 3.4, 3.5)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from shop.sandbox.rbs.models import GatewayOrder, OrderStatus

API_PREFIX = "/payment/rest/"
CONTENT_TYPE = "application/json;charset=UTF-8"
TERMINAL_ID = "12345678"

_PAYMENT_STATE = {
    OrderStatus.CREATED: "CREATED",
    OrderStatus.APPROVED: "APPROVED",
    OrderStatus.DEPOSITED: "DEPOSITED",
    OrderStatus.REVERSED: "REVERSED",
    OrderStatus.REFUNDED: "REFUNDED",
    OrderStatus.ACS_STARTED: "CREATED",
    OrderStatus.DECLINED: "DECLINED",
}


class ApiError(Exception):
    """A business error: the gateway answers HTTP 200 with errorCode and errorMessage."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    """Serialize in the gateway's field order with its content type."""
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=CONTENT_TYPE,
    )


def http_error(code: int, name: str) -> Response:
    """An HTTP-level refusal on the API (unknown method, body too large): errorCode 7, the
    system error, so that no client mistakes the body for success."""
    message = "Unknown method" if code == 404 else name
    return json_response({"errorCode": "7", "errorMessage": message}, status=code)


def error_body(error: ApiError, legacy: bool = False) -> dict[str, Any]:
    """Write an error with string codes; getOrderStatus.do capitalizes the keys."""
    if legacy:
        return {"ErrorCode": error.code, "ErrorMessage": error.message}
    return {"errorCode": error.code, "errorMessage": error.message, **error.extra}


def merchant_order_params(order: GatewayOrder) -> list[dict[str, str]]:
    """Echo register's jsonParams as the name/value list the status call returns."""
    params = json.loads(order.json_params or "{}")
    return [
        {"name": name, "value": value if isinstance(value, str) else json.dumps(value)}
        for name, value in params.items()
    ]


def extended_status(order: GatewayOrder) -> dict[str, Any]:
    """Build the getOrderStatusExtended.do body, adding card fields once a card was used."""
    body: dict[str, Any] = {
        "errorCode": "0",
        "errorMessage": "Success",
        "orderNumber": order.order_number,
        "orderStatus": order.status,
        "actionCode": order.action_code,
        "actionCodeDescription": order.action_description,
        "amount": order.amount,
        "currency": order.currency,
        "date": order.created_ms,
        "orderDescription": order.description,
    }
    if order.payer_ip:
        body["ip"] = order.payer_ip
    body["merchantOrderParams"] = merchant_order_params(order)
    body["transactionAttributes"] = []
    body["attributes"] = [{"name": "mdOrder", "value": order.md_order}]
    if order.masked_pan:
        body["cardAuthInfo"] = _card_auth_info(order)
    if order.auth_ms is not None:
        body["authDateTime"] = order.auth_ms
    body.update(_operation_dates(order))
    body["terminalId"] = TERMINAL_ID
    if order.auth_ref_num:
        body["authRefNum"] = order.auth_ref_num
    body["paymentAmountInfo"] = {
        "paymentState": _PAYMENT_STATE[OrderStatus(order.status)],
        "approvedAmount": order.approved_amount,
        "depositedAmount": order.deposited_amount,
        "refundedAmount": order.refunded_amount,
        "totalAmount": order.amount,
    }
    body["bankInfo"] = _bank_info(order)
    return body


def _operation_dates(order: GatewayOrder) -> dict[str, int]:
    """depositedDate, reversedDate, refundedDate (the latest refund): epoch ms, once they exist."""
    dates = {
        "depositedDate": order.deposited_ms,
        "reversedDate": order.reversed_ms,
        "refundedDate": order.refunded_ms,
    }
    return {name: value for name, value in dates.items() if value is not None}


def _card_auth_info(order: GatewayOrder) -> dict[str, str]:
    """Describe the card with the PAN masked in both pan fields, as real gateways do."""
    info = {
        "maskedPan": order.masked_pan or "",
        "expiration": order.expiration or "",
        "cardholderName": order.cardholder_name or "",
    }
    if order.approval_code:
        info["approvalCode"] = order.approval_code
    info["pan"] = order.masked_pan or ""
    info["paymentSystem"] = order.payment_system or "UNKNOWN"
    return info


def _bank_info(order: GatewayOrder) -> dict[str, str]:
    """Name the test bank once a card is known; before that the issuer is unknown."""
    if order.masked_pan:
        return {"bankName": "TEST CARD", "bankCountryCode": "RU", "bankCountryName": "Russia"}
    return {"bankCountryCode": "UNKNOWN", "bankCountryName": "Unknown"}


def legacy_status(order: GatewayOrder) -> dict[str, Any]:
    """Build the old getOrderStatus.do body with its capitalized keys."""
    body: dict[str, Any] = {
        "OrderStatus": order.status,
        "ErrorCode": "0",
        "ErrorMessage": "Success",
        "OrderNumber": order.order_number,
        "Amount": order.amount,
        "currency": order.currency,
        "depositAmount": order.deposited_amount,
    }
    if order.masked_pan:
        body["Pan"] = order.masked_pan
        body["expiration"] = order.expiration
        body["cardholderName"] = order.cardholder_name
    if order.approval_code:
        body["approvalCode"] = order.approval_code
    if order.payer_ip:
        body["Ip"] = order.payer_ip
    return body
