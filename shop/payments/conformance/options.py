"""What a gateway-check run is asked to do: the providers, whether to pay, with which card."""

from __future__ import annotations

import re
from dataclasses import dataclass


class GatewayCheckUnusable(Exception):
    """The run cannot start as asked (a bad card, no browser); str() says what to fix."""


CARD_FORMAT = "PAN,MM/YY,CVC[,3-D Secure code]"
_EXPIRY = re.compile(r"(0[1-9]|1[0-2])/\d{2}")


@dataclass(frozen=True)
class Card:
    """The test stand's card (GATEWAY_CHECK_CARD); only `masked` is ever printed."""

    pan: str
    expiry: str  # MM/YY
    cvc: str
    code: str = ""  # the 3-D Secure code (or password), when the stand asks for one

    @property
    def masked(self) -> str:
        return f"{self.pan[:6]}{'*' * (len(self.pan) - 10)}{self.pan[-4:]}"

    @property
    def month(self) -> str:
        return self.expiry[:2]

    @property
    def year(self) -> str:
        return self.expiry[3:]


def parse_card(text: str) -> Card:
    """Read PAN,MM/YY,CVC[,code]; the message names the format, never the value given."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (3, 4):
        raise GatewayCheckUnusable(f"GATEWAY_CHECK_CARD must be {CARD_FORMAT}")
    pan = parts[0].replace(" ", "")
    if not (pan.isascii() and pan.isdigit() and 12 <= len(pan) <= 19):
        raise GatewayCheckUnusable(
            f"GATEWAY_CHECK_CARD: the PAN must be 12-19 digits ({CARD_FORMAT})"
        )
    if not _EXPIRY.fullmatch(parts[1]):
        raise GatewayCheckUnusable(f"GATEWAY_CHECK_CARD: the expiry must be MM/YY ({CARD_FORMAT})")
    if not (parts[2].isascii() and parts[2].isdigit() and len(parts[2]) in (3, 4)):
        raise GatewayCheckUnusable(
            f"GATEWAY_CHECK_CARD: the CVC must be 3-4 digits ({CARD_FORMAT})"
        )
    return Card(pan, parts[1], parts[2], parts[3] if len(parts) == 4 else "")


@dataclass(frozen=True)
class Options:
    """The run as asked on the command line."""

    pay: bool = False
    card: str = ""  # GATEWAY_CHECK_CARD; empty: the sandbox's own test card, in demo mode only
    callback_wait: float = 5.0  # seconds to wait for a real callback at SHOP_PUBLIC_URL
    listen: str = ""  # HOST:PORT where SHOP_PUBLIC_URL's traffic arrives; empty: derived
    chromium: str = "/usr/bin/chromium"
    pay_timeout: float = 60.0  # seconds for one payment on the hosted page
