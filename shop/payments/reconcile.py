"""Reconciliation: ask the gateway about every payment still waiting, expire the abandoned.

Safe from cron every minute on every app server at once: a run claims a batch of due
payments in one statement that stamps `status_checked_at` and commits before anything is
asked, so no two runs take the same payment; each answer is settled through the same
refresh() and compare-and-set transition as a return or callback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, or_, update

from shop.extensions import db
from shop.models import Payment, utcnow
from shop.payments.errors import PaymentError
from shop.payments.purchase import refresh
from shop.payments.states import WAITING, PaymentState
from shop.payments.timeline import Step
from shop.payments.transitions import transition

log = logging.getLogger(__name__)


@dataclass
class SyncReport:
    """What one run did, for the command's output and for tests."""

    asked: int = 0
    changed: int = 0
    unreachable: int = 0
    given_up: int = 0

    def summary(self) -> str:
        return (
            f"asked {self.asked}, changed {self.changed}, "
            f"unreachable {self.unreachable}, given up {self.given_up}"
        )

    @property
    def gateway_down(self) -> bool:
        """No payment asked about got an answer: worth a mail from cron, not just a log line."""
        return self.asked > 0 and self.unreachable == self.asked


@dataclass(frozen=True)
class Claim:
    """The payments one run took to ask about, and the stamp it took them with."""

    stamp: datetime
    ids: tuple[int, ...]


def sync() -> SyncReport:
    """Ask about due waiting payments batch by batch, until none is left or time is up.

    The budget (SYNC_TIME_BUDGET_SECS) keeps a run inside its cron minute; what it has no
    time for is handed back for the next run.
    """
    config = current_app.config
    size = max(int(config["SYNC_BATCH"]), 1)
    interval = float(config["SYNC_INTERVAL_SECS"])
    deadline = time.monotonic() + float(config["SYNC_TIME_BUDGET_SECS"])
    report = SyncReport()
    while time.monotonic() < deadline:
        claim = claim_batch(size, interval)
        if not claim.ids:
            break
        for position, payment_id in enumerate(claim.ids):
            if time.monotonic() >= deadline:
                release(claim, claim.ids[position:])
                break
            _ask(claim, payment_id, report)
    return report


def claim_batch(size: int, interval: float) -> Claim:
    """Stamp up to `size` waiting payments nobody asked about for `interval` seconds; commit.

    One statement, so two runs never take the same payment. SKIP LOCKED (PostgreSQL; SQLite
    serializes writers and has no row locks) passes over rows another run is claiming or a
    request is transitioning, instead of queueing behind them. Least recently asked first:
    when there are more than a run can ask, none waits for ever.
    """
    now = utcnow()
    due = (
        db.select(Payment.id)
        .where(
            Payment.state.in_(list(WAITING)), _not_asked_since(now - timedelta(seconds=interval))
        )
        .order_by(Payment.status_checked_at.asc().nulls_first(), Payment.id)
        .limit(size)
        .with_for_update(skip_locked=True, key_share=True)
    )
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id.in_(due))
        .values(status_checked_at=now)
        .returning(Payment.id)
        .execution_options(synchronize_session=False)
    )
    ids = tuple(sorted(claimed.scalars()))
    db.session.commit()
    return Claim(now, ids)


def take(claim: Claim, payment_id: int) -> bool:
    """Re-stamp a claimed payment just before asking, unless someone asked since the claim.

    A claim ages while its batch is worked through: a later run, or the buyer's page, that
    found the payment due meanwhile has stamped it and asks itself. Re-stamping also starts
    SYNC_INTERVAL_SECS from the question, not from the claim.
    """
    taken = db.session.execute(
        update(Payment)
        .where(
            Payment.id == payment_id,
            Payment.status_checked_at == claim.stamp,
            Payment.state.in_(list(WAITING)),
        )
        .values(status_checked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return taken.rowcount == 1


def release(claim: Claim, payment_ids: Sequence[int]) -> None:
    """Hand back claimed payments this run has no time left for: the next run asks them."""
    db.session.execute(
        update(Payment)
        .where(Payment.id.in_(payment_ids), Payment.status_checked_at == claim.stamp)
        .values(status_checked_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _not_asked_since(moment: datetime) -> ColumnElement[bool]:
    return or_(Payment.status_checked_at.is_(None), Payment.status_checked_at <= moment)


def _ask(claim: Claim, payment_id: int, report: SyncReport) -> None:
    """Refresh one claimed payment; a gateway that cannot be reached is asked again later."""
    if not take(claim, payment_id):
        return
    payment = db.session.get(Payment, payment_id)
    before = payment.state
    report.asked += 1
    try:
        refresh(payment)
    except PaymentError as exc:
        report.unreachable += 1
        log.warning("sync payment=%s: %s", payment.merchant_order_number, exc)
        return
    if payment.state != before:
        report.changed += 1
    if _abandon(payment):
        report.given_up += 1


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
    changed = transition(payment, PaymentState.EXPIRED, Step.VERIFY, "abandoned: no final answer")
    db.session.commit()
    return changed
