"""Reply shapes: the fields the shop reads from a gateway's answer and the types it expects,
checked on the text the client received (as the event log keeps it, payer data masked)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from shop.payments.conformance.runner import Fail
from shop.payments.gateways.transport import Exchange


def kind(value: object) -> str:
    """A JSON value's type in the words of the gateways' documentation."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number with a fraction"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "object"


def json_reply(exchange: Exchange | None) -> dict[str, object]:
    """The JSON object an exchange answered, or Fail saying what came instead."""
    if exchange is None or exchange.http_status is None:
        raise Fail("no answer to read")
    try:
        body = json.loads(exchange.response_text)
    except ValueError as exc:
        cut = " (cut at 4000 characters?)" if len(exchange.response_text) >= 4000 else ""
        raise Fail(f"{exchange.endpoint} answered something that is not JSON{cut}") from exc
    if not isinstance(body, dict):
        raise Fail(f"{exchange.endpoint} answered JSON that is not an object")
    return body


def whole(value: object) -> bool:
    """An integer, or a string of digits (which the shop reads as one)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.lstrip("-").isdigit())


class Shape:
    """Collects what a reply's fields are; each `need` fails at once with the field's path."""

    def __init__(self, endpoint: str, body: Mapping[str, object]) -> None:
        self.endpoint = endpoint
        self.body = body
        self.seen: list[str] = []

    def need(self, name: str, test, wanted: str, within: Mapping[str, object] | None = None):
        value = (self.body if within is None else within).get(name)
        if not test(value):
            shown = json.dumps(value, ensure_ascii=False) if value is not None else "absent"
            raise Fail(
                f"{self.endpoint}: {name} is {shown} ({kind(value)}); the shop needs {wanted}"
            )
        self.seen.append(f"{name} {kind(value)}")
        return value

    def summary(self) -> str:
        return ", ".join(self.seen)
