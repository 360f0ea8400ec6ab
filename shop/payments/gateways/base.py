"""The contract every gateway client fulfils, and the values that cross it; nothing else.

A client is built from a plain settings mapping by its module's PROVIDER, speaks HTTP
through transport.py, and raises only errors.py's hierarchy. No Flask, no database here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from shop.payments.gateways.transport import Wiring

# The currencies a shop may sell in: ISO 4217 alphabetic code -> (numeric code, minor digits).
CURRENCIES: dict[str, tuple[str, int]] = {"RUB": ("643", 2), "EUR": ("978", 2), "USD": ("840", 2)}
_BY_NUMERIC = {numeric: alpha for alpha, (numeric, _) in CURRENCIES.items()}


@dataclass(frozen=True)
class Currency:
    """One currency: the alphabetic code people and some gateways read, the numeric code
    other gateways read, and how many minor units make a major one."""

    alpha: str
    numeric: str
    exponent: int = 2

    @classmethod
    def from_code(cls, code: str) -> Currency:
        """Accept either form ("RUB" or "643"), refusing what the shop cannot sell in."""
        code = code.strip().upper()
        alpha = code if code in CURRENCIES else _BY_NUMERIC.get(code)
        if alpha is None:
            raise ValueError(f"unsupported currency {code!r}; use one of {sorted(CURRENCIES)}")
        numeric, exponent = CURRENCIES[alpha]
        return cls(alpha, numeric, exponent)


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


class PaidWith(StrEnum):
    """How the payer paid, in no gateway's words: each client maps its own field to these."""

    CARD = "card"  # card data typed (or a saved card)
    APPLE_PAY = "apple_pay"
    GOOGLE_PAY = "google_pay"
    SAMSUNG_PAY = "samsung_pay"


@dataclass(frozen=True)
class PaymentRef:
    """How a gateway finds one payment: the shop's number, and the gateway's id once known."""

    order_number: str
    gateway_order_id: str | None = None


@dataclass(frozen=True)
class Payer:
    """Who pays, as far as a gateway may be told (never any card data)."""

    email: str
    name: str = ""
    ip: str = ""


@dataclass(frozen=True)
class RegisterRequest:
    """One payment attempt to register, in no gateway's terms: each client maps it."""

    order_number: str
    amount: int  # minor units
    currency: Currency
    return_url: str
    fail_url: str
    description: str
    language: str
    payer: Payer
    page_lifetime_secs: int = 1200  # how long the gateway's payment page stays payable
    two_stage: bool = False  # a hold to capture later, instead of a sale
    callback_url: str = ""  # "" asks for no server callbacks


@dataclass(frozen=True)
class Registration:
    """The gateway's answer to a registration: its id and where to send the buyer."""

    gateway_order_id: str
    form_url: str


@dataclass(frozen=True)
class GatewayStatus:
    """What a status call says, normalized; the event log keeps the gateway's own words."""

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
    # A PaidWith value, or "" when the gateway does not say (or says something unknown).
    paid_with: str = ""
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


@dataclass(frozen=True)
class Notice:
    """A server callback as read by its client: which payment, and whether it is signed.

    Only a hint that something changed: the shop asks the gateway's status all the same."""

    ref: PaymentRef
    genuine: bool
    summary: str = ""  # what it claims, for the timeline (e.g. "status=approved")


class Gateway(Protocol):
    """What the payment use cases need from any provider; nothing provider-specific leaks out."""

    name: str
    wants_callbacks: bool  # whether to ask for server callbacks: only when they can be verified

    def register(self, request: RegisterRequest) -> Registration:
        """Register one attempt; GatewayUnavailable means the outcome is unknown."""
        ...

    def status(self, ref: PaymentRef, operation_ref: str = "") -> GatewayStatus:
        """The gateway's verified view of a payment, by its id or, lacking one, our number;
        with operation_ref, of that one operation where the gateway can tell."""
        ...

    def capture(self, ref: PaymentRef, amount: int, currency: Currency) -> str:
        """Capture (part of) a hold; a partial capture releases the rest. Returns the
        gateway's reference of the operation ("" when it gives none), as do the next two."""
        ...

    def release(self, ref: PaymentRef) -> str:
        """Release a hold (or void a payment the gateway still allows to void)."""
        ...

    def refund(self, ref: PaymentRef, amount: int, currency: Currency) -> str:
        """Return part or all of what was captured; several refunds may follow each other."""
        ...

    def read_return(self, params: Mapping[str, str], ref: PaymentRef) -> bool:
        """Whether what the buyer's browser brought back belongs to this payment."""
        ...

    def read_callback(self, params: Mapping[str, str]) -> Notice | None:
        """A server callback read: None when it names no payment at all."""
        ...


def N_(text: str) -> str:
    """Mark a text for the shop's translation catalog (`make messages` extracts it); the shop
    translates it when it shows it, so the client itself needs no Babel."""
    return text


@dataclass(frozen=True)
class Provider:
    """One gateway as the shop knows it: every gateway module exports one, as PROVIDER.

    Its settings are read from the shop's configuration as <PREFIX><NAME> (RBS_USERNAME),
    `settings` giving their defaults, and its address as <PREFIX>API_URL; left without an
    address, the provider is the embedded sandbox at `sandbox_path`. Adding a bank is one
    module exporting PROVIDER plus one line in gateways/__init__.py.
    """

    key: str
    label: str  # the buyer's words for it, marked N_("...") for the translation catalog
    settings: Mapping[str, object]  # <NAME>: default; the type of each default is its type
    connect: Callable[[str, Mapping[str, object], Wiring], Gateway]  # (API URL, settings, wiring)
    secrets: frozenset[str] = frozenset()  # settings never printed (masked by config-check)
    sandbox_path: str = ""  # where the embedded sandbox serves this API; "" if it does not

    @property
    def prefix(self) -> str:
        return self.key.upper() + "_"
