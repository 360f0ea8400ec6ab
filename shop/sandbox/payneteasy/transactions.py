"""Every transaction of an order, by the serial number of the request that made it.

The order row keeps the latest transaction's details (what status, callbacks and the final
redirect report) and the running amounts that guard capture and return; these rows keep each
transaction, so that status by-request-sn and the sandbox's totals can name any of them.
"""

from __future__ import annotations

from typing import Any

from shop.sandbox.common.db import db
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetStatus, PaynetTransaction, TxType
from shop.sandbox.payneteasy.wire import serial_number


def add(order: PaynetOrder, tx_type: TxType, amount: int, status: PaynetStatus) -> str:
    """Add a transaction to the session (the caller commits it with the order); its serial."""
    serial = serial_number()
    db.session.add(
        PaynetTransaction(
            paynet_id=order.paynet_id, serial=serial, tx_type=tx_type, amount=amount, status=status
        )
    )
    return serial


def of(order: PaynetOrder) -> list[PaynetTransaction]:
    """The order's transactions, oldest first."""
    query = (
        db.select(PaynetTransaction)
        .filter_by(paynet_id=order.paynet_id)
        .order_by(PaynetTransaction.id)
    )
    return list(db.session.execute(query).scalars())


def initial(order: PaynetOrder) -> PaynetTransaction:
    """The sale or preauth that opened the order."""
    return of(order)[0]


def latest(order: PaynetOrder) -> PaynetTransaction:
    """The transaction the order's own fields describe."""
    return of(order)[-1]


def find(order: PaynetOrder, serial: str) -> PaynetTransaction | None:
    """The order's transaction made by the request with this serial number, if any."""
    query = db.select(PaynetTransaction).filter_by(paynet_id=order.paynet_id, serial=serial)
    return db.session.execute(query).scalar_one_or_none()


def totals(order: PaynetOrder) -> dict[str, Any]:
    """What the approved transactions add up to (minor units), and each transaction."""
    rows = of(order)

    def total(*types: TxType) -> int:
        return sum(
            r.amount for r in rows if r.status == PaynetStatus.APPROVED and r.tx_type in types
        )

    return {
        "authorized": total(TxType.SALE, TxType.PREAUTH),
        "captured": total(TxType.SALE, TxType.CAPTURE),
        "refunded": total(TxType.REVERSAL),
        "transactions": [
            {"type": r.tx_type, "status": r.status, "amount": r.amount, "serial": r.serial}
            for r in rows
        ],
    }
