"""The gateway's order id on a payment: unique per gateway, and a collision is never a 500.

A reset gateway, a test stand followed by production, or PaynetEasy's small integers can
hand out an id the shop has seen before. The attempt then goes to staff review, and the
buyer is asked to try again, instead of the checkout failing after the gateway said yes.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import Payment
from shop.payments.states import PaymentState
from shop.payments.transitions import fit, transition

_ID_LENGTH = Payment.__table__.c.gateway_order_id.type.length


def adopt(payment: Payment, gateway_order_id: str, step: int) -> bool:
    """Keep the id on the payment; False (and the attempt under review) when it cannot be."""
    if len(gateway_order_id) > _ID_LENGTH:
        return _review(payment, step, f"gateway order id longer than {_ID_LENGTH} characters")
    holder = _holder(payment, gateway_order_id)
    if holder is None:
        try:
            with db.session.begin_nested():
                payment.gateway_order_id = gateway_order_id
        except IntegrityError:  # taken at this very moment by a concurrent registration
            holder = _holder(payment, gateway_order_id)
    if holder is None and payment.gateway_order_id == gateway_order_id:
        return True
    owner = holder.merchant_order_number if holder is not None else "another attempt"
    return _review(payment, step, f"gateway order id {gateway_order_id} already belongs to {owner}")


def _holder(payment: Payment, gateway_order_id: str) -> Payment | None:
    return db.session.execute(
        db.select(Payment).where(
            Payment.provider == payment.provider,
            Payment.gateway_url == payment.gateway_url,
            Payment.gateway_order_id == gateway_order_id,
            Payment.id != payment.id,
        )
    ).scalar_one_or_none()


def _review(payment: Payment, step: int, note: str) -> bool:
    payment.review_note = fit("review_note", note)
    transition(payment, PaymentState.NEEDS_REVIEW, step, note)
    return False
