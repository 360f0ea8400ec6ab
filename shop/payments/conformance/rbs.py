"""RBS in gateway-check: its method names, its documented errors (rbs.md 2.3, 3.1), the reply
shapes the shop reads, the dialect it speaks (rbs.md 8.1), the checksum's test vector (5.2)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from shop.payments.conformance.runner import Fail, Skip
from shop.payments.conformance.shapes import Shape, json_reply, kind, whole
from shop.payments.gateways import rbs
from shop.payments.gateways.errors import GatewayOrderNotFound, GatewayRejected
from shop.payments.gateways.transport import UNWIRED, Exchange

NAMES = {
    "register": "register.do",
    "preauth": "registerPreAuth.do",
    "status": "getOrderStatusExtended.do",
    "capture": "deposit.do",
    "refund": "refund.do",
    "release": "reverse.do",
}
CREDENTIAL = "PASSWORD"  # the setting the wrong-credentials check spoils
# The sandbox's 3-D Secure card (README, Test cards): it proves the challenge step too.
DEMO_CARD = "5555555555555599,12/30,123,123456"
TOTALS = True  # status answers carry running totals (paymentAmountInfo)
ACCESS_DENIED, NOT_FOUND = "5", "6"
# rbs.md 5.2: the official symmetric example, key 123.
VECTOR = {
    "amount": "1500",
    "mdOrder": "ed6f3abf-cea0-427e-afdf-0ba43ead124f",
    "operation": "deposited",
    "orderNumber": "89312",
    "status": "1",
}
VECTOR_KEY = "123"
VECTOR_CHECKSUM = "9F8253A6BB7777D067DD955751119FA5AAF67B14B9215147190F96B505CDB72C"


def made_up_id() -> str:
    return str(uuid.uuid4())


def refused(exc: GatewayRejected, exchange: Exchange | None) -> str:
    if exc.code == ACCESS_DENIED:
        return f"errorCode 5 ({exc}): the gateway refused RBS_USERNAME / RBS_PASSWORD"
    return f"errorCode {exc.code} ({exc}) where an unknown orderNumber should answer errorCode 6"


def unknown_order(exc: GatewayRejected, exchange: Exchange | None) -> str:
    if isinstance(exc, GatewayOrderNotFound):
        return f"errorCode 6 ({exc}), as documented (rbs.md 3.1)"
    raise Fail(f"errorCode {exc.code} ({exc}); documented: 6, order not found")


def wrong_credentials(exc: GatewayRejected, exchange: Exchange | None) -> str:
    if exc.code == ACCESS_DENIED:
        return f"errorCode 5 ({exc}), as documented (rbs.md 1, 2.3)"
    raise Fail(f"errorCode {exc.code} ({exc}); documented: 5, Access denied")


def _ok_code(value: object) -> bool:
    return value is None or (whole(value) and int(str(value)) == 0)


def register_shape(exchange: Exchange | None) -> str:
    shape = Shape(exchange.endpoint if exchange else "register", json_reply(exchange))
    shape.need("orderId", lambda v: isinstance(v, str) and v, "a string, the gateway's id")
    shape.need(
        "formUrl",
        lambda v: isinstance(v, str) and v.startswith(("http://", "https://")),
        "an absolute http(s) URL",
    )
    shape.need("errorCode", _ok_code, 'absent, 0 or "0"')
    return shape.summary()


def _names_md_order(value: object) -> bool:
    items = value if isinstance(value, list) else []
    return any(isinstance(i, dict) and i.get("name") == "mdOrder" and i.get("value") for i in items)


def status_shape(exchange: Exchange | None, paid: bool) -> str:
    shape = Shape(exchange.endpoint if exchange else "status", json_reply(exchange))
    shape.need("errorCode", _ok_code, 'absent, 0 or "0"')
    shape.need("orderNumber", lambda v: isinstance(v, str) and v, "a string")
    shape.need(
        "orderStatus", lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"
    )
    shape.need("actionCode", lambda v: v is None or whole(v), "an integer")
    shape.need("amount", whole, "an integer (minor units)")
    shape.need("currency", lambda v: isinstance(v, str) and v.isdigit(), "a numeric ISO 4217 code")
    shape.need("attributes", _names_md_order, "a list naming mdOrder (the gateway's id)")
    info = shape.need(
        "paymentAmountInfo",
        lambda v: isinstance(v, dict),
        "an object (getOrderStatusExtended version 3 or later: ask the bank)",
    )
    for name in ("approvedAmount", "depositedAmount", "refundedAmount"):
        shape.need(name, whole, "an integer", within=info)
    if paid:
        card = shape.need("cardAuthInfo", lambda v: isinstance(v, dict), "an object")
        shape.need("maskedPan", lambda v: isinstance(v, str) and v, "a masked PAN", within=card)
    return shape.summary()


def operation_shape(exchange: Exchange | None) -> str:
    """deposit.do, reverse.do, refund.do answer only errorCode (and a message)."""
    shape = Shape(exchange.endpoint if exchange else "operation", json_reply(exchange))
    shape.need("errorCode", _ok_code, '0 or "0"')
    return shape.summary()


def callback_vector(api_url: str, settings: dict[str, object]) -> str:
    if not settings.get("CALLBACK_KEY"):
        raise Skip("RBS_CALLBACK_KEY is empty: the shop refuses every RBS callback")
    client = rbs.PROVIDER.connect(api_url, {**settings, "CALLBACK_KEY": VECTOR_KEY}, UNWIRED)
    notice = client.read_callback({**VECTOR, "checksum": VECTOR_CHECKSUM})
    forged = client.read_callback({**VECTOR, "amount": "1501", "checksum": VECTOR_CHECKSUM})
    if notice is None or not notice.genuine:
        raise Fail("the shop does not verify rbs.md 5.2's example (key 123, 9F8253A6...)")
    if forged is not None and forged.genuine:
        raise Fail("the shop accepts rbs.md 5.2's checksum for a changed amount")
    return "rbs.md 5.2's example (key 123) verifies as 9F8253A6..., a changed amount does not"


def dialect(exchanges: Iterable[Exchange]) -> str:
    """Which of rbs.md 8.1's forms the gateway writes errorCode in, from its successful answers."""
    forms: dict[str, str] = {}
    for exchange in exchanges:
        try:
            body = json.loads(exchange.response_text) if exchange.http_status == 200 else None
        except ValueError:
            continue
        code = body.get("errorCode") if isinstance(body, dict) else "unread"
        if isinstance(body, dict) and _ok_code(code):
            forms.setdefault(exchange.endpoint, kind(code))
    if not forms:
        raise Skip("no successful RBS answer to read")
    register = {forms.get(NAMES["register"]), forms.get(NAMES["preauth"])} - {None}
    managing = {forms[m] for m in ("deposit.do", "reverse.do", "refund.do") if m in forms}
    votes = {"bpc" for form in managing if form == "integer"}
    votes |= {"sber" for form in managing if form == "string"}
    votes |= {"bpc" if form == "string" else "sber" for form in register if form != "integer"}
    name = votes.pop() if len(votes) == 1 else "mixed"
    said = ", ".join(f"{method} {form}" for method, form in forms.items())
    return f"{name} (errorCode on success: {said}); the shop reads both"
