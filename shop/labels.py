"""The words for the codes the database keeps (payment states, operations, attention
reasons), in the reader's language. Pages show these; their data-* attributes keep the codes."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

# The staff's words (README's); in English the codes themselves, spaced.
STATES = {
    "pending": _l("pending"),
    "awaiting_payment": _l("awaiting payment"),
    "authorized": _l("authorized"),
    "paid": _l("paid"),
    "partially_refunded": _l("partially refunded"),
    "refunded": _l("refunded"),
    "declined": _l("declined"),
    "expired": _l("expired"),
    "voided": _l("voided"),
    "registration_failed": _l("registration failed"),
    "needs_review": _l("needs review"),
}
OPERATIONS = {
    "capture": _l("capture"),
    "release": _l("release"),
    "refund": _l("refund"),
}
OPERATION_STATES = {
    "requested": _l("requested"),
    "confirmed": _l("confirmed"),
    "refused": _l("refused"),
    "unconfirmed": _l("unconfirmed"),
    "unexplained": _l("unexplained"),
}
ATTENTION = {
    "paid_twice": _l("paid twice"),
    "needs_review": _l("needs review"),
    "unexplained_refund": _l("unexplained refund"),
}
TABLES: dict[str, Mapping[str, object]] = {
    "state": STATES,
    "operation": OPERATIONS,
    "operation_state": OPERATION_STATES,
    "attention": ATTENTION,
}


def word(code: str | None, table: str) -> str:
    """The word for a stored code, e.g. word("paid", "state"); an unknown code as it is."""
    found = TABLES[table].get(code or "")
    return str(found) if found is not None else (code or "")
