"""Validate register.do and registerPreAuth.do parameters as the gateway does (rbs.md 2.1-2.3)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from shop.sandbox.common import origins
from shop.sandbox.rbs.amounts import CURRENCIES, DEFAULT_CURRENCY
from shop.sandbox.rbs.wire import ApiError

DEFAULT_SESSION_TIMEOUT_SECS = 1200
_LANGUAGE = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True)
class RegisterCall:
    """A validated registration, ready to become an order."""

    order_number: str
    amount: int
    currency: str
    return_url: str
    fail_url: str | None
    callback_url: str | None
    description: str
    language: str
    email: str | None
    session_timeout_secs: int
    json_params: str


def parse_register(params: Mapping[str, str]) -> RegisterCall:
    """Check each parameter in turn and raise the gateway's ApiError for the first bad one."""
    order_number = params.get("orderNumber", "")
    if not order_number:
        raise ApiError("4", "Order number is empty")
    if len(order_number) > 36:
        raise ApiError("1", "Invalid order number")
    return RegisterCall(
        order_number=order_number,
        amount=_amount(params.get("amount")),
        currency=_currency(params.get("currency")),
        return_url=_url(params.get("returnUrl"), "return", required=True) or "",
        fail_url=_url(params.get("failUrl"), "fail", required=False),
        callback_url=_url(params.get("dynamicCallbackUrl"), "callback", required=False),
        description=_limited(params.get("description", ""), 598, "description"),
        language=_language(params.get("language")),
        email=_limited(params.get("email", ""), 40, "email") or None,
        session_timeout_secs=_timeout(params.get("sessionTimeoutSecs")),
        json_params=_json_params(params.get("jsonParams")),
    )


def _amount(raw: str | None) -> int:
    """Accept only a positive integer of minor units, at most 12 digits."""
    if not raw:
        raise ApiError("4", "Amount is empty")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) == 0:
        raise ApiError("5", "Invalid amount")
    return int(raw)


def _currency(raw: str | None) -> str:
    """Default to roubles; refuse codes the merchant is not set up for."""
    if not raw:
        return DEFAULT_CURRENCY
    if raw not in CURRENCIES:
        raise ApiError("3", "Unknown currency")
    return raw


def _url(raw: str | None, kind: str, *, required: bool) -> str | None:
    """Demand an absolute http(s) URL (a relative one strands the payer) on an allowed origin."""
    if not raw:
        if required:
            raise ApiError("4", f"The {kind} URL is empty")
        return None
    if len(raw) > 512 or origins.origin_of(raw) is None:
        raise ApiError("4", f"The {kind} URL is invalid")
    if not origins.allowed(raw):
        raise ApiError("4", f"The {kind} URL is not on an allowed origin ({origins.SETTING})")
    return raw


def _language(raw: str | None) -> str:
    """Take a two-letter ISO 639-1 code, default English."""
    if not raw:
        return "en"
    if not _LANGUAGE.match(raw):
        raise ApiError("5", "Invalid language")
    return raw.lower()


def _timeout(raw: str | None) -> int:
    """Read sessionTimeoutSecs: a positive integer of up to 9 digits."""
    if not raw:
        return DEFAULT_SESSION_TIMEOUT_SECS
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) == 0:
        raise ApiError("5", "Invalid sessionTimeoutSecs")
    return int(raw)


def _json_params(raw: str | None) -> str:
    """Require a JSON object; keep it normalized for the status echo."""
    if not raw:
        return "{}"
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise ApiError("5", "Invalid jsonParams") from None
    if not isinstance(value, dict):
        raise ApiError("5", "Invalid jsonParams")
    return json.dumps(value, ensure_ascii=False)


def _limited(raw: str, limit: int, name: str) -> str:
    """Refuse a field longer than the gateway's column."""
    if len(raw) > limit:
        raise ApiError("5", f"Invalid {name}")
    return raw
