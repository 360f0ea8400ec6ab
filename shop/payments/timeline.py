"""The timeline: every gateway exchange, return, callback and transition of a payment, each
an event under one of the seed flow's steps."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from flask_babel import lazy_gettext as _l

from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments.gateways.transport import Exchange, ExchangeObserver


class Step(IntEnum):
    """The seed flow's ten steps, and the staff's operations after the sale."""

    BUY = 1
    RECEIVE = 2
    REGISTER = 3
    REGISTERED = 4
    REDIRECT = 5
    PAGE = 6
    CARD = 7
    PROCESS = 8
    RETURN = 9
    VERIFY = 10
    AFTER_SALE = 11

    @property
    def label(self) -> str:
        """The step's name in the reader's language (translated when shown)."""
        return _LABELS[self]


_LABELS = {
    Step.BUY: _l("Buyer clicks Buy"),
    Step.RECEIVE: _l("Shop receives the purchase"),
    Step.REGISTER: _l("Shop registers the order"),
    Step.REGISTERED: _l("Gateway answers its order id and payment page"),
    Step.REDIRECT: _l("Shop redirects to the payment page"),
    Step.PAGE: _l("Gateway opens the payment page"),
    Step.CARD: _l("Buyer enters card data"),
    Step.PROCESS: _l("Gateway processes the payment"),
    Step.RETURN: _l("Buyer returns to the shop"),
    Step.VERIFY: _l("Shop verifies the status"),
    Step.AFTER_SALE: _l("After the sale: capture, release, refund"),
}
# The timeline's labels by step number (templates index it with the stored integer).
STEPS: dict[int, str] = {int(step): step.label for step in Step}
# Staff operations and the status calls that confirm them: the staff's business alone.
STAFF_STEPS = frozenset({Step.AFTER_SALE})


class EventKind(StrEnum):
    """What an event records (stored as its value; templates style by it)."""

    NOTE = "note"
    TRANSITION = "transition"
    GATEWAY_CALL = "gateway_call"
    REDIRECT = "redirect"
    RETURN = "return"
    CALLBACK = "callback"
    OPERATION = "operation"


def shown_to_buyer(event: PaymentEvent) -> bool:
    """Whether the buyer's own timeline (demo mode only) may list this event."""
    return event.step not in STAFF_STEPS


def record(payment: Payment, kind: EventKind, step: Step, summary: str) -> PaymentEvent:
    """Add an event to the session; the use case commits it with what it belongs to."""
    # Stored as plain values: a database driver may adapt an enum by its name instead.
    event = PaymentEvent(payment=payment, kind=str(kind), step=int(step), summary=summary[:255])
    db.session.add(event)
    return event


def record_transition(payment: Payment, old: str, new: str, step: Step, why: str) -> None:
    """Add the one event a state change gets."""
    event = record(payment, EventKind.TRANSITION, step, f"{old} → {new}: {why}")
    event.from_state, event.to_state = old, new


def exchange_recorder(payment: Payment, step: Step) -> ExchangeObserver:
    """An observer for a gateway client that logs each exchange against this payment."""

    def observe(exchange: Exchange) -> None:
        status = exchange.http_status if exchange.http_status is not None else "no answer"
        summary = f"{exchange.endpoint} → HTTP {status}"
        event = record(payment, EventKind.GATEWAY_CALL, step, summary)
        event.endpoint = exchange.endpoint
        event.http_status = exchange.http_status
        event.duration_ms = exchange.duration_ms
        event.request_body = exchange.request_json()
        event.response_body = exchange.response_text or exchange.error

    return observe
