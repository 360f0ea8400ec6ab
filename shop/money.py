"""Money as integer minor units plus an ISO 4217 currency; Decimal only for display."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency

# One currency type for the whole shop, defined with the gateway contract so that the
# clients stay free of the shop (and of Babel).
from shop.payments.gateways.base import Currency

__all__ = ["Currency", "format_money", "parse_major", "to_major"]


def to_major(minor: int, currency: Currency) -> Decimal:
    """Exact major units, e.g. 12345 kopecks -> Decimal('123.45')."""
    return Decimal(minor).scaleb(-currency.exponent)


# A catalog page shows the same dozen prices to everyone, and Babel is slow: each
# (amount, currency, locale) is formatted once per process. The key names the locale, so
# every language keeps its own strings.
@lru_cache(maxsize=4096)
def format_money(minor: int, currency: Currency, locale: str) -> str:
    """Format an amount for people in the given locale."""
    return format_currency(to_major(minor, currency), currency.alpha, locale=locale)


def parse_major(text: str, currency: Currency) -> int:
    """'123.45' typed by a person -> 12345 minor units; anything inexact is refused."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except ArithmeticError as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    minor = value.scaleb(currency.exponent)
    if not value.is_finite() or minor != minor.to_integral_value() or minor < 0:
        raise ValueError(f"not an amount in {currency.alpha}: {text!r}")
    return int(minor)
