"""The money ledger of a payment: what the gateway reports, counted once and never backwards.

Gateways differ: RBS reports running totals (taken as they come, but never lower than known,
so an older answer applied late cannot undo a newer one); PaynetEasy reports only its latest
transaction, so its refunds are the sum of the operations the gateway confirmed, each added
in SQL exactly once. A confirmed transaction nobody in the shop asked for (a refund made in
the gateway's own portal) is recorded as an unexplained operation, for staff to see.
"""

from __future__ import annotations

import logging

from sqlalchemy import case, update
from sqlalchemy.exc import IntegrityError

from shop.extensions import db
from shop.models import Operation, OperationState, Payment, utcnow
from shop.payments.gateways.base import GatewayStatus, Outcome
from shop.payments.locks import lock_payment

log = logging.getLogger(__name__)

TOTALS = ("authorized_amount", "captured_amount", "refunded_amount")
_KIND_OF = {Outcome.REFUNDED: "refund", Outcome.DEPOSITED: "capture", Outcome.REVERSED: "release"}


def take_totals(payment: Payment, status: GatewayStatus) -> None:
    """Raise the ledger to the gateway's reported totals; a one-stage approval is a capture."""
    reported = {name: getattr(status, name) for name in TOTALS if getattr(status, name) is not None}
    if status.outcome is Outcome.DEPOSITED and status.captured_amount is None:
        reported.setdefault("captured_amount", payment.captured_amount or payment.amount)
    if status.outcome in {Outcome.AUTHORIZED, Outcome.DEPOSITED}:
        reported.setdefault("authorized_amount", payment.authorized_amount or payment.amount)
    if not reported:
        return
    columns = Payment.__table__.c
    db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id)
        .values(
            {
                name: case((columns[name] < value, value), else_=columns[name])
                for name, value in reported.items()
            }
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(payment, list(reported))


def add(payment: Payment, name: str, amount: int) -> None:
    """Add to one ledger total in SQL (`refunded = refunded + :amount`), never a value read."""
    column = Payment.__table__.c[name]
    db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id)
        .values({name: column + amount})
        .execution_options(synchronize_session=False)
    )
    db.session.expire(payment, [name])


def settle(operation: Operation, state: OperationState) -> bool:
    """Move a requested operation to its outcome once; False when someone already did."""
    done = db.session.execute(
        update(Operation)
        .where(Operation.id == operation.id, Operation.state == operation.state)
        .values(state=state, settled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(operation, ["state", "settled_at"])
    return done.rowcount == 1


def count_confirmed(payment: Payment, operation: Operation, status: GatewayStatus) -> None:
    """A confirmed operation enters the ledger once: added where the gateway gives no total."""
    lock_payment(payment)
    if not settle(operation, OperationState.CONFIRMED):
        return
    if operation.kind == "refund" and status.refunded_amount is None:
        add(payment, "refunded_amount", operation.amount)
    if operation.kind == "capture" and status.captured_amount is None:
        add(payment, "captured_amount", operation.amount)


def note_operations(payment: Payment, status: GatewayStatus) -> None:
    """Match what the gateway reports against the shop's operations, outside any of ours.

    An operation left unconfirmed (its confirming status came late) is confirmed once the
    gateway shows it; a confirmed transaction nobody asked for is recorded as unexplained.
    Never while one of ours is under way: its answer may name it before we stored its name.
    """
    under_way = db.session.scalar(db.select(Payment.operation).where(Payment.id == payment.id))
    if under_way is not None:
        return
    if status.operation_ref:
        _match_named(payment, status)
    elif status.refunded_amount is not None:
        _confirm_covered_refunds(payment, status.refunded_amount)


def _match_named(payment: Payment, status: GatewayStatus) -> None:
    """PaynetEasy names the transaction it reports (by-request-sn)."""
    kind, amount = _KIND_OF.get(status.outcome), status.operation_amount
    if status.operation_failed or kind is None or amount is None:
        return
    known = db.session.execute(
        db.select(Operation).filter_by(payment_id=payment.id, gateway_ref=status.operation_ref)
    ).scalar_one_or_none()
    if known is not None:
        if known.state == OperationState.UNCONFIRMED and known.kind == kind:
            count_confirmed(payment, known, status)
        return
    unexplained = Operation(
        payment_id=payment.id,
        kind=kind,
        amount=amount,
        state=OperationState.UNEXPLAINED,
        gateway_ref=status.operation_ref,
    )
    try:
        with db.session.begin_nested():
            db.session.add(unexplained)
    except IntegrityError:  # another request recorded it first
        return
    log.warning("unexplained %s of %s on payment=%s", kind, amount, payment.merchant_order_number)
    if kind == "refund" and status.refunded_amount is None:
        add(payment, "refunded_amount", amount)


def _confirm_covered_refunds(payment: Payment, refunded: int) -> None:
    """Gateways with totals (RBS): unconfirmed refunds the total now covers are confirmed."""
    rows = db.session.execute(
        db.select(Operation).filter_by(payment_id=payment.id, kind="refund").order_by(Operation.id)
    ).scalars()
    operations = list(rows)
    op_confirmed = OperationState.CONFIRMED
    confirmed = sum(op.amount for op in operations if op.state == op_confirmed)
    for op in operations:
        covered = confirmed + op.amount <= refunded
        if op.state == OperationState.UNCONFIRMED and covered and settle(op, op_confirmed):
            confirmed += op.amount
