"""The hosted pages' test wallets: Apple Pay, Google Pay and Samsung Pay buttons that pay with
a published test token instead of typed card data, optionally through 3-D Secure first.

A real wallet hands the gateway an encrypted token that stands for a device card number
(DPAN); here each wallet's token is a fixed string and its DPAN a fixed test number, masked
in every answer like a typed card. Each gateway names the wallet in its own status field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from shop.sandbox.common.card_form import CardFormError


@dataclass(frozen=True)
class Wallet:
    """One test wallet: its form value, its button label, its token and the card behind it."""

    key: str  # the form's wallet value: apple_pay, google_pay, samsung_pay
    label: str
    token: str  # the published test token its button posts
    dpan: str = ""  # the device card number the token stands for (never shown whole)
    expiration: str = "203912"  # YYYYMM

    @property
    def last_four(self) -> str:
        return self.dpan[-4:]


WALLETS: tuple[Wallet, ...] = (
    Wallet("apple_pay", "Apple Pay", "sandbox-apple-pay-test-token", "4895370012345671"),
    Wallet("google_pay", "Google Pay", "sandbox-google-pay-test-token", "5204740000001002"),
    Wallet("samsung_pay", "Samsung Pay", "sandbox-samsung-pay-test-token", "5351009876543211"),
)
_BY_KEY = {wallet.key: wallet for wallet in WALLETS}


@dataclass(frozen=True)
class WalletPayment:
    """One wallet attempt: which wallet, and whether the payer asked for 3-D Secure first."""

    wallet: Wallet
    three_ds: bool


def parse_wallet_form(form: Mapping[str, str]) -> WalletPayment:
    """Accept a known wallet with its own test token, or raise CardFormError."""
    wallet = _BY_KEY.get(form.get("wallet", ""))
    if wallet is None:
        raise CardFormError(_("Choose Apple Pay, Google Pay or Samsung Pay."))
    if form.get("payment_token", "") != wallet.token:
        raise CardFormError(
            _("%(wallet)s sent a token this sandbox does not know.", wallet=wallet.label)
        )
    return WalletPayment(wallet=wallet, three_ds=form.get("three_ds", "") == "1")
