"""The event log: every gateway exchange, every return or callback, every transition."""

from __future__ import annotations

from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments.gateways.base import Exchange, ExchangeObserver

# The seed flow's ten steps, as the timeline labels them.
STEPS: dict[int, str] = {
    1: "Buyer clicks Buy",
    2: "Shop receives the purchase",
    3: "Shop registers the order",
    4: "Gateway answers its order id and payment page",
    5: "Shop redirects to the payment page",
    6: "Gateway opens the payment page",
    7: "Buyer enters card data",
    8: "Gateway processes the payment",
    9: "Buyer returns to the shop",
    10: "Shop verifies the status",
    11: "After the sale: capture, release, refund",
}
# Staff operations and the status calls that confirm them: the staff's business alone.
STAFF_STEPS = frozenset({11})


def shown_to_buyer(event: PaymentEvent) -> bool:
    """Whether the buyer's own timeline (demo mode only) may list this event."""
    return event.step not in STAFF_STEPS


def record(payment: Payment, kind: str, step: int, summary: str) -> PaymentEvent:
    """Add a plain event to the session; the use case commits it."""
    event = PaymentEvent(payment=payment, kind=kind, step=step, summary=summary[:255])
    db.session.add(event)
    return event


def record_transition(payment: Payment, old: str, new: str, step: int, why: str) -> None:
    """Add the one event a state change gets."""
    event = record(payment, "transition", step, f"{old} → {new}: {why}")
    event.from_state, event.to_state = old, new


def exchange_recorder(payment: Payment, step: int) -> ExchangeObserver:
    """An observer for a gateway client that logs each exchange against this payment."""

    def observe(exchange: Exchange) -> None:
        status = exchange.http_status if exchange.http_status is not None else "no answer"
        event = record(payment, "gateway_call", step, f"{exchange.endpoint} → HTTP {status}")
        event.endpoint = exchange.endpoint
        event.http_status = exchange.http_status
        event.duration_ms = exchange.duration_ms
        event.request_body = exchange.request_json()
        event.response_body = exchange.response_text or exchange.error

    return observe
