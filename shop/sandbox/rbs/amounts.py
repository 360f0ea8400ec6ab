"""Amounts: integer minor units on the wire, an ISO 4217 numeric currency code; the merchant's
currencies, and how the hosted pages show an amount."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 numeric -> alpha code; 810 is the old rouble that legacy test stands still report.
CURRENCIES: dict[str, str] = {
    "643": "RUB",
    "978": "EUR",
    "840": "USD",
    "810": "RUR",
    "933": "BYN",
    "398": "KZT",
}
DEFAULT_CURRENCY = "643"


def display(minor_units: int, currency: str) -> str:
    """Show minor units as '1,234.50 RUB' (every accepted currency has two decimals)."""
    major = Decimal(minor_units).scaleb(-2)
    return f"{major:,.2f} {CURRENCIES.get(currency, currency)}"
