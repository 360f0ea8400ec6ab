"""The state machine: monotonic, idempotent, and it never loses a paid order."""

import pytest

from shop.payments.states import ALLOWED, MONEY_STATES, PaymentState, can_transition, next_state

S = PaymentState


@pytest.mark.parametrize(
    ("current", "reported", "expected"),
    [
        (S.PENDING, S.AWAITING_PAYMENT, S.AWAITING_PAYMENT),
        (S.AWAITING_PAYMENT, S.PAID, S.PAID),
        (S.AWAITING_PAYMENT, S.AUTHORIZED, S.AUTHORIZED),
        (S.AWAITING_PAYMENT, S.DECLINED, S.DECLINED),
        (S.AWAITING_PAYMENT, S.EXPIRED, S.EXPIRED),
        (S.AUTHORIZED, S.PAID, S.PAID),
        (S.PAID, S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED),
        (S.PARTIALLY_REFUNDED, S.REFUNDED, S.REFUNDED),
        (S.DECLINED, S.PAID, S.PAID),
        (S.AWAITING_PAYMENT, S.NEEDS_REVIEW, S.NEEDS_REVIEW),
    ],
)
def test_forward_moves_are_applied(current, reported, expected):
    assert next_state(current, reported) == expected


@pytest.mark.parametrize(
    ("current", "reported"),
    [
        (S.PAID, S.AWAITING_PAYMENT),
        (S.PAID, S.DECLINED),
        (S.PAID, S.AUTHORIZED),
        (S.AUTHORIZED, S.AWAITING_PAYMENT),
        (S.REFUNDED, S.PAID),
        (S.DECLINED, S.AWAITING_PAYMENT),
        (S.EXPIRED, S.DECLINED),
        (S.NEEDS_REVIEW, S.PAID),
        (S.REGISTRATION_FAILED, S.AWAITING_PAYMENT),
        (S.REGISTRATION_FAILED, S.DECLINED),
    ],
)
def test_late_or_backward_news_changes_nothing(current, reported):
    assert next_state(current, reported) is None
    assert not can_transition(current, reported)


@pytest.mark.parametrize("state", list(PaymentState))
def test_the_same_news_twice_is_not_a_transition(state):
    assert next_state(state, state) is None


def test_no_money_state_can_fall_back_to_waiting_or_declined():
    for state in MONEY_STATES:
        assert not ALLOWED[state] & {S.PENDING, S.AWAITING_PAYMENT, S.DECLINED, S.EXPIRED}


def test_every_state_has_a_rule():
    assert set(ALLOWED) == set(PaymentState)
