"""What an exchange may show once stored: secrets, money-moving signatures and payer data masked.

Staff read every stored exchange, and in demo mode so do buyers; a leaked signature of a
refund can be replayed, and expiry, cardholder name, approval code and IP are the payer's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

MASK = "********"

Redactor = Callable[[str], str]


def mask_params(params: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """Copy params with the named values replaced, so logs can show the rest."""
    hidden = frozenset(names)
    return {k: (MASK if k in hidden else v) for k, v in params.items()}


def json_redactor(names: Iterable[str]) -> Redactor:
    """Mask the named members wherever they sit in a JSON text, even a truncated one."""
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    member = re.compile(rf'("(?:{alternatives})"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}}\]\s]+)')
    return lambda text: member.sub(rf'\1"{MASK}"', text)


def form_redactor(names: Iterable[str]) -> Redactor:
    """Mask the named fields of a `key=value\\n&key=value` body (PaynetEasy answers)."""
    alternatives = "|".join(re.escape(name) for name in sorted(names))
    field = re.compile(rf"((?:^|&)\s*(?:{alternatives})=)[^&\n]*")
    return lambda text: field.sub(rf"\g<1>{MASK}", text)
