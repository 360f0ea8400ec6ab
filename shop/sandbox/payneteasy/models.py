"""PaynetEasy tables on the sandbox db: one row per order, per transaction, per callback try."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shop.sandbox.common.db import db


class PaynetStatus(StrEnum):
    """The gateway's status values; only processing and unknown are not final."""

    PROCESSING = "processing"
    APPROVED = "approved"
    DECLINED = "declined"
    FILTERED = "filtered"
    ERROR = "error"
    UNKNOWN = "unknown"


FINAL_STATUSES = frozenset(
    {PaynetStatus.APPROVED, PaynetStatus.DECLINED, PaynetStatus.FILTERED, PaynetStatus.ERROR}
)


class TxType(StrEnum):
    """Transaction types as status transaction-type and callback type name them."""

    SALE = "sale"
    PREAUTH = "preauth"
    CAPTURE = "capture"
    CANCEL = "cancel"
    REVERSAL = "reversal"


# order-stage prefixes: a preauth's stages are auth_*, the others use the type's name.
_STAGE_PREFIX = {TxType.PREAUTH: "auth"}


def stage_of(tx_type: TxType, suffix: str) -> str:
    """Name an order-stage as the gateway writes it, e.g. auth_approved or sale_3d_validating."""
    return f"{_STAGE_PREFIX.get(tx_type, tx_type.value)}_{suffix}"


class PaynetOrder(db.Model):
    """A form order as the gateway sees it; amounts in minor units, card data masked only."""

    __tablename__ = "sandbox_payneteasy_order"

    paynet_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    endpoint: Mapped[str] = mapped_column(String(40))  # the URL id: "4242" or "group/4343"
    client_orderid: Mapped[str] = mapped_column(String(128), unique=True)
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    initial_type: Mapped[str] = mapped_column(String(10))  # sale | preauth
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    email: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    ipaddress: Mapped[str] = mapped_column(String(45), default="")
    merchant_data: Mapped[str | None] = mapped_column(Text)
    redirect_url: Mapped[str | None] = mapped_column(String(1024))
    redirect_success_url: Mapped[str | None] = mapped_column(String(1024))
    redirect_fail_url: Mapped[str | None] = mapped_column(String(1024))
    server_callback_url: Mapped[str | None] = mapped_column(String(1024))
    notify_url: Mapped[str | None] = mapped_column(String(1024))
    language: Mapped[str] = mapped_column(String(2), default="")  # preferred_language, or ""
    created_at: Mapped[float] = mapped_column(Float)

    # The latest transaction on the order: what status, callbacks and redirects report.
    last_type: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=PaynetStatus.PROCESSING)
    stage: Mapped[str] = mapped_column(String(40))
    tx_amount: Mapped[int] = mapped_column(BigInteger)
    error_message: Mapped[str] = mapped_column(String(200), default="")
    error_code: Mapped[str] = mapped_column(String(10), default="")
    approved_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    captured_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    returned_amount: Mapped[int] = mapped_column(BigInteger, default=0)

    # Card data: never the full number nor the CVV.
    bin: Mapped[str] = mapped_column(String(6), default="")
    last_four: Mapped[str] = mapped_column(String(4), default="")
    card_type: Mapped[str] = mapped_column(String(20), default="")
    payment_type: Mapped[str] = mapped_column(String(20), default="")  # CARD, APPLE_PAY, ...
    cardholder_name: Mapped[str] = mapped_column(String(100), default="")
    exp_month: Mapped[str] = mapped_column(String(2), default="")
    exp_year: Mapped[str] = mapped_column(String(4), default="")

    @property
    def is_final(self) -> bool:
        """Tell whether the latest transaction has reached a final status."""
        return self.status in FINAL_STATUSES

    @property
    def settled_amount(self) -> int:
        """Money actually taken: the sale, or what a preauth's capture took."""
        return self.approved_amount if self.initial_type == TxType.SALE else self.captured_amount


class PaynetTransaction(db.Model):
    """One transaction of an order (sale or preauth, capture, cancel, reversal), named by the
    serial number of the request that made it, so status by-request-sn can report it later."""

    __tablename__ = "sandbox_payneteasy_transaction"
    __table_args__ = (UniqueConstraint("paynet_id", "serial"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # order of the transactions
    paynet_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("sandbox_payneteasy_order.paynet_id"), index=True
    )
    serial: Mapped[str] = mapped_column(String(36))
    tx_type: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    # Only the sale or preauth changes it, from processing, as the payer's attempt ends.
    status: Mapped[str] = mapped_column(String(12))


class PaynetCallbackAttempt(db.Model):
    """One HTTP GET of a server callback: the tests and the control endpoint read these."""

    __tablename__ = "sandbox_payneteasy_callback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paynet_id: Mapped[int] = mapped_column(BigInteger, index=True)
    event: Mapped[str] = mapped_column(String(40))  # e.g. "sale/approved"
    trigger: Mapped[str] = mapped_column(String(10))  # auto | manual
    attempt: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(1024))  # scheme, host and path: no query string
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[float] = mapped_column(Float)
