"""Checkout keys: a double submit makes one order, and only the browser given the form may
use its key (else the key would open someone else's payment page, like a password)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import MutableMapping

_BUYER = "buyer_secret"
_NONCE_CHARS = 22  # secrets.token_urlsafe(16)
_SIGNATURE_CHARS = 32


def issue(session: MutableMapping) -> str:
    """A fresh key for one checkout form, signed with this session's own secret."""
    buyer = session.setdefault(_BUYER, secrets.token_urlsafe(16))
    nonce = secrets.token_urlsafe(16)
    return nonce + _signature(buyer, nonce)


def belongs(session: MutableMapping, key: str) -> bool:
    """Whether this session was given the key (constant time; any other session: False)."""
    buyer = session.get(_BUYER)
    if not isinstance(buyer, str) or len(key) != _NONCE_CHARS + _SIGNATURE_CHARS:
        return False
    nonce, signature = key[:_NONCE_CHARS], key[_NONCE_CHARS:]
    return hmac.compare_digest(signature.encode(), _signature(buyer, nonce).encode())


def _signature(buyer: str, nonce: str) -> str:
    digest = hmac.new(buyer.encode(), nonce.encode(), hashlib.sha256).hexdigest()
    return digest[:_SIGNATURE_CHARS]
