"""The simulated acquirer and issuer: any Luhn-valid number, the CVV decides what happens (the
public sandbox's rule); the 3-D Secure password."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _

from shop.sandbox.common.i18n import N_, translated

THREE_DS_PASSWORD = "hint"  # noqa: S105 - the public sandbox 3-D Secure password


class PaynetOutcome(StrEnum):
    """What the simulated acquirer does with a card attempt."""

    APPROVE = "approve"
    THREE_DS = "3ds"
    UNKNOWN = "unknown"
    DECLINE = "decline"


@dataclass(frozen=True)
class PaynetDecision:
    """An acquirer answer with the error the payer and the merchant see."""

    outcome: PaynetOutcome
    error_message: str = ""
    error_code: str = ""


@dataclass(frozen=True)
class CvvRule:
    """One row of the CVV table shown on the hosted form."""

    cvvs: tuple[str, ...]
    decision: PaynetDecision
    what: str = ""  # marked N_(); none: "Declined:" and the decision's message

    @property
    def behaviour(self) -> str:
        """What the CVV does, in the page's language."""
        if self.what:
            return translated(self.what)
        reason = translated(self.decision.error_message)
        return _("Declined: %(reason)s", reason=reason[:1].lower() + reason[1:])


APPROVED = PaynetDecision(PaynetOutcome.APPROVE)
THREE_DS = PaynetDecision(PaynetOutcome.THREE_DS)
UNKNOWN = PaynetDecision(PaynetOutcome.UNKNOWN)
DECLINED = PaynetDecision(PaynetOutcome.DECLINE, N_("Declined"), "100")
THREE_DS_FAILED = PaynetDecision(
    PaynetOutcome.DECLINE, N_("3-D Secure authentication failed"), "105"
)
CANCELLED = PaynetDecision(PaynetOutcome.DECLINE, N_("Cancelled by payer"), "110")


def _declined_by(cvv: str, message: str) -> CvvRule:
    """A CVV the issuer declines with the error code of the same digits."""
    return CvvRule((cvv,), PaynetDecision(PaynetOutcome.DECLINE, message, cvv))


CVV_RULES: tuple[CvvRule, ...] = (
    CvvRule(("123", "1234"), APPROVED, N_("Approved")),
    CvvRule(("321",), THREE_DS, N_("3-D Secure page: password hint approves")),
    CvvRule(("111",), APPROVED, N_("Approved without 3-D Secure")),
    CvvRule(("217",), UNKNOWN, N_("Status unknown (acquirer network problem)")),
    _declined_by("101", N_("Expired card")),
    _declined_by("116", N_("Insufficient funds")),
    _declined_by("119", N_("Transaction not permitted to cardholder")),
    _declined_by("209", N_("Pick-up, stolen card")),
)
_BY_CVV = {cvv: rule.decision for rule in CVV_RULES for cvv in rule.cvvs}


def decide(cvv: str) -> PaynetDecision:
    """Pick the acquirer's answer from the CVV; any CVV not in the table is declined."""
    return _BY_CVV.get(cvv, DECLINED)


def decide_three_ds(password: str) -> PaynetDecision:
    """Answer the 3-D Secure page: only the published password passes."""
    return APPROVED if password.strip() == THREE_DS_PASSWORD else THREE_DS_FAILED


def luhn_valid(number: str) -> bool:
    """Check the card number's Luhn digit, as any real acquirer does first."""
    if not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0
