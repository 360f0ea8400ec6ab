"""The payment row lock: taken first by every writer, so writers never wait in a circle.

`FOR NO KEY UPDATE` (PostgreSQL) rather than `FOR UPDATE`: inserting a timeline event or an
operation takes a key-share lock on its payment, and FOR UPDATE would wait for those, in
the other order, and deadlock. SQLite ignores it and serializes writers on its own.
"""

from __future__ import annotations

from sqlalchemy import select

from shop.extensions import db
from shop.models import Payment
from shop.payments.states import PaymentState


def lock_payment(payment: Payment) -> PaymentState:
    """Lock the payment's row until commit; its state as stored now."""
    stored = db.session.execute(
        select(Payment.state).where(Payment.id == payment.id).with_for_update(key_share=True)
    ).scalar_one()
    return PaymentState(stored)
