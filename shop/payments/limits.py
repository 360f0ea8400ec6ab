"""What anonymous traffic may cost: one status call per payment per few seconds, and a
counter, not a timeline row, for each forged return or callback."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update

from shop.extensions import db
from shop.models import Payment, utcnow

log = logging.getLogger(__name__)


def refresh_interval() -> float:
    """STATUS_REFRESH_MIN_SECS: how often anonymous requests may make the shop ask."""
    return float(current_app.config["STATUS_REFRESH_MIN_SECS"])


def claim_status_check(payment: Payment, min_secs: float) -> bool:
    """Take the right to ask the gateway now, unless someone asked under min_secs ago.

    A compare-and-set on the payment row, committed at once: of many concurrent reloads
    exactly one wins, the others show what is stored (the page refreshes itself).
    """
    now = utcnow()
    due = or_(
        Payment.status_checked_at.is_(None),
        Payment.status_checked_at <= now - timedelta(seconds=min_secs),
    )
    # No interval, no limit: concurrent requests' clocks must not make one of them lose.
    conditions = [Payment.id == payment.id] + ([due] if min_secs > 0 else [])
    claimed = db.session.execute(
        update(Payment)
        .where(*conditions)
        .values(status_checked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def claim_first_return(payment: Payment) -> bool:
    """Whether this is the buyer's first return: it always asks (the buyer waits for it),
    and exactly one of many concurrent copies of it does."""
    now = utcnow()
    claimed = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.returned_at.is_(None))
        .values(returned_at=now, status_checked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def count_forgery(payment: Payment, what: str) -> None:
    """Add one to the payment's forgery counter (staff see it) without a row per forgery."""
    db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id)
        .values(forgeries=Payment.forgeries + 1, last_forgery_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.warning("forged %s rejected payment=%s", what, payment.merchant_order_number)
