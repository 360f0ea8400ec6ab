"""gateway-check's reading of each gateway's replies, on replies written here: the documented
forms pass, and each way of breaking them fails with the field and what the shop needs."""

from __future__ import annotations

import json

import pytest

from shop.payments.conformance import payneteasy, rbs
from shop.payments.conformance.options import GatewayCheckUnusable, parse_card
from shop.payments.conformance.runner import Fail, Skip
from shop.payments.gateways.errors import GatewayOrderNotFound, GatewayRejected
from shop.payments.gateways.transport import Exchange


def answer(endpoint: str, body: object) -> Exchange:
    text = body if isinstance(body, str) else json.dumps(body)
    return Exchange(endpoint, {}, text, 200, 5)


def kv(**fields: str) -> str:
    return "".join(f"{k.replace('_', '-')}={v}\n&" for k, v in fields.items()).rstrip("&")


@pytest.mark.parametrize(
    ("forms", "said"),
    [({"register.do": None, "refund.do": "0"}, "sber"),
     ({"register.do": "0", "refund.do": 0, "deposit.do": 0}, "bpc"),
     ({"register.do": None, "refund.do": 0}, "mixed"),
     ({"register.do": "0"}, "bpc"), ({"register.do": None}, "sber")],
)  # fmt: skip
def test_the_dialect_is_read_from_successful_answers(forms, said):
    body = {m: {"orderId": "x"} if c is None else {"errorCode": c} for m, c in forms.items()}
    exchanges = [answer(method, reply) for method, reply in body.items()]
    exchanges.append(answer("refund.do", {"errorCode": 7, "errorMessage": "not counted"}))

    assert rbs.dialect(exchanges).startswith(f"{said} ")


def test_no_successful_answer_leaves_the_dialect_unsaid():
    with pytest.raises(Skip):
        rbs.dialect([answer("register.do", {"errorCode": "5"})])


def test_rbs_refusals_are_judged_by_their_documented_codes():
    assert "as documented" in rbs.unknown_order(GatewayOrderNotFound("x", code="6"), None)
    with pytest.raises(Fail, match=r"errorCode 7 .*documented: 6"):
        rbs.unknown_order(GatewayRejected("System error", code="7"), None)
    with pytest.raises(Fail, match=r"errorCode 7 .*documented: 5, Access denied"):
        rbs.wrong_credentials(GatewayRejected("System error", code="7"), None)


PNE_STATUS = dict(type="status-response", status="processing", amount="10.00", currency="RUB",
                  merchant_order_id="GC-1", paynet_order_id="1788082")  # fmt: skip


def test_payneteasy_shapes_pass_as_documented():
    form = kv(
        type="async-form-response",
        serial_number="s",
        paynet_order_id="1",
        redirect_url="https://g/f",
    )

    assert "redirect-url string" in payneteasy.register_shape(answer("sale-form", form))
    status = answer("status", kv(**PNE_STATUS))
    assert "amount string" in payneteasy.status_shape(status, paid=False)


@pytest.mark.parametrize(
    ("fields", "failure"),
    [({"amount": "10.425"}, 'amount is "10.425" .*major units with at most two decimals'),
     ({"paynet_order_id": "A-1"}, 'paynet-order-id is "A-1" .*digits'),
     ({"type": "error"}, 'type is "error" .*status-response')],
)  # fmt: skip
def test_payneteasy_status_shapes_fail_on_the_field(fields, failure):
    with pytest.raises(Fail, match=failure):
        payneteasy.status_shape(answer("status", kv(**{**PNE_STATUS, **fields})), paid=False)


def test_payneteasy_values_must_end_in_a_newline():
    flat = "&".join(f"{k}={v}" for k, v in PNE_STATUS.items())
    with pytest.raises(Fail, match="do not end in a newline"):
        payneteasy.status_shape(answer("status", flat), paid=False)


def test_payneteasy_refusals_are_judged_by_their_documented_types():
    error = answer("status", kv(type="error", error_message="Order not found"))
    refused = answer("status", kv(type="validation-error", error_message="Control mismatch"))
    exc = GatewayRejected("x", code="5")

    assert "type=error" in payneteasy.unknown_order(exc, error)
    assert "type=validation-error" in payneteasy.wrong_credentials(exc, refused)
    with pytest.raises(Fail, match="documented: type=error"):
        payneteasy.unknown_order(exc, refused)
    with pytest.raises(Fail, match="documented: type=validation-error"):
        payneteasy.wrong_credentials(exc, error)


@pytest.mark.parametrize(
    "text", ["4111111111111111,12/30", "4111-1111,12/30,123", "4111111111111111,13/30,123",
             "4111111111111111,12/30,12", "a,b,c,d,e"],
)  # fmt: skip
def test_a_card_not_in_the_documented_format_is_refused(text):
    with pytest.raises(GatewayCheckUnusable, match="PAN,MM/YY,CVC"):
        parse_card(text)


def test_a_card_is_read_and_shown_masked():
    card = parse_card(" 5555 5555 5555 5599 , 12/30, 123, 123456")

    assert (card.pan, card.month, card.year, card.cvc, card.code) == (
        "5555555555555599", "12", "30", "123", "123456")  # fmt: skip
    assert card.masked == "555555******5599"
