"""The SHA-1 controls, pinned to the golden vectors of the research notes."""

from __future__ import annotations

from shop.sandbox.payneteasy.amounts import major, parse_amount
from shop.sandbox.payneteasy.signing import (
    form_control,
    matches,
    result_control,
    sha1_hex,
    status_control,
    tx_control,
)


def test_sale_form_golden_vector():
    control = form_control(
        "1111", "902B4FF5", 1042, "john.smith@gmail.com", "B17F59B4-A7DC-41B4-8FF9-37D986B43D20"
    )

    assert control == "c6bdd88a78834ef4b863b088827a459f039e8257"


def test_status_golden_vector():
    control = status_control(
        "CogentPayments_LP", "902B4FF56", "1969105", "1B962E87-86C5-4863-90B2-FB58D8721717"
    )

    assert control == "c54407a47dd7c7a2f32825fe3c462fb534600608"


def test_redirect_and_callback_golden_vector():
    control = result_control(
        "approved", "313635", "902B4FF5", "99347351-273F-4D88-84B4-89793AE62D94"
    )

    assert control == "d67cd0f82e92b28dfd1d6a702c24213ee1de6d76"


def test_key_is_used_verbatim_not_lower_cased():
    key = "99347351-273F-4D88-84B4-89793AE62D94"

    assert result_control("approved", "313635", "902B4FF5", key.lower()) != (
        "d67cd0f82e92b28dfd1d6a702c24213ee1de6d76"
    )


def test_capture_and_return_sign_amount_and_currency_only_when_sent():
    without = tx_control("login", "c1", "77", None, "", "KEY")
    with_amount = tx_control("login", "c1", "77", 1050, "RUB", "KEY")

    assert without == sha1_hex("login", "c1", "77", "KEY")
    assert with_amount == sha1_hex("login", "c1", "77", "1050RUB", "KEY")


def test_utf8_bytes_are_hashed_and_hex_is_lowercase():
    assert sha1_hex("заказ") == "b1b985f0a38244251a987ed489025b5a01239681"


def test_client_control_may_be_upper_or_lower_case():
    expected = "c6bdd88a78834ef4b863b088827a459f039e8257"

    assert matches(expected, expected)
    assert matches(expected, expected.upper())
    assert not matches(expected, expected[:-1] + "0")
    assert not matches(expected, "")
    assert not matches(expected, "\u0441" + expected[1:])  # a Cyrillic es instead of the c


def test_amounts_parse_to_exact_minor_units():
    assert parse_amount("10.42") == 1042
    assert parse_amount("19.99") == 1999
    assert parse_amount("0.29") == 29
    assert parse_amount("10.5") == 1050
    assert parse_amount("100") == 10000
    for bad in ("1.999", "-1", "abc", "0", "0.00", "1e3", "1,50", " 1", "", "1.", ".5"):
        assert parse_amount(bad) is None, bad
    assert major(10000) == "100.00" and major(29) == "0.29" and major(1050) == "10.50"
