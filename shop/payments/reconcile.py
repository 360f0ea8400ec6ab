"""Reconciliation: ask the gateway about every payment still waiting, expire the abandoned.

Safe to run from cron every minute, next to live traffic and to itself: each payment is
settled through the same refresh() and compare-and-set transition as a return or callback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, timedelta

from flask import current_app

from shop.extensions import db
from shop.models import Payment, utcnow
from shop.payments.errors import PaymentError
from shop.payments.service import refresh
from shop.payments.states import PaymentState
from shop.payments.transitions import transition

log = logging.getLogger(__name__)
WAITING = (PaymentState.PENDING, PaymentState.AWAITING_PAYMENT)


@dataclass
class SyncReport:
    """What one run did, for the command's output and for tests."""

    checked: int = 0
    changed: int = 0
    abandoned: int = 0
    unreachable: int = 0


def sync() -> SyncReport:
    """Refresh every waiting payment once; a gateway that cannot be reached is retried next run."""
    report = SyncReport()
    ids = db.session.execute(
        db.select(Payment.id).where(Payment.state.in_(WAITING)).order_by(Payment.id)
    ).scalars()
    for payment_id in list(ids):
        payment = db.session.get(Payment, payment_id)
        if payment is None or payment.state not in WAITING:
            continue
        report.checked += 1
        before = payment.state
        try:
            refresh(payment)
        except PaymentError as exc:
            report.unreachable += 1
            log.warning("sync payment=%s: %s", payment.merchant_order_number, exc)
            continue
        if payment.state != before:
            report.changed += 1
        if _abandon(payment):
            report.abandoned += 1
    return report


def _abandon(payment: Payment) -> bool:
    """A payment the gateway still calls unpaid long after its page expired is given up.

    Monotonic rules keep this safe: if the gateway later reports money, expired -> paid.
    """
    if payment.state != PaymentState.AWAITING_PAYMENT:
        return False
    limit = timedelta(seconds=float(current_app.config["PAYMENT_ABANDON_AFTER_SECS"]))
    created = payment.created_at.replace(tzinfo=payment.created_at.tzinfo or UTC)
    if utcnow() - created < limit:
        return False
    changed = transition(payment, PaymentState.EXPIRED, 10, "abandoned: no final answer")
    db.session.commit()
    return changed
