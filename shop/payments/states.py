"""The payment state machine: which transitions are allowed, and nothing else."""

from __future__ import annotations

from enum import StrEnum


class PaymentState(StrEnum):
    """What the shop knows about one payment attempt, verified with the gateway."""

    PENDING = "pending"
    AWAITING_PAYMENT = "awaiting_payment"
    AUTHORIZED = "authorized"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    DECLINED = "declined"
    EXPIRED = "expired"
    VOIDED = "voided"
    REGISTRATION_FAILED = "registration_failed"
    NEEDS_REVIEW = "needs_review"


S = PaymentState

# Money has moved (or is held) in these states: a later "still processing" must never undo them.
MONEY_STATES = frozenset({S.AUTHORIZED, S.PAID, S.PARTIALLY_REFUNDED, S.REFUNDED, S.VOIDED})

# Money is held or taken and not all given back: two attempts like this are a double payment.
HOLDING_STATES = frozenset({S.AUTHORIZED, S.PAID, S.PARTIALLY_REFUNDED})

# The gateway may still move these without staff: the order page, the buyer's page refresh
# and the reconciler keep asking.
WAITING = frozenset({S.PENDING, S.AWAITING_PAYMENT})

# The buyer may start a new attempt (new merchant order number) from these.
RETRYABLE_STATES = frozenset({S.DECLINED, S.EXPIRED, S.REGISTRATION_FAILED})

# Nothing more will happen without staff or a new attempt.
FINAL_STATES = frozenset({S.REFUNDED, S.VOIDED, S.DECLINED, S.EXPIRED, S.REGISTRATION_FAILED})

_FROM_GATEWAY = {S.AUTHORIZED, S.PAID, S.DECLINED, S.EXPIRED, S.NEEDS_REVIEW}

ALLOWED: dict[PaymentState, frozenset[PaymentState]] = {
    S.PENDING: frozenset({S.AWAITING_PAYMENT, S.REGISTRATION_FAILED, *_FROM_GATEWAY}),
    S.AWAITING_PAYMENT: frozenset(_FROM_GATEWAY),
    S.AUTHORIZED: frozenset({S.PAID, S.VOIDED, S.NEEDS_REVIEW}),
    S.PAID: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED, S.VOIDED, S.NEEDS_REVIEW}),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED, S.NEEDS_REVIEW}),
    S.REFUNDED: frozenset(),
    S.VOIDED: frozenset(),
    # A gateway that later reports money taken for a declined, expired or failed attempt
    # is believed: losing a paid order is worse than an odd timeline.
    S.DECLINED: frozenset({S.AUTHORIZED, S.PAID, S.NEEDS_REVIEW}),
    S.EXPIRED: frozenset({S.AUTHORIZED, S.PAID, S.NEEDS_REVIEW}),
    S.REGISTRATION_FAILED: frozenset({S.AUTHORIZED, S.PAID, S.NEEDS_REVIEW}),
    S.NEEDS_REVIEW: frozenset(),
}


def can_transition(current: PaymentState, target: PaymentState) -> bool:
    """Tell whether the machine allows moving from current to target."""
    return target in ALLOWED[current]


def next_state(current: PaymentState, reported: PaymentState) -> PaymentState | None:
    """The state to move to for what the gateway reported, or None when nothing changes.

    Same news twice, or news that would move backwards, is not a transition.
    """
    if reported == current or not can_transition(current, reported):
        return None
    return reported
