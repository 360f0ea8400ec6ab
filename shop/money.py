"""Money as integer minor units plus an ISO 4217 currency; Decimal only for display."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision

# ISO 4217 numeric codes the gateways expect, by alphabetic code.
NUMERIC_CODES: dict[str, str] = {"RUB": "643", "EUR": "978", "USD": "840"}
ALPHA_CODES: dict[str, str] = {numeric: alpha for alpha, numeric in NUMERIC_CODES.items()}


@dataclass(frozen=True)
class Currency:
    """One shop currency: the alpha code people read and the numeric code gateways read."""

    alpha: str
    numeric: str

    @property
    def exponent(self) -> int:
        return get_currency_precision(self.alpha)

    @classmethod
    def from_code(cls, code: str) -> Currency:
        """Accept either form ("RUB" or "643"), refusing what the shop cannot sell in."""
        code = code.strip().upper()
        if code in NUMERIC_CODES:
            return cls(code, NUMERIC_CODES[code])
        if code in ALPHA_CODES:
            return cls(ALPHA_CODES[code], code)
        raise ValueError(f"unsupported currency {code!r}; use one of {sorted(NUMERIC_CODES)}")


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
