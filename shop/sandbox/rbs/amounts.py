"""Amounts: integer minor units on the wire, an ISO 4217 numeric currency code; the merchant's
currencies, and how the hosted pages show an amount."""

from __future__ import annotations

from shop.sandbox.common.i18n import money

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
    """Show minor units as the page's language writes them: 'RUB1,234.50', '1 234,50 ₽'."""
    return money(minor_units, CURRENCIES.get(currency, currency))
