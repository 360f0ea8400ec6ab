"""The hosted pages' card form: parse it (refusing bad input before anything changes), mask a
PAN, name its scheme. Full numbers and CVCs live only for the request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _

_EXPIRY = re.compile(r"^(\d{2})\s*/\s*(\d{2}|\d{4})$")
_SEPARATORS = re.compile(r"[\s-]")


@dataclass(frozen=True)
class CardInput:
    """Card data for one attempt; it lives only for the request (repr hides PAN and CVC)."""

    pan: str = field(repr=False)
    cvc: str = field(repr=False)
    expiration: str  # YYYYMM
    cardholder_name: str


class CardFormError(ValueError):
    """Input the page must reject with a message the payer can act on."""


def parse_card_form(form: Mapping[str, str], now_s: float) -> CardInput:
    """Validate number, expiry, CVC and name, or raise CardFormError."""
    pan = _SEPARATORS.sub("", form.get("pan", ""))
    if not pan.isdigit() or not 13 <= len(pan) <= 19:
        raise CardFormError(_("Enter the card number: 13 to 19 digits."))
    expiration = _parse_expiry(form.get("expiry", "").strip(), now_s)
    cvc = form.get("cvc", "").strip()
    if not cvc.isdigit() or len(cvc) not in (3, 4):
        raise CardFormError(_("Enter the CVC: the 3 digits on the back of the card."))
    name = " ".join(form.get("cardholder", "").split()).upper()
    if len(name) > 100:
        raise CardFormError(_("The cardholder name is too long (100 characters at most)."))
    return CardInput(pan=pan, cvc=cvc, expiration=expiration, cardholder_name=name)


def _parse_expiry(raw: str, now_s: float) -> str:
    """Turn MM/YY (or MM/YYYY) into YYYYMM, refusing past or impossible dates."""
    match = _EXPIRY.match(raw)
    if match is None:
        raise CardFormError(_("Enter the expiry date as MM/YY, for example 12/30."))
    month, year = int(match[1]), int(match[2])
    if len(match[2]) == 2:
        year += 2000
    if not 1 <= month <= 12:
        raise CardFormError(_("The expiry month must be between 01 and 12."))
    today = datetime.fromtimestamp(now_s, UTC)
    if (year, month) < (today.year, today.month):
        raise CardFormError(_("This card has expired: use any future expiry date."))
    return f"{year:04d}{month:02d}"


def mask_pan(pan: str) -> str:
    """Keep the first six and last four digits, as the gateway reports them."""
    return f"{pan[:6]}**{pan[-4:]}"


def payment_system(pan: str) -> str:
    """Name the card scheme from the number's prefix."""
    if pan.startswith("4"):
        return "VISA"
    prefix4 = int(pan[:4])
    if 2200 <= prefix4 <= 2204:
        return "MIR"
    if 51 <= int(pan[:2]) <= 55 or 2221 <= prefix4 <= 2720:
        return "MASTERCARD"
    return "UNKNOWN"
