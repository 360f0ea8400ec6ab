"""Parse the payment page's card form; reject bad input before anything changes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
        raise CardFormError("Enter the card number: 13 to 19 digits.")
    expiration = _parse_expiry(form.get("expiry", "").strip(), now_s)
    cvc = form.get("cvc", "").strip()
    if not cvc.isdigit() or len(cvc) not in (3, 4):
        raise CardFormError("Enter the CVC: the 3 digits on the back of the card.")
    name = " ".join(form.get("cardholder", "").split()).upper()
    if len(name) > 100:
        raise CardFormError("The cardholder name is too long (100 characters at most).")
    return CardInput(pan=pan, cvc=cvc, expiration=expiration, cardholder_name=name)


def _parse_expiry(raw: str, now_s: float) -> str:
    """Turn MM/YY (or MM/YYYY) into YYYYMM, refusing past or impossible dates."""
    match = _EXPIRY.match(raw)
    if match is None:
        raise CardFormError("Enter the expiry date as MM/YY, for example 12/30.")
    month, year = int(match[1]), int(match[2])
    if len(match[2]) == 2:
        year += 2000
    if not 1 <= month <= 12:
        raise CardFormError("The expiry month must be between 01 and 12.")
    today = datetime.fromtimestamp(now_s, UTC)
    if (year, month) < (today.year, today.month):
        raise CardFormError("This card has expired: use any future expiry date.")
    return f"{year:04d}{month:02d}"
