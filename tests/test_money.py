"""Money: integers in minor units, exact conversions, Babel formatting per locale."""

from decimal import Decimal

import pytest

from shop.money import Currency, format_money, parse_major, to_major


@pytest.mark.parametrize(
    ("code", "alpha", "numeric"),
    [("RUB", "RUB", "643"), ("643", "RUB", "643"), ("eur", "EUR", "978"), ("978", "EUR", "978")],
)
def test_currency_accepts_either_code(code, alpha, numeric):
    currency = Currency.from_code(code)
    assert (currency.alpha, currency.numeric) == (alpha, numeric)


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="unsupported currency"):
        Currency.from_code("XYZ")


def test_conversion_is_exact_without_floats():
    rub = Currency.from_code("RUB")
    assert to_major(1000999, rub) == Decimal("10009.99")
    assert to_major(5, rub) == Decimal("0.05")
    assert to_major(100, Currency.from_code("EUR")) == Decimal("1.00")


@pytest.mark.parametrize(
    ("minor", "code", "locale", "expected"),
    [
        (89000, "RUB", "en", "RUB890.00"),
        (89000, "EUR", "en", "€890.00"),
        (123456, "EUR", "de_DE", "1.234,56\xa0€"),
        (89000, "RUB", "ru", "890,00\xa0₽"),
    ],
)
def test_formatting_follows_the_locale(minor, code, locale, expected):
    assert format_money(minor, Currency.from_code(code), locale) == expected


@pytest.mark.parametrize(
    ("text", "minor"), [("12.50", 1250), ("12,5", 1250), ("7", 700), (" 0.01 ", 1)]
)
def test_typed_amounts_are_parsed_exactly(text, minor):
    assert parse_major(text, Currency.from_code("RUB")) == minor


@pytest.mark.parametrize("text", ["1.001", "-5", "abc", "NaN", "Infinity", ""])
def test_inexact_or_nonsense_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_major(text, Currency.from_code("EUR"))
