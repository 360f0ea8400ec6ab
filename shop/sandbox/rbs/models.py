"""The RBS tables on the sandbox db: orders keyed by mdOrder, the callbacks they owe, each try."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shop.sandbox.common.db import db


class OrderStatus(IntEnum):
    """The gateway's orderStatus values (rbs.md 3.3)."""

    CREATED = 0
    APPROVED = 1
    DEPOSITED = 2
    REVERSED = 3
    REFUNDED = 4
    ACS_STARTED = 5
    DECLINED = 6


# Statuses in which the payer may still act on the hosted pages.
OPEN_STATUSES = frozenset({OrderStatus.CREATED, OrderStatus.ACS_STARTED})


class GatewayOrder(db.Model):
    """A registered order as the gateway sees it; amounts cover later deposit/refund."""

    __tablename__ = "sandbox_rbs_order"
    __table_args__ = (
        UniqueConstraint("merchant", "order_number"),
        Index("ix_sandbox_rbs_order_due", "status", "expires_ms"),  # the expiry sweep
    )

    md_order: Mapped[str] = mapped_column(String(36), primary_key=True)
    merchant: Mapped[str] = mapped_column(String(100))
    order_number: Mapped[str] = mapped_column(String(36))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    return_url: Mapped[str] = mapped_column(String(512))
    fail_url: Mapped[str | None] = mapped_column(String(512))
    callback_url: Mapped[str | None] = mapped_column(String(512))
    description: Mapped[str] = mapped_column(String(600), default="")
    language: Mapped[str] = mapped_column(String(2), default="en")
    email: Mapped[str | None] = mapped_column(String(40))
    json_params: Mapped[str] = mapped_column(Text, default="{}")
    two_stage: Mapped[bool] = mapped_column(Boolean, default=False)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)

    status: Mapped[int] = mapped_column(Integer, default=OrderStatus.CREATED)
    action_code: Mapped[int] = mapped_column(Integer, default=-100)
    action_description: Mapped[str] = mapped_column(String(200), default="")
    approved_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    deposited_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    reversed: Mapped[bool] = mapped_column(Boolean, default=False)
    auth_ms: Mapped[int | None] = mapped_column(BigInteger)
    deposited_ms: Mapped[int | None] = mapped_column(BigInteger)
    reversed_ms: Mapped[int | None] = mapped_column(BigInteger)
    refunded_ms: Mapped[int | None] = mapped_column(BigInteger)

    # Card data: masked PAN only; the full number and the CVC are never stored.
    payer_ip: Mapped[str | None] = mapped_column(String(39))
    masked_pan: Mapped[str | None] = mapped_column(String(19))
    expiration: Mapped[str | None] = mapped_column(String(6))
    cardholder_name: Mapped[str | None] = mapped_column(String(100))
    payment_system: Mapped[str | None] = mapped_column(String(20))
    payment_way: Mapped[str | None] = mapped_column(String(30))  # CARD, APPLE_PAY, ...
    approval_code: Mapped[str | None] = mapped_column(String(6))
    auth_ref_num: Mapped[str | None] = mapped_column(String(12))

    @property
    def is_open(self) -> bool:
        """Tell whether the payer can still pay or cancel."""
        return self.status in OPEN_STATUSES

    @property
    def is_paid(self) -> bool:
        """Apply the gateway's rule: paid only in orderStatus 1 or 2."""
        return self.status in (OrderStatus.APPROVED, OrderStatus.DEPOSITED)


class CallbackOperation(StrEnum):
    """The callback's operation parameter (rbs.md 5): what happened to the order."""

    APPROVED = "approved"
    DEPOSITED = "deposited"
    REVERSED = "reversed"
    REFUNDED = "refunded"
    DECLINED_BY_TIMEOUT = "declinedByTimeout"


class RbsNotification(db.Model):
    """One callback the gateway owes the merchant, its parameters frozen at the change."""

    __tablename__ = "sandbox_rbs_notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    md_order: Mapped[str] = mapped_column(String(36), index=True)
    operation: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(512))  # as registered: may carry the shop's token
    params: Mapped[str] = mapped_column(Text)  # JSON object, checksum included
    created_at: Mapped[float] = mapped_column(Float)


class RbsCallbackAttempt(db.Model):
    """One HTTP GET of a callback: the tests and the control endpoint read these."""

    __tablename__ = "sandbox_rbs_callback_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("sandbox_rbs_notification.id"), index=True
    )
    md_order: Mapped[str] = mapped_column(String(36), index=True)
    operation: Mapped[str] = mapped_column(String(20))
    trigger: Mapped[str] = mapped_column(String(10))  # auto | manual
    attempt: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(512))  # scheme, host and path: no query string
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[float] = mapped_column(Float)
