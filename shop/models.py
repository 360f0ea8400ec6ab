"""The shop's tables: catalog, orders with their price snapshot, payment attempts, events."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.payments.states import (
    HOLDING_STATES,
    MONEY_STATES,
    RETRYABLE_STATES,
    WAITING,
    PaymentState,
)


def utcnow() -> datetime:
    """Timezone-aware now; naive datetimes are how payment timelines go wrong."""
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable public id: buyers never see sequential integers."""
    return secrets.token_urlsafe(18)


class Product(db.Model):
    """Something for sale; price in minor units of the shop currency."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int] = mapped_column(Integer)
    image: Mapped[str] = mapped_column(String(200))


class Order(db.Model):
    """What the buyer agreed to pay for, frozen at checkout."""

    __tablename__ = "shop_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)
    checkout_key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Payment.attempt"
    )

    @property
    def number(self) -> str:
        """The order number people quote; attempts add a suffix for the gateway."""
        return f"RS{self.id:06d}"

    @property
    def latest_payment(self) -> Payment | None:
        return self.payments[-1] if self.payments else None

    @property
    def decisive_payment(self) -> Payment | None:
        """The attempt that decides the order: one holding money, else one where money
        moved, else one under review the buyer could pay, else the latest."""
        for chosen in (
            [p for p in self.payments if p.holds_money],
            [p for p in self.payments if p.state in MONEY_STATES],
            [p for p in self.payments if p.state == PaymentState.NEEDS_REVIEW and p.form_url],
        ):
            if chosen:
                return chosen[-1]
        return self.latest_payment

    @property
    def state(self) -> PaymentState:
        payment = self.decisive_payment
        return payment.state if payment else PaymentState.PENDING

    @property
    def waiting(self) -> bool:
        """The gateway may still move it: the buyer's page keeps asking."""
        return self.state in WAITING

    @property
    def can_retry(self) -> bool:
        payment = self.decisive_payment
        unusable = payment is not None and payment.unusable_registration
        return self.state in RETRYABLE_STATES or unusable

    @property
    def extra_payments(self) -> list[Payment]:
        """Attempts holding money beside the decisive one: a double payment to give back."""
        decisive = self.decisive_payment
        return [p for p in self.payments if p.holds_money and p is not decisive]

    @property
    def attention(self) -> list[str]:
        """Why staff should look at this order (codes; the staff pages word them)."""
        reasons = ["paid_twice"] if self.extra_payments else []
        if any(p.state == PaymentState.NEEDS_REVIEW for p in self.payments):
            reasons.append("needs_review")
        if any(p.unexplained_refunds for p in self.payments):
            reasons.append("unexplained_refund")
        return reasons


class OrderLine(db.Model):
    """One product line with the price it had at checkout."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    name: Mapped[str] = mapped_column(String(120))
    unit_price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


class Payment(db.Model):
    """One attempt to collect an order's total through one gateway."""

    __table_args__ = (
        UniqueConstraint("order_id", "attempt"),
        # A gateway's ids are its own: another provider, a test stand before production or a
        # reset gateway may hand out an id seen before, so unique only within one gateway.
        UniqueConstraint(
            "provider", "gateway_url", "gateway_order_id", name="uq_payment_gateway_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(20))
    two_stage: Mapped[bool] = mapped_column(default=False)
    merchant_order_number: Mapped[str] = mapped_column(String(36), unique=True)
    gateway_url: Mapped[str] = mapped_column(String(255), default="")  # API base, at registration
    gateway_order_id: Mapped[str | None] = mapped_column(String(64))
    form_url: Mapped[str | None] = mapped_column(String(512))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    # The money ledger, from the gateway's own totals where it reports them, else from the
    # shop's verified operations. Minor units.
    authorized_amount: Mapped[int] = mapped_column(Integer, default=0)
    captured_amount: Mapped[int] = mapped_column(Integer, default=0)
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[PaymentState] = mapped_column(
        String(24), default=PaymentState.PENDING, index=True
    )
    action_code: Mapped[str | None] = mapped_column(String(16))
    action_description: Mapped[str | None] = mapped_column(String(255))
    masked_pan: Mapped[str | None] = mapped_column(String(32))
    # How the buyer paid, as the status said: card, apple_pay, google_pay, samsung_pay.
    paid_with: Mapped[str | None] = mapped_column(String(16))
    # When the gateway was last asked on an anonymous request: how reloads share one call.
    status_checked_at: Mapped[datetime | None] = mapped_column()
    returned_at: Mapped[datetime | None] = mapped_column()  # the buyer's first return
    # One back-office operation at a time: its label while it runs, and since when.
    operation: Mapped[str | None] = mapped_column(String(40))
    operation_started_at: Mapped[datetime | None] = mapped_column()
    review_note: Mapped[str | None] = mapped_column(String(255))  # why staff should look
    # Forged returns and callbacks are counted here, not stored one event each.
    forgeries: Mapped[int] = mapped_column(Integer, default=0)
    last_forgery_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    order: Mapped[Order] = relationship(back_populates="payments")
    events: Mapped[list[PaymentEvent]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="PaymentEvent.id"
    )
    operations: Mapped[list[Operation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="Operation.id"
    )

    @property
    def refundable_amount(self) -> int:
        return max(self.captured_amount - self.refunded_amount, 0)

    @property
    def holds_money(self) -> bool:
        """Money is held or taken and not all given back."""
        return self.state in HOLDING_STATES

    @property
    def unusable_registration(self) -> bool:
        """Sent to review before the buyer ever saw its payment page: nothing to pay there."""
        return self.state == PaymentState.NEEDS_REVIEW and not self.form_url

    @property
    def unexplained_refunds(self) -> int:
        """Refunded according to the gateway, but not by an operation the shop confirmed."""
        by_shop = sum(
            op.amount
            for op in self.operations
            if op.kind == "refund" and op.state == OperationState.CONFIRMED
        )
        return max(self.refunded_amount - by_shop, 0)


class OperationState(StrEnum):
    """Where one money operation stands."""

    REQUESTED = "requested"  # recorded, about to be sent
    CONFIRMED = "confirmed"  # a status call shows it done
    REFUSED = "refused"  # the gateway said no
    UNCONFIRMED = "unconfirmed"  # sent, but no status call has shown it yet
    UNEXPLAINED = "unexplained"  # found at the gateway, not asked for by the shop


class Operation(db.Model):
    """One capture, release or refund: asked by staff, or found done at the gateway."""

    __table_args__ = (UniqueConstraint("payment_id", "gateway_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(Integer)  # minor units; a release: what was held
    state: Mapped[OperationState] = mapped_column(String(16), default=OperationState.REQUESTED)
    gateway_ref: Mapped[str | None] = mapped_column(String(64))  # e.g. PaynetEasy serial
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column()
    payment: Mapped[Payment] = relationship(back_populates="operations")


class SignInThrottle(db.Model):
    """Staff sign-in attempts of one client in its current window, counted in one row.

    One row per client, so every worker increments the same counter atomically.
    """

    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(default=utcnow)


class StaffAccount(db.Model):
    """A staff account's session generation: a signed-in session is valid only under it.

    Sessions are signed cookies; bumping the generation is how the server ends them.
    """

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    # A digest of the password hash in force, to notice a changed password.
    password_fingerprint: Mapped[str] = mapped_column(String(64), default="")


class PaymentEvent(db.Model):
    """One line of the timeline: a gateway exchange, a return or callback, or a transition."""

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    step: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(255))
    endpoint: Mapped[str | None] = mapped_column(String(255))
    http_status: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    request_body: Mapped[str | None] = mapped_column(Text)
    response_body: Mapped[str | None] = mapped_column(Text)
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    payment: Mapped[Payment] = relationship(back_populates="events")
