"""The v2 response bodies as the gateway writes them: `key=value\n&key=value\n`, values
form-urlencoded, always HTTP 200; the status-response and the refusals."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import quote_plus

from flask import Response

from shop.sandbox.payneteasy.amounts import major
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetTransaction, TxType, stage_of

API_PREFIX = "/paynet/api/"
CONTENT_TYPE = "text/html;charset=utf-8"

Fields = list[tuple[str, str]]
DESCRIPTOR = "REDIRECT-SHOP SANDBOX"

# How the payer paid. payneteasy.md names no wallet field: card-type is the card's scheme
# (VISA), so the wallet goes in the closest field a real status-response was seen to carry,
# ips-src-payment-type-code / -name (section 4, [OBS] LONA); the values are this sandbox's.
CARD_PAYMENT_TYPE = "CARD"
WALLET_PAYMENT_TYPES = {
    "apple_pay": "APPLE_PAY",
    "google_pay": "GOOGLE_PAY",
    "samsung_pay": "SAMSUNG_PAY",
}
PAYMENT_TYPE_NAMES = {
    CARD_PAYMENT_TYPE: "Card",
    "APPLE_PAY": "Apple Pay",
    "GOOGLE_PAY": "Google Pay",
    "SAMSUNG_PAY": "Samsung Pay",
}

# The sandbox's error codes (the real catalogue is not public): one per kind of refusal.
INVALID_FIELD = "1"
BAD_CONTROL = "2"
UNKNOWN_ENDPOINT = "3"
DUPLICATE_ORDER = "4"
ORDER_NOT_FOUND = "5"
NOT_ALLOWED = "6"
SYSTEM_ERROR = "7"  # the HTTP-level refusals: body too large, method not allowed


class PaynetError(Exception):
    """A refused request: answered as type=validation-error or type=error, still HTTP 200."""

    def __init__(self, kind: str, message: str, code: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code


def validation_error(message: str, code: str = INVALID_FIELD) -> PaynetError:
    """A bad or missing field, a control mismatch, an unknown endpoint or login."""
    return PaynetError("validation-error", message, code)


def processing_error(message: str, code: str) -> PaynetError:
    """A well-formed request the order's state does not allow (type=error)."""
    return PaynetError("error", message, code)


def serial_number() -> str:
    """Make a request serial number shaped like the gateway's 00000000-...-0000043b64d7."""
    return f"00000000-0000-0000-0000-0000{secrets.token_hex(4)}"


def encode(fields: Iterable[tuple[str, str]]) -> str:
    """Encode in order, each value followed by a newline (the last one too)."""
    return "&".join(f"{key}={quote_plus(value)}\n" for key, value in fields)


def kv_response(fields: Fields) -> Response:
    """Answer with the gateway's body and content type."""
    return Response(encode(fields), status=200, content_type=CONTENT_TYPE)


def error_fields(error: PaynetError, merchant_order_id: str) -> Fields:
    """Describe a refusal, naming the merchant's order when the request did."""
    fields: Fields = [("type", error.kind), ("serial-number", serial_number())]
    if merchant_order_id:
        fields.append(("merchant-order-id", merchant_order_id))
    return [*fields, ("error-message", error.message), ("error-code", error.code)]


def http_error(code: int, name: str) -> Response:
    """An HTTP-level refusal on the API (body too large, method not allowed): type=error."""
    fields = error_fields(processing_error(name, SYSTEM_ERROR), "")
    return Response(encode(fields), status=code, content_type=CONTENT_TYPE)


def processor_tx_id(order: PaynetOrder) -> str:
    """Name the acquirer transaction as the real sandbox does, once a card was used."""
    return f"PNTEST-{order.paynet_id}" if order.bin else ""


def status_fields(order: PaynetOrder, tx: PaynetTransaction, latest: PaynetTransaction) -> Fields:
    """List the documented fields of tx; card fields stay empty until the payer entered a card."""
    stage, error_message, error_code = _stage_and_error(order, tx, latest)
    return [
        ("type", "status-response"),
        ("serial-number", serial_number()),
        ("merchant-order-id", order.client_orderid),
        ("paynet-order-id", str(order.paynet_id)),
        ("status", tx.status),
        ("amount", major(tx.amount)),
        ("currency", order.currency),
        ("transaction-type", tx.tx_type),
        ("order-stage", stage),
        ("last-four-digits", order.last_four),
        ("bin", order.bin),
        ("card-type", order.card_type),
        ("cardholder-name", order.cardholder_name),
        ("card-exp-month", order.exp_month),
        ("card-exp-year", order.exp_year),
        ("email", order.email),
        ("ips-src-payment-type-code", order.payment_type),
        ("ips-src-payment-type-name", PAYMENT_TYPE_NAMES.get(order.payment_type, "")),
        ("processor-tx-id", processor_tx_id(order)),
        ("descriptor", DESCRIPTOR),
        ("error-message", error_message),
        ("error-code", error_code),
        ("by-request-sn", tx.serial),
    ]


def _stage_and_error(
    order: PaynetOrder, tx: PaynetTransaction, latest: PaynetTransaction
) -> tuple[str, str, str]:
    """The latest transaction's are the order's (its stage may be sale_init or *_3d_validating).
    An earlier one was approved, or nothing would have followed it: no error, a final stage."""
    if tx.id == latest.id:
        return order.stage, order.error_message, order.error_code
    return stage_of(TxType(tx.tx_type), tx.status), "", ""
