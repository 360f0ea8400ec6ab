"""The callback checksum (rbs.md 5.1): uppercase hex HMAC-SHA256 over "name;value;" of every
parameter but checksum and sign_alias, sorted by name, with SANDBOX_RBS_CALLBACK_KEY."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

UNSIGNED = frozenset({"checksum", "sign_alias"})


def checksum(params: Mapping[str, str], key: str) -> str:
    """HMAC-SHA256 of name;value; over every parameter but checksum and sign_alias."""
    signed = {name: value for name, value in params.items() if name not in UNSIGNED}
    text = "".join(f"{name};{signed[name]};" for name in sorted(signed))
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
