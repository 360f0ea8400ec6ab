"""The `ignored` fault: the gateway answers as if it had accepted the call, and does nothing.

RBS says errorCode "0"; PaynetEasy sends a well-formed async-response naming the request's
orders, with a fresh serial-number that no later status call knows. A client that counts a
capture or a refund on that answer alone, without a status call confirming it, is wrong.
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Request

from shop.sandbox import BODY_LIMIT
from shop.sandbox.payneteasy.wire import CONTENT_TYPE as PNE_CONTENT_TYPE
from shop.sandbox.payneteasy.wire import encode, serial_number

RBS_CONTENT_TYPE = "application/json;charset=UTF-8"
RBS_ACCEPTED = json.dumps({"errorCode": "0", "errorMessage": "Success"}, separators=(",", ":"))


def answer(provider: str, environ: dict) -> tuple[bytes, str]:
    """The accepted-looking body and its content type; the real handler never runs.

    Reading the PaynetEasy ids raises RequestEntityTooLarge past the sandbox's body limit."""
    if provider != "payneteasy":
        return RBS_ACCEPTED.encode(), RBS_CONTENT_TYPE
    request = Request(environ)
    request.max_content_length = BODY_LIMIT
    form = request.form
    fields = [
        ("type", "async-response"),
        ("serial-number", serial_number()),
        ("merchant-order-id", form.get("client_orderid", "").strip()),
        ("paynet-order-id", form.get("orderid", "").strip()),
    ]
    return encode(fields).encode(), PNE_CONTENT_TYPE
