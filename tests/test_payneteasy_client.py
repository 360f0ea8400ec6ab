"""The PaynetEasy client's controls, amounts and parsing, against gateways/payneteasy.md."""

import pytest

from shop.payments.gateways.base import Outcome, PaymentRef
from shop.payments.gateways.errors import (
    GatewayOrderNotFound,
    GatewayProtocolError,
    GatewayRejected,
)
from shop.payments.gateways.payneteasy import (
    PaynetEasyClient,
    form_control,
    major_units,
    minor_units,
    outcome_of,
    parse_body,
    parse_status,
    redirect_control,
    status_control,
)


def test_golden_vector_of_the_sale_form_control():
    control = form_control(
        "1111", "902B4FF5", 1042, "john.smith@gmail.com", "B17F59B4-A7DC-41B4-8FF9-37D986B43D20"
    )
    assert control == "c6bdd88a78834ef4b863b088827a459f039e8257"


def test_golden_vector_of_the_status_control():
    control = status_control(
        "CogentPayments_LP", "902B4FF56", "1969105", "1B962E87-86C5-4863-90B2-FB58D8721717"
    )
    assert control == "c54407a47dd7c7a2f32825fe3c462fb534600608"


def test_golden_vector_of_the_redirect_and_callback_control():
    control = redirect_control("approved", "313635", "902B4FF5", KEY)
    assert control == "d67cd0f82e92b28dfd1d6a702c24213ee1de6d76"


KEY = "99347351-273F-4D88-84B4-89793AE62D94"
REDIRECT = {  # a real final redirect from a PaynetEasy white-label sandbox (payneteasy.md §3)
    "error_message": "", "processor-tx-id": "PNTEST-313635", "merchant_order": "902B4FF5",
    "orderid": "313635", "client_orderid": "902B4FF5", "bin": "444455",
    "control": "d67cd0f82e92b28dfd1d6a702c24213ee1de6d76", "type": "sale",
    "card-type": "VISA", "last-four-digits": "1111", "status": "approved",
}  # fmt: skip


def pne(key: str = KEY) -> PaynetEasyClient:
    return PaynetEasyClient("http://127.0.0.1:9/paynet/api/v2", endpoint_id="1", login="l",
                            control_key=key)  # fmt: skip


def test_the_real_final_redirect_verifies_for_its_own_payment_only():
    ref = PaymentRef("902B4FF5", "313635")
    assert pne().read_return(REDIRECT, ref)
    assert pne().read_return({**REDIRECT, "control": REDIRECT["control"].upper()}, ref)
    assert not pne().read_return(REDIRECT, PaymentRef("902B4FF5", "313636"))
    assert not pne().read_return(REDIRECT, PaymentRef("OTHER", "313635"))
    assert not pne().read_return({**REDIRECT, "status": "declined"}, ref)
    assert not pne("another-key").read_return(REDIRECT, ref)
    assert not _genuine(pne(""), REDIRECT)


@pytest.mark.parametrize(
    ("minor", "major"),
    [(1042, "10.42"), (1050, "10.50"), (94, "0.94"), (1999, "19.99"), (0, "0.00")],
)
def test_amounts_convert_both_ways_without_floats(minor, major):
    assert major_units(minor) == major
    assert minor_units(major) == minor


@pytest.mark.parametrize("text", ["1.999", "abc", "-1", ""])
def test_unreadable_amounts_are_protocol_errors(text):
    with pytest.raises(GatewayProtocolError):
        minor_units(text)


def test_body_values_are_decoded_and_trimmed():
    body = (
        "type=async-form-response\n&serial-number=00000000-0000-0000-0000-0000035a951a\n"
        "&merchant-order-id=902B4F\n&paynet-order-id=2250976\n&status=processing\n"
        "&redirect-url=https%3A%2F%2Fsandbox.example%2Fform%3Fid%3D1\n"
    )
    parsed = parse_body(body)
    assert parsed["status"] == "processing"
    assert parsed["redirect-url"] == "https://sandbox.example/form?id=1"
    assert parsed["paynet-order-id"] == "2250976"


@pytest.mark.parametrize(
    ("transaction", "status", "outcome"),
    [
        ("sale", "approved", Outcome.DEPOSITED),
        ("preauth", "approved", Outcome.AUTHORIZED),
        ("sale", "processing", Outcome.PROCESSING),
        ("sale", "unknown", Outcome.PROCESSING),
        ("sale", "declined", Outcome.DECLINED),
        ("sale", "filtered", Outcome.DECLINED),
        ("sale", "error", Outcome.DECLINED),
        ("capture", "approved", Outcome.DEPOSITED),
        ("capture", "declined", Outcome.AUTHORIZED),
        ("cancel", "approved", Outcome.REVERSED),
        ("reversal", "approved", Outcome.REFUNDED),
    ],
)
def test_status_and_transaction_type_map_to_outcomes(transaction, status, outcome):
    assert outcome_of(transaction, status) is outcome


def test_status_response_parses_amount_in_minor_units_and_masks_the_card():
    status = parse_status(
        {"type": "status-response", "status": "approved", "transaction-type": "sale",
         "amount": "890.00", "currency": "RUB", "merchant-order-id": "RS1-1-ab",
         "paynet-order-id": "1788082", "bin": "411111", "last-four-digits": "1111"}
    )  # fmt: skip
    assert (status.outcome, status.amount, status.currency) == (Outcome.DEPOSITED, 89000, "RUB")
    assert status.masked_pan == "411111******1111"
    assert status.gateway_order_id == "1788082"


def _genuine(gateway, params) -> bool:
    """Whether the client reads a callback as signed (and naming a payment)."""
    notice = gateway.read_callback(params)
    return notice is not None and notice.genuine


APPROVED_STATUS = {
    "type": "status-response", "status": "approved", "transaction-type": "sale",
    "amount": "890.00", "currency": "RUB", "merchant-order-id": "RS1-1-ab",
    "paynet-order-id": "1788082", "bin": "489537", "last-four-digits": "5671",
    "card-type": "VISA",
}  # fmt: skip


@pytest.mark.parametrize(
    ("payment_type", "paid_with"),
    [
        ("APPLE_PAY", "apple_pay"),
        ("GOOGLE_PAY", "google_pay"),
        ("GOOGLE_PAY_TOKENIZED", "google_pay"),
        ("SAMSUNG_PAY", "samsung_pay"),
        ("CARD", "card"),
        (" apple_pay ", "apple_pay"),
        ("SBP", ""),  # named, but not a way the shop knows: no guess, not even "card"
    ],
)
def test_the_wallet_is_read_from_ips_src_payment_type_code(payment_type, paid_with):
    body = {**APPROVED_STATUS, "ips-src-payment-type-code": payment_type}
    assert parse_status(body).paid_with == paid_with


def test_without_a_payment_type_a_card_type_means_a_card():
    assert parse_status(APPROVED_STATUS).paid_with == "card"
    no_card = {k: v for k, v in APPROVED_STATUS.items() if k != "card-type"}
    assert parse_status(no_card).paid_with == ""
    assert parse_status({**APPROVED_STATUS, "card-type": ""}).paid_with == ""


REFUSALS = {
    "validation-error": "type=validation-error\n&error-message=Control+mismatch\n&error-code=2\n",
    "error": "type=error\n&error-message=Order+not+found\n&error-code=5\n",
}


@pytest.fixture
def refusing_gateway():
    """A loopback PaynetEasy that refuses every status call with the answer a test picks."""
    from flask import Flask

    from tests.support import serve_on_loopback

    answer = {"kind": "error"}
    stub = Flask("refusing_pne")
    stub.post("/paynet/api/v2/status/1")(lambda: REFUSALS[answer["kind"]])
    url, stop = serve_on_loopback(stub)
    client = PaynetEasyClient(f"{url}/paynet/api/v2", endpoint_id="1", login="l", control_key=KEY)
    yield client, answer
    stop()


def test_a_refused_status_by_number_is_never_taken_for_a_missing_order(refusing_gateway):
    client, answer = refusing_gateway
    with pytest.raises(GatewayOrderNotFound):
        client.status(PaymentRef("RS1-1-ab"))  # type=error, by client_orderid alone

    answer["kind"] = "validation-error"  # a wrong control or login: the order may well exist
    with pytest.raises(GatewayRejected) as refused:
        client.status(PaymentRef("RS1-1-ab"))
    assert not isinstance(refused.value, GatewayOrderNotFound)
    assert refused.value.code == "2"

    answer["kind"] = "error"  # with the gateway's id, type=error is a refusal like any other
    with pytest.raises(GatewayRejected) as by_id:
        client.status(PaymentRef("RS1-1-ab", "1788082"))
    assert not isinstance(by_id.value, GatewayOrderNotFound)
