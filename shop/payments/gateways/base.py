"""The provider-neutral contract every gateway client fulfils, and the values it returns."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    """What a status call says happened to the money, in the shop's words."""

    CREATED = "created"
    PROCESSING = "processing"
    AUTHORIZED = "authorized"
    DEPOSITED = "deposited"
    REVERSED = "reversed"
    REFUNDED = "refunded"
    DECLINED = "declined"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PaymentRef:
    """How a gateway finds one payment: the shop's number, and the gateway's id once known."""

    order_number: str
    gateway_order_id: str | None = None


@dataclass(frozen=True)
class RegisterRequest:
    """Everything needed to register one payment attempt, in every gateway's terms."""

    order_number: str
    amount: int
    currency: str
    currency_alpha: str
    return_url: str
    fail_url: str
    description: str
    language: str
    email: str
    session_timeout_secs: int
    two_stage: bool = False
    callback_url: str = ""
    customer_name: str = ""
    client_ip: str = ""


@dataclass(frozen=True)
class Registration:
    """The gateway's answer to a registration: its id and where to send the buyer."""

    gateway_order_id: str
    form_url: str


@dataclass(frozen=True)
class GatewayStatus:
    """A normalized status report; raw keeps the gateway's own words for the event log."""

    outcome: Outcome
    order_number: str
    # The order's amount as the gateway knows it; None when the answer is about a later
    # transaction (a capture or a return) and does not restate it.
    amount: int | None
    currency: str
    gateway_order_id: str = ""
    action_code: str = ""
    action_description: str = ""
    masked_pan: str = ""
    # Running totals, where the gateway reports them (None: it does not say).
    authorized_amount: int | None = None
    captured_amount: int | None = None
    refunded_amount: int | None = None
    # The amount of the latest operation (a capture or one return), where reported.
    operation_amount: int | None = None
    # Which operation the answer describes (the gateway's reference of it), where it says,
    # and whether the gateway refused that operation (the money then stayed where it was).
    operation_ref: str = ""
    operation_failed: bool = False
    raw: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Exchange:
    """One request/response with the gateway, secrets already masked, for the event log."""

    endpoint: str
    request: Mapping[str, str]
    response_text: str
    http_status: int | None
    duration_ms: int
    error: str = ""

    def request_json(self) -> str:
        return json.dumps(dict(self.request), ensure_ascii=False, sort_keys=True)


ExchangeObserver = Callable[[Exchange], None]


class Gateway(Protocol):
    """What the payment service needs from any provider; nothing provider-specific leaks out."""

    name: str

    def register(self, request: RegisterRequest) -> Registration:
        """Register one attempt; GatewayUnavailable means the outcome is unknown."""
        ...

    def status(self, ref: PaymentRef, operation_ref: str = "") -> GatewayStatus:
        """The gateway's verified view of a payment, by its id or, lacking one, our number;
        with operation_ref, of that one operation where the gateway can tell."""
        ...

    def return_is_genuine(self, params: Mapping[str, str], ref: PaymentRef) -> bool:
        """Whether what the buyer's browser brought back belongs to this payment."""
        ...

    def capture(self, ref: PaymentRef, amount: int, currency: str) -> str:
        """Capture (part of) a hold; a partial capture releases the rest. Returns the
        gateway's reference of the operation ("" when it gives none), as do the next two."""
        ...

    def release(self, ref: PaymentRef) -> str:
        """Release a hold (or void a payment the gateway still allows to void)."""
        ...

    def refund(self, ref: PaymentRef, amount: int, currency: str) -> str:
        """Return part or all of what was captured; several refunds may follow each other."""
        ...

    def callback_ref(self, params: Mapping[str, str]) -> PaymentRef | None:
        """Which payment a server callback speaks of, or None when it names none."""
        ...

    def callback_is_genuine(self, params: Mapping[str, str]) -> bool:
        """Whether a callback is signed by the gateway (fails closed without a key)."""
        ...
