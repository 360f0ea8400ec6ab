"""The shop's tables: catalog, orders with their price snapshot, payment attempts, events."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db
from shop.payments.states import MONEY_STATES, RETRYABLE_STATES, PaymentState


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
        """The attempt that decides the order: any one where money moved, else the latest."""
        moved = [p for p in self.payments if p.state in MONEY_STATES]
        if moved:
            return moved[-1]
        review = [p for p in self.payments if p.state == PaymentState.NEEDS_REVIEW]
        return review[-1] if review else self.latest_payment

    @property
    def state(self) -> PaymentState:
        payment = self.decisive_payment
        return payment.state if payment else PaymentState.PENDING

    @property
    def can_retry(self) -> bool:
        return self.state in RETRYABLE_STATES


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

    __table_args__ = (UniqueConstraint("order_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(20))
    two_stage: Mapped[bool] = mapped_column(default=False)
    merchant_order_number: Mapped[str] = mapped_column(String(36), unique=True)
    gateway_order_id: Mapped[str | None] = mapped_column(String(64), unique=True)
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
    # When the gateway was last asked on an anonymous request: how reloads share one call.
    status_checked_at: Mapped[datetime | None] = mapped_column()
    returned_at: Mapped[datetime | None] = mapped_column()  # the buyer's first return
    # Forged returns and callbacks are counted here, not stored one event each.
    forgeries: Mapped[int] = mapped_column(Integer, default=0)
    last_forgery_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    order: Mapped[Order] = relationship(back_populates="payments")
    events: Mapped[list[PaymentEvent]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="PaymentEvent.id"
    )

    @property
    def refundable_amount(self) -> int:
        return max(self.captured_amount - self.refunded_amount, 0)


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
