"""The provider-neutral contract every gateway client fulfils, and the values it returns."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

MASK = "********"


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
class RegisterRequest:
    """Everything needed to register one payment attempt."""

    order_number: str
    amount: int
    currency: str
    return_url: str
    fail_url: str
    description: str
    language: str
    email: str
    session_timeout_secs: int
    two_stage: bool = False


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
    amount: int
    currency: str
    gateway_order_id: str = ""
    action_code: str = ""
    action_description: str = ""
    masked_pan: str = ""
    approved_amount: int = 0
    deposited_amount: int = 0
    refunded_amount: int = 0
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
    """What the payment service needs from any provider."""

    name: str

    def register(self, request: RegisterRequest) -> Registration: ...

    def status(self, gateway_order_id: str) -> GatewayStatus: ...

    def status_by_order_number(self, order_number: str) -> GatewayStatus: ...


def mask(params: Mapping[str, str], secret_names: frozenset[str]) -> dict[str, str]:
    """Copy params with every secret value replaced, so logs can show the rest."""
    return {k: (MASK if k in secret_names else v) for k, v in params.items()}
