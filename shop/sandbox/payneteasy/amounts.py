"""Amounts: major units with a dot on the wire, integer minor units inside (never floats)."""

from __future__ import annotations

import re
from decimal import Decimal

from shop.sandbox.common.i18n import money

_AMOUNT = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")


def parse_amount(raw: str) -> int | None:
    """Turn '10.42', '10.5' or '100' into minor units; None unless positive with <= 2 decimals."""
    if not _AMOUNT.match(raw):
        return None
    minor = int(Decimal(raw) * 100)
    return minor if minor > 0 else None


def major(minor: int) -> str:
    """Write minor units as the gateway answers them: '100.00'."""
    return f"{Decimal(minor).scaleb(-2):.2f}"


def display(minor: int, currency: str) -> str:
    """Show an amount on the hosted pages, as their language writes it: '1 234,50 ₽'."""
    return money(minor, currency)
