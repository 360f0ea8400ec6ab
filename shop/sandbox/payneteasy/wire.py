"""The v2 response body: `key=value\n&key=value\n`, values form-urlencoded, always HTTP 200."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import quote_plus

from flask import Response

API_PREFIX = "/paynet/api/"
CONTENT_TYPE = "text/html;charset=utf-8"

Fields = list[tuple[str, str]]

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
