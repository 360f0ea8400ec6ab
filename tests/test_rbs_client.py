"""The RBS client's parsing of the wire format, against the examples in gateways/rbs.md."""

import pytest

from shop.payments.gateways.base import Outcome, PaymentRef
from shop.payments.gateways.errors import GatewayProtocolError
from shop.payments.gateways.rbs import (
    RbsClient,
    callback_checksum,
    error_code,
    outcome_of,
    parse_status,
)

PAID_EXAMPLE = {
    "errorCode": "0", "errorMessage": "Успешно", "orderNumber": "837", "orderStatus": 2,
    "actionCode": 0, "actionCodeDescription": "", "amount": 550000, "currency": "643",
    "date": 1587020974315, "orderDescription": "", "ip": "176.14.117.11",
    "merchantOrderParams": [], "transactionAttributes": [],
    "attributes": [{"name": "mdOrder", "value": "66c0640d-c88c-76e6-9dfa-c4ff5e34c9d9"}],
    "cardAuthInfo": {"maskedPan": "411111**1111", "expiration": "202412",
                     "cardholderName": "CARDHOLDER NAME", "approvalCode": "123456",
                     "pan": "411111**1111"},
    "authDateTime": 1587021008713, "terminalId": "123456", "authRefNum": "088417256908",
    "paymentAmountInfo": {"paymentState": "DEPOSITED", "approvedAmount": 550000,
                          "depositedAmount": 550000, "refundedAmount": 0},
    "bankInfo": {"bankName": "TEST CARD", "bankCountryCode": "RU", "bankCountryName": "Россия"},
}  # fmt: skip

EXPIRED_EXAMPLE = {
    "errorCode": "0", "errorMessage": "Успешно", "orderNumber": "96", "orderStatus": 6,
    "actionCode": -2007, "actionCodeDescription": "Истек срок ожидания ввода данных.",
    "amount": 35000, "currency": "643", "date": 1567576474073, "orderDescription": "",
    "merchantOrderParams": [], "attributes": [{"name": "mdOrder", "value": "9d5ec036"}],
    "terminalId": "21224205",
    "paymentAmountInfo": {"paymentState": "DECLINED", "approvedAmount": 0,
                          "depositedAmount": 0, "refundedAmount": 0},
    "bankInfo": {"bankCountryCode": "UNKNOWN", "bankCountryName": "<Неизвестно>"},
}  # fmt: skip


def test_paid_example_parses_to_deposited():
    status = parse_status(PAID_EXAMPLE)
    assert status.outcome is Outcome.DEPOSITED
    assert (status.amount, status.currency, status.order_number) == (550000, "643", "837")
    assert status.masked_pan == "411111**1111"
    assert (status.captured_amount, status.refunded_amount) == (550000, 0)


def test_expired_example_parses_to_expired():
    status = parse_status(EXPIRED_EXAMPLE)
    assert status.outcome is Outcome.EXPIRED
    assert status.action_code == "-2007"


@pytest.mark.parametrize(
    ("order_status", "action_code", "outcome"),
    [
        (0, -100, Outcome.CREATED),
        (1, 0, Outcome.AUTHORIZED),
        (2, 0, Outcome.DEPOSITED),
        (3, 0, Outcome.REVERSED),
        (4, 0, Outcome.REFUNDED),
        (5, 0, Outcome.PROCESSING),
        (6, -2006, Outcome.DECLINED),
        (6, -2007, Outcome.EXPIRED),
    ],
)
def test_every_order_status_maps_to_an_outcome(order_status, action_code, outcome):
    assert outcome_of(order_status, action_code) is outcome


def test_unknown_order_status_is_a_protocol_error():
    with pytest.raises(GatewayProtocolError):
        outcome_of(42, 0)


@pytest.mark.parametrize(
    ("body", "code"),
    [({}, 0), ({"errorCode": "0"}, 0), ({"errorCode": 0}, 0), ({"errorCode": "5"}, 5),
     ({"errorCode": 5}, 5), ({"ErrorCode": "6"}, 6), ({"errorCode": ""}, 0)],
)  # fmt: skip
def test_error_code_is_normalized_whatever_its_type(body, code):
    assert error_code(body) == code


@pytest.mark.parametrize(
    "body",
    [
        {"errorCode": "0"},
        {**PAID_EXAMPLE, "orderStatus": "two"},
        {**PAID_EXAMPLE, "amount": None},
        {**PAID_EXAMPLE, "amount": True},
    ],
)
def test_status_without_usable_fields_is_a_protocol_error(body):
    with pytest.raises(GatewayProtocolError):
        parse_status(body)


def test_callback_checksum_matches_the_official_symmetric_vector():
    params = {
        "amount": "1500",
        "mdOrder": "ed6f3abf-cea0-427e-afdf-0ba43ead124f",
        "operation": "deposited",
        "orderNumber": "89312",
        "status": "1",
    }
    expected = "9F8253A6BB7777D067DD955751119FA5AAF67B14B9215147190F96B505CDB72C"
    assert callback_checksum(params, "123") == expected
    signed = {**params, "checksum": expected, "sign_alias": "SHA-256 with RSA"}
    assert callback_checksum(signed, "123") == expected  # checksum and sign_alias not signed


def client(callback_key: str) -> RbsClient:
    return RbsClient("http://127.0.0.1:9/payment/rest/", "u", "p", callback_key=callback_key)


def test_callbacks_verify_only_with_the_right_key_and_fail_closed_without_one():
    params = {"mdOrder": "m-1", "orderNumber": "RS1-1-ab", "operation": "deposited", "status": "1"}
    signed = {**params, "checksum": callback_checksum(params, "k3y")}
    assert _genuine(client("k3y"), signed)
    assert _genuine(client("k3y"), {**signed, "checksum": signed["checksum"].lower()})
    assert not _genuine(client("other"), signed)
    assert not _genuine(client(""), signed)
    assert not _genuine(client("k3y"), params)
    assert not _genuine(client("k3y"), {**signed, "status": "0"})


def test_a_return_belongs_only_to_its_own_gateway_order():
    ref = PaymentRef("RS1-1-ab", "66c0640d-c88c-76e6-9dfa-c4ff5e34c9d9")
    rbs = client("")
    assert rbs.read_return({"orderId": "66c0640d-c88c-76e6-9dfa-c4ff5e34c9d9"}, ref)
    assert not rbs.read_return({"orderId": "another"}, ref)
    assert not rbs.read_return({}, ref)
    assert not rbs.read_return({"orderId": ""}, PaymentRef("RS1-1-ab"))


def _genuine(gateway, params) -> bool:
    """Whether the client reads a callback as signed (and naming a payment)."""
    notice = gateway.read_callback(params)
    return notice is not None and notice.genuine


@pytest.mark.parametrize(
    ("payment_way", "paid_with"),
    [
        ("CARD", "card"),
        ("CARD_BINDING", "card"),  # a saved card is still a card
        ("APPLE_PAY", "apple_pay"),
        ("GOOGLE_PAY_TOKENIZED", "google_pay"),
        ("GOOGLE_PAY_CARD", "google_pay"),
        ("SAMSUNG_PAY", "samsung_pay"),
        ("google_pay_tokenized", "google_pay"),
        ("SBP_C2B", ""),  # another way to pay: the shop does not guess
        ("CARDS", ""),  # not the CARD family
        ("", ""),
        (None, ""),
        (7, ""),
    ],
)
def test_payment_way_is_read_into_the_neutral_paid_with(payment_way, paid_with):
    assert parse_status({**PAID_EXAMPLE, "paymentWay": payment_way}).paid_with == paid_with


def test_a_status_without_payment_way_says_nothing_of_how_it_was_paid():
    # rbs.md 3.4's real answers predate paymentWay (v9+): a masked card does not imply "card"
    assert parse_status(PAID_EXAMPLE).paid_with == ""
