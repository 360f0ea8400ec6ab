"""The simulated issuer: the test-card table, what each card does, and the 3-D Secure (ACS) code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shop.sandbox.common.i18n import N_, translated

TEST_CVC = "123"
CHALLENGE_CODE = "123456"


class RbsOutcome(StrEnum):
    """What the simulated issuer does with a card."""

    APPROVE = "approve"
    CHALLENGE = "challenge"
    DECLINE = "decline"


@dataclass(frozen=True)
class RbsDecision:
    """An issuer answer: outcome plus the actionCode it leaves on the order."""

    outcome: RbsOutcome
    action_code: int = 0
    description: str = ""


@dataclass(frozen=True)
class TestCard:
    """One row of the test-card table shown on the payment page."""

    __test__ = False  # not a pytest class, despite the name

    pan: str
    decision: RbsDecision
    what: str  # marked N_(): the page shows it in its language

    @property
    def behaviour(self) -> str:
        """What the card does, in the page's language."""
        return translated(self.what)

    @property
    def spaced(self) -> str:
        """Group the number in fours, as printed on a card."""
        return " ".join(self.pan[i : i + 4] for i in range(0, len(self.pan), 4))


APPROVED = RbsDecision(RbsOutcome.APPROVE)
CHALLENGE = RbsDecision(RbsOutcome.CHALLENGE)
THREE_DS_DECLINED = RbsDecision(
    RbsOutcome.DECLINE, -2006, N_("Issuer declined 3-D Secure authentication")
)
WRONG_CARD_PARAMETERS = RbsDecision(RbsOutcome.DECLINE, 71015, N_("Wrong card parameters"))
INVALID_CARD_NUMBER = RbsDecision(RbsOutcome.DECLINE, 111, N_("Invalid card number"))

TEST_CARDS: tuple[TestCard, ...] = (
    TestCard("4111111111111111", APPROVED, N_("Approved")),
    TestCard("5555555555555599", CHALLENGE, N_("3-D Secure challenge (code 123456)")),
    TestCard("4444555511113333", APPROVED, N_("Approved without 3-D Secure")),
    TestCard("5168494895055780", THREE_DS_DECLINED, N_("Declined: 3-D Secure failed")),
    TestCard(
        "4000000000009995",
        RbsDecision(RbsOutcome.DECLINE, 116, N_("Insufficient funds")),
        N_("Declined: insufficient funds"),
    ),
)
_BY_PAN = {card.pan: card for card in TEST_CARDS}


def decide(pan: str, cvc: str) -> RbsDecision:
    """Pick the issuer's answer: unknown number first, then the CVC, then the card's rule."""
    card = _BY_PAN.get(pan)
    if card is None:
        return INVALID_CARD_NUMBER
    if cvc != TEST_CVC:
        return WRONG_CARD_PARAMETERS
    return card.decision


def decide_challenge(code: str) -> RbsDecision:
    """Answer the 3-D Secure challenge: only the published code passes."""
    return APPROVED if code.strip() == CHALLENGE_CODE else THREE_DS_DECLINED
