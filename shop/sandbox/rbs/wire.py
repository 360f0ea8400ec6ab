"""JSON bodies exactly as the RBS gateway writes them (rbs.md 2.2, 3.4, 3.5), in either dialect.

Gateways of the same API write errorCode two ways (rbs.md 8.1, 10), chosen by
SANDBOX_RBS_DIALECT:

- sber (the default): every errorCode a string ("0"), none on register's success: the one
  answer the seeds show (MTS's test gateway: {"orderId", "formUrl"}), and Sber's legacy stand;
  getOrderStatus.do answers with capitalized keys (OrderStatus, ErrorCode, ...).
- bpc: BPC's reference examples: deposit.do, reverse.do and refund.do answer a number
  ({"errorCode":0}, errors too), register's success carries errorCode "0", and
  getOrderStatus.do answers in lower camel case like getOrderStatusExtended.do.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app

from shop.sandbox.rbs.models import GatewayOrder, OrderStatus

API_PREFIX = "/payment/rest/"
CONTENT_TYPE = "application/json;charset=UTF-8"
TERMINAL_ID = "12345678"

DIALECT_SETTING = "SANDBOX_RBS_DIALECT"
DIALECTS = ("sber", "bpc")
# The methods whose errorCode BPC writes as a number (rbs.md 4: {"errorCode":0,...}).
NUMERIC_IN_BPC = frozenset({"deposit", "reverse", "refund"})
LEGACY_STATUS = "getOrderStatus"

# paymentWay (rbs.md 3.2, v9+: "CARD, CARD_BINDING, APPLE_PAY, GOOGLE_PAY_*, ..."): a typed
# card, or the wallet whose test token paid (by the hosted page's wallet key).
CARD_PAYMENT_WAY = "CARD"
WALLET_PAYMENT_WAYS = {
    "apple_pay": "APPLE_PAY",
    "google_pay": "GOOGLE_PAY_TOKENIZED",
    "samsung_pay": "SAMSUNG_PAY",
}

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


def dialect() -> str:
    """The dialect this gateway speaks: "sber" or "bpc" (checked at start by check_dialect)."""
    return str(current_app.config[DIALECT_SETTING])


def check_dialect(value: object) -> None:
    """Refuse an unknown dialect at startup rather than on the first call."""
    if value not in DIALECTS:
        raise ValueError(f"{DIALECT_SETTING} must be sber or bpc, not {value!r}")


def error_code(code: str, method: str) -> str | int:
    """errorCode as the dialect writes it for method: a number in BPC's management answers."""
    return int(code) if dialect() == "bpc" and method in NUMERIC_IN_BPC else code


def success(method: str) -> dict[str, Any]:
    """The answer of a management method (deposit, reverse, refund) that did its work."""
    return {"errorCode": error_code("0", method), "errorMessage": "Success"}


def registered(order_id: str, form_url: str) -> dict[str, Any]:
    """register.do's success: no errorCode in Sber's form, errorCode "0" in BPC's."""
    body: dict[str, Any] = {"orderId": order_id, "formUrl": form_url}
    if dialect() == "bpc":
        body["errorCode"] = "0"
    return body


def _capitalized() -> bool:
    """getOrderStatus.do capitalizes its keys in Sber's form (rbs.md 3.5)."""
    return dialect() == "sber"


def error_body(error: ApiError, method: str = "") -> dict[str, Any]:
    """Write an error in the method's form; Sber's getOrderStatus.do capitalizes the keys."""
    code = error_code(error.code, method)
    if method == LEGACY_STATUS and _capitalized():
        return {"ErrorCode": code, "ErrorMessage": error.message}
    return {"errorCode": code, "errorMessage": error.message, **error.extra}


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
    if order.payment_way:
        body["paymentWay"] = order.payment_way
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


# getOrderStatus.do's keys that Sber capitalizes; the others are the same in both dialects.
_SBER_LEGACY_KEYS = {
    "orderStatus": "OrderStatus",
    "errorCode": "ErrorCode",
    "errorMessage": "ErrorMessage",
    "orderNumber": "OrderNumber",
    "amount": "Amount",
    "pan": "Pan",
    "ip": "Ip",
}


def legacy_status(order: GatewayOrder) -> dict[str, Any]:
    """Build the old getOrderStatus.do body (Sber capitalizes its keys, BPC does not)."""
    body: dict[str, Any] = {
        "orderStatus": order.status,
        "errorCode": "0",
        "errorMessage": "Success",
        "orderNumber": order.order_number,
        "amount": order.amount,
        "currency": order.currency,
        "depositAmount": order.deposited_amount,
    }
    if order.masked_pan:
        body["pan"] = order.masked_pan
        body["expiration"] = order.expiration
        body["cardholderName"] = order.cardholder_name
    if order.approval_code:
        body["approvalCode"] = order.approval_code
    if order.payer_ip:
        body["ip"] = order.payer_ip
    if not _capitalized():
        return body
    return {_SBER_LEGACY_KEYS.get(key, key): value for key, value in body.items()}
