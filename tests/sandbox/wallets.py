"""Reading the test-wallet buttons of a hosted page, as a browser would."""

from __future__ import annotations

import re
from html import unescape

_WALLET_FORM = re.compile(
    r'<form method="post" action="([^"]+)" class="wallet-form wallet-(\w+)">(.*?)</form>', re.S
)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def wallet_forms(html: str) -> dict[str, tuple[str, dict[str, str]]]:
    """wallet key -> (form action, hidden fields), in the page's order."""
    return {
        key: (unescape(action), dict(_HIDDEN.findall(body)))
        for action, key, body in _WALLET_FORM.findall(html)
    }


def assert_offers_the_three_wallets(html: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The page has Apple Pay, Google Pay and Samsung Pay, each also with 3-D Secure, and
    their forms carry a token only: nothing for the payer to type."""
    forms = wallet_forms(html)
    assert list(forms) == ["apple_pay", "google_pay", "samsung_pay"]
    for label in ("Apple Pay", "Google Pay", "Samsung Pay"):
        assert f">{label}</button>" in html
        assert f'aria-label="{label} with 3-D Secure"' in html
    assert "Wallets (test)" in html
    for _action, fields in forms.values():
        assert set(fields) == {"wallet", "payment_token"}
    return forms
