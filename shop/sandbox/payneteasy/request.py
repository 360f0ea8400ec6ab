"""Validate the API's parameters as the gateway does, before any control is checked: a
sale-form or preauth-form request field by field, the order ids and the optional amount."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shop.sandbox.common import origins
from shop.sandbox.payneteasy.amounts import parse_amount
from shop.sandbox.payneteasy.wire import validation_error

_ORDER_ID = re.compile(r"^[0-9]{1,18}$")
REQUIRED = ("client_orderid", "order_desc", "amount", "currency", "email", "control")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
URL_LIMIT = 1024


@dataclass(frozen=True)
class FormRequest:
    """A well-formed payment form request; its control is checked separately."""

    client_orderid: str
    description: str
    amount: int
    currency: str
    email: str
    control: str
    redirect_url: str | None
    redirect_success_url: str | None
    redirect_fail_url: str | None
    server_callback_url: str | None
    notify_url: str | None
    merchant_data: str | None
    phone: str
    ipaddress: str
    preferred_language: str  # two letters, lower case; "" when absent or not a language code


def parse_form_request(params: Mapping[str, str]) -> FormRequest:
    """Check the mandatory fields and formats; raise a validation-error for the first bad one."""
    for name in REQUIRED:
        if not params.get(name):
            raise validation_error(f"Missing required field: {name}")
    client_orderid = params["client_orderid"]
    if len(client_orderid) > 128:
        raise validation_error("client_orderid is longer than 128 characters")
    amount = parse_amount(params["amount"])
    if amount is None:
        raise validation_error("Invalid amount: a positive number with at most 2 decimals")
    if not _CURRENCY.match(params["currency"]):
        raise validation_error("Invalid currency: three letters, e.g. RUB")
    if len(params["email"]) > 100 or not _EMAIL.match(params["email"]):
        raise validation_error("Invalid email")
    _require_redirect(params)
    _limit(params, "order_desc", 65535)
    _limit(params, "merchant_data", 4096)
    return FormRequest(
        client_orderid=client_orderid,
        description=params["order_desc"],
        amount=amount,
        currency=params["currency"].upper(),
        email=params["email"],
        control=params["control"],
        redirect_url=optional_url(params, "redirect_url"),
        redirect_success_url=optional_url(params, "redirect_success_url"),
        redirect_fail_url=optional_url(params, "redirect_fail_url"),
        server_callback_url=optional_url(params, "server_callback_url"),
        notify_url=optional_url(params, "notify_url"),
        merchant_data=params.get("merchant_data") or None,
        phone=params.get("phone", "")[:32],
        ipaddress=params.get("ipaddress", "")[:45],
        preferred_language=_language(params.get("preferred_language", "")),
    )


def _language(raw: str) -> str:
    """The hosted form's language: optional, and ignored rather than refused when odd."""
    code = raw.strip().lower()
    return code if _LANGUAGE.match(code) else ""


def _limit(params: Mapping[str, str], name: str, limit: int) -> None:
    """Refuse a free-text field longer than the gateway keeps."""
    if len(params.get(name, "")) > limit:
        raise validation_error(f"{name} is longer than {limit} characters")


def _require_redirect(params: Mapping[str, str]) -> None:
    """Demand redirect_url, or both redirect_success_url and redirect_fail_url."""
    both = params.get("redirect_success_url") and params.get("redirect_fail_url")
    if not params.get("redirect_url") and not both:
        raise validation_error(
            "Missing required field: redirect_url (or redirect_success_url and redirect_fail_url)"
        )


def optional_url(params: Mapping[str, str], name: str) -> str | None:
    """Accept nothing, or an absolute http(s) URL (never relative) on an allowed origin."""
    raw = params.get(name, "")
    if not raw:
        return None
    if len(raw) > URL_LIMIT or origins.origin_of(raw) is None:
        raise validation_error(f"Invalid {name}: an absolute http(s) URL is required")
    if not origins.allowed(raw):
        raise validation_error(f"Invalid {name}: not on an allowed origin ({origins.SETTING})")
    return raw


def order_ids(params: Mapping[str, str], *, orderid_required: bool) -> tuple[str, str]:
    """Read client_orderid and orderid (the gateway's integer id)."""
    client_orderid, orderid = params.get("client_orderid", ""), params.get("orderid", "")
    if not client_orderid:
        raise validation_error("Missing required field: client_orderid")
    if orderid_required and not orderid:
        raise validation_error("Missing required field: orderid")
    if orderid and not _ORDER_ID.match(orderid):
        raise validation_error("Invalid orderid")
    return client_orderid, orderid


def optional_amount(params: Mapping[str, str]) -> tuple[int | None, str | None]:
    """Read an optional partial amount; currency is then mandatory."""
    raw = params.get("amount", "")
    if not raw:
        return None, None
    amount = parse_amount(raw)
    if amount is None:
        raise validation_error("Invalid amount: a positive number with at most 2 decimals")
    currency = params.get("currency", "")
    if not currency:
        raise validation_error("Missing required field: currency (mandatory with amount)")
    if not _CURRENCY.match(currency):
        raise validation_error("Invalid currency: three letters, e.g. RUB")
    return amount, currency
