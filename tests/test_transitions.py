"""What a verified status means for a payment: amounts, currencies, refunds."""

import pytest

from shop.models import Payment
from shop.payments.gateways.base import GatewayStatus, Outcome
from shop.payments.states import PaymentState
from shop.payments.transitions import reported_state


def payment(**overrides) -> Payment:
    fields = {"merchant_order_number": "RS1-1-ab", "amount": 89000, "currency": "643",
              "captured_amount": 0, "refunded_amount": 0}  # fmt: skip
    return Payment(**{**fields, **overrides})


def status(**overrides) -> GatewayStatus:
    fields = {"outcome": Outcome.DEPOSITED, "order_number": "RS1-1-ab", "amount": 89000,
              "currency": "643"}  # fmt: skip
    return GatewayStatus(**{**fields, **overrides})


@pytest.mark.parametrize("currency", ["643", "810", "RUB"])
def test_roubles_match_whichever_code_the_gateway_uses(currency):
    assert reported_state(payment(), status(currency=currency))[0] is PaymentState.PAID


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"amount": 100}, "amount mismatch"),
        ({"currency": "978"}, "currency mismatch"),
        ({"order_number": "RS9-1-zz"}, "order number mismatch"),
    ],
)
def test_a_status_that_does_not_match_the_order_needs_review(changes, why):
    state, reason = reported_state(payment(), status(**changes))
    assert state is PaymentState.NEEDS_REVIEW
    assert why in reason


@pytest.mark.parametrize(
    ("refunded", "captured", "expected"),
    [(1000, 89000, PaymentState.PARTIALLY_REFUNDED), (89000, 89000, PaymentState.REFUNDED)],
)
def test_refunds_are_partial_or_full_by_amount(refunded, captured, expected):
    news = status(outcome=Outcome.REFUNDED, refunded_amount=refunded, captured_amount=captured)
    assert reported_state(payment(), news)[0] is expected


def test_a_latest_return_not_yet_counted_is_a_partial_refund_not_a_full_one():
    news = status(outcome=Outcome.REFUNDED, amount=None, currency="", operation_amount=1000)
    assert (
        reported_state(payment(captured_amount=89000), news)[0] is PaymentState.PARTIALLY_REFUNDED
    )
