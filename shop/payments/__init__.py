"""Payments: the use cases views and commands call, and nothing else of this package.

    start, retry          a new attempt registered, the buyer sent to its payment page
    handle_return         the buyer is back: checked, then verified by a status call
    handle_callback       the gateway says something changed: verified the same way
    refresh               ask the gateway and apply what it says (the only way state moves)
    capture, release, refund   staff operations, each confirmed by a status call
    sync                  the reconciler (`flask payments sync`)
    gateway_check         the conformance run of `flask gateway-check` (conformance/)
    decline_reason        why the bank said no, in the buyer's language where the code is known

The names are loaded on first use: models import `payments.states`, and these use cases
import models, so importing them here eagerly would make a cycle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_WHERE = {
    "start": "purchase",
    "retry": "purchase",
    "handle_return": "purchase",
    "handle_callback": "purchase",
    "refresh": "purchase",
    "check_waiting": "purchase",
    "payment_by_token": "purchase",
    "gateway_may_change": "purchase",
    "capture": "backoffice",
    "release": "backoffice",
    "refund": "backoffice",
    "available_actions": "backoffice",
    "sync": "reconcile",
    "gateway_check": "conformance",
    "GatewayCheckUnusable": "conformance",
    "checkout_choices": "purchase",
    "is_known_provider": "purchase",
    "decline_reason": "reasons",
    # what the use cases raise, and the states they leave a payment in
    "PaymentError": "errors",
    "PaymentUnavailable": "errors",
    "ForgedNotification": "errors",
    "ReturnMismatch": "errors",
    "UnknownPayment": "errors",
    "PaymentState": "states",
}
__all__ = [  # noqa: RUF022 (in _WHERE's order)
    "start",
    "retry",
    "handle_return",
    "handle_callback",
    "refresh",
    "check_waiting",
    "payment_by_token",
    "gateway_may_change",
    "capture",
    "release",
    "refund",
    "available_actions",
    "sync",
    "gateway_check",
    "GatewayCheckUnusable",
    "checkout_choices",
    "is_known_provider",
    "decline_reason",
    "PaymentError",
    "PaymentUnavailable",
    "ForgedNotification",
    "ReturnMismatch",
    "UnknownPayment",
    "PaymentState",
]

if TYPE_CHECKING:  # what a reader and a type checker see
    from shop.payments.backoffice import available_actions, capture, refund, release
    from shop.payments.conformance import GatewayCheckUnusable, gateway_check
    from shop.payments.errors import (
        ForgedNotification,
        PaymentError,
        PaymentUnavailable,
        ReturnMismatch,
        UnknownPayment,
    )
    from shop.payments.purchase import (
        check_waiting,
        checkout_choices,
        gateway_may_change,
        handle_callback,
        handle_return,
        is_known_provider,
        payment_by_token,
        refresh,
        retry,
        start,
    )
    from shop.payments.reasons import decline_reason
    from shop.payments.reconcile import sync
    from shop.payments.states import PaymentState


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'shop.payments' has no attribute {name!r}")
    return getattr(importlib.import_module(f"shop.payments.{_WHERE[name]}"), name)
