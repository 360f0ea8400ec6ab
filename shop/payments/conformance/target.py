"""The gateway under check, as the shop's configuration describes it: its clients (the shop's
own, built by the provider's PROVIDER descriptor), its settings and what an order looks like."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType

from shop.payments.gateways.base import Currency, Gateway, Payer, RegisterRequest

AMOUNT = 1000  # minor units (10.00): small enough for any test stand's limits


@dataclass
class Target:
    provider: str
    profile: ModuleType  # conformance.rbs or conformance.payneteasy
    client: Gateway
    wrong_client: Gateway  # the same, with its credential spoiled
    settings: Mapping[str, object]
    api_url: str
    public_url: str  # SHOP_PUBLIC_URL
    page_origins: frozenset[str]  # where the shop lets a buyer be sent
    currency: Currency
    language: str
    page_lifetime: int
    unreachable_hint: str = ""

    @property
    def two_stage(self) -> bool:
        return bool(self.settings.get("TWO_STAGE"))

    @property
    def callback_url(self) -> str:
        if not self.client.wants_callbacks:
            return ""
        return f"{self.public_url}/payments/{self.provider}/callback"

    def name(self, step: str) -> str:
        """The gateway's own name of a step (register.do, sale-form, ...)."""
        return self.profile.NAMES[step]

    def order(self, two_stage: bool) -> RegisterRequest:
        """A fresh order as the shop would register it, under a number no one used."""
        number = new_number()
        return RegisterRequest(
            order_number=number,
            amount=AMOUNT,
            currency=self.currency,
            return_url=f"{self.public_url}/gateway-check/return?number={number}",
            fail_url=f"{self.public_url}/gateway-check/fail?number={number}",
            description=f"gateway-check {number}",
            language=self.language,
            payer=Payer(email="gateway-check@example.com", name="Gateway Check"),
            page_lifetime_secs=self.page_lifetime,
            two_stage=two_stage,
            callback_url=self.callback_url,
        )


def new_number() -> str:
    return f"GC-{secrets.token_hex(6)}"
