"""PaynetEasy in gateway-check: its command names, its documented errors (payneteasy.md 1, 11),
the reply shapes the shop reads, and the redirect/callback control's test vector (11.2)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from shop.payments.conformance.runner import Fail, Skip
from shop.payments.conformance.shapes import Shape
from shop.payments.gateways import payneteasy
from shop.payments.gateways.errors import GatewayRejected
from shop.payments.gateways.transport import UNWIRED, Exchange

NAMES = {
    "register": "sale-form",
    "preauth": "preauth-form",
    "status": "status",
    "capture": "capture",
    "refund": "return",
    "release": "return",
}
CREDENTIAL = "CONTROL_KEY"  # the setting the wrong-credentials check spoils
# The sandbox's 3-D Secure CVV and password (README, Test cards): the challenge step too.
DEMO_CARD = "4444555566661111,12/30,321,hint"
TOTALS = False  # a status answer describes the latest transaction only
# payneteasy.md 11.2: the redirect and callback control's golden vector.
VECTOR = {
    "status": "approved",
    "orderid": "313635",
    "client_orderid": "902B4FF5",
    "control": "d67cd0f82e92b28dfd1d6a702c24213ee1de6d76",
}
VECTOR_KEY = "99347351-273F-4D88-84B4-89793AE62D94"
_AMOUNT = re.compile(r"\d+(\.\d{1,2})?")


def made_up_id() -> str:
    return str(10**11 + secrets.randbelow(9 * 10**11))


def _type(exchange: Exchange | None) -> str:
    body = payneteasy.parse_body(exchange.response_text) if exchange else {}
    return body.get("type", "") or "(none)"


def refused(exc: GatewayRejected, exchange: Exchange | None) -> str:
    return (
        f"type={_type(exchange)} ({exc}): the gateway refused PAYNETEASY_LOGIN / "
        "PAYNETEASY_CONTROL_KEY or the endpoint id"
    )


def unknown_order(exc: GatewayRejected, exchange: Exchange | None) -> str:
    if _type(exchange) == "error":
        return f"type=error ({exc}), as documented (payneteasy.md 1: errors are HTTP 200)"
    raise Fail(f"type={_type(exchange)} ({exc}); documented: type=error for an unknown order")


def wrong_credentials(exc: GatewayRejected, exchange: Exchange | None) -> str:
    if _type(exchange) == "validation-error":
        return f"type=validation-error ({exc}), as documented (payneteasy.md 11.2)"
    raise Fail(f"type={_type(exchange)} ({exc}); documented: type=validation-error")


def _fields(exchange: Exchange | None) -> Shape:
    if exchange is None or exchange.http_status is None:
        raise Fail("no answer to read")
    text = exchange.response_text
    if text and not text.rstrip(" ").endswith("\n"):
        raise Fail(f"{exchange.endpoint}: values do not end in a newline (payneteasy.md 9.1)")
    return Shape(exchange.endpoint, payneteasy.parse_body(text))


def _digits(value: object) -> bool:
    return isinstance(value, str) and value.isdigit()


def register_shape(exchange: Exchange | None) -> str:
    shape = _fields(exchange)
    shape.need("type", lambda v: v == "async-form-response", "async-form-response")
    shape.need("paynet-order-id", _digits, "digits, the gateway's id")
    shape.need("serial-number", lambda v: bool(v), "the request's serial number")
    shape.need(
        "redirect-url",
        lambda v: isinstance(v, str) and v.startswith(("http://", "https://")),
        "an absolute http(s) URL",
    )
    return shape.summary()


def status_shape(exchange: Exchange | None, paid: bool) -> str:
    shape = _fields(exchange)
    shape.need("type", lambda v: v == "status-response", "status-response")
    shape.need(
        "status",
        lambda v: v in {"approved", "declined", "error", "filtered", "processing", "unknown"},
        "a documented status",
    )
    shape.need(
        "amount",
        lambda v: isinstance(v, str) and bool(_AMOUNT.fullmatch(v)),
        "major units with at most two decimals (10.42)",
    )
    shape.need("currency", lambda v: isinstance(v, str) and len(v) == 3, "an ISO 4217 code")
    shape.need("merchant-order-id", lambda v: bool(v), "the shop's order number")
    shape.need("paynet-order-id", _digits, "digits, the gateway's id")
    if paid:
        shape.need("last-four-digits", _digits, "the card's last four digits")
    return shape.summary()


def operation_shape(exchange: Exchange | None) -> str:
    """capture and return answer an async-response naming the transaction they made."""
    shape = _fields(exchange)
    shape.need("type", lambda v: v == "async-response", "async-response")
    shape.need("serial-number", lambda v: bool(v), "the serial number status asks by")
    return shape.summary()


def callback_vector(api_url: str, settings: dict[str, object]) -> str:
    client = payneteasy.PROVIDER.connect(api_url, {**settings, "CONTROL_KEY": VECTOR_KEY}, UNWIRED)
    notice = client.read_callback(VECTOR)
    forged = client.read_callback({**VECTOR, "status": "declined"})
    if notice is None or not notice.genuine:
        raise Fail("the shop does not verify payneteasy.md 11.2's control (d67cd0f8...)")
    if forged is not None and forged.genuine:
        raise Fail("the shop accepts payneteasy.md 11.2's control for another status")
    return "payneteasy.md 11.2's control verifies as d67cd0f8..., another status does not"


def dialect(exchanges: Iterable[Exchange]) -> str:
    raise Skip("PaynetEasy has one answer format (key=value\\n&...)")
