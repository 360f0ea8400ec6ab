"""How a `payments sync` run takes payments to ask about: due ones only, never one another
run or the buyer's page has just taken, and never waiting behind a row someone holds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from shop.extensions import db
from shop.models import Payment, utcnow
from shop.payments import limits
from shop.payments.reconcile import claim_batch, take

INTERVAL = 50.0


def checked(payment_id: int, seconds_ago: float) -> None:
    when = utcnow() - timedelta(seconds=seconds_ago)
    db.session.execute(
        update(Payment).where(Payment.id == payment_id).values(status_checked_at=when)
    )


def test_a_claim_takes_due_waiting_payments_only_and_stamps_them(app_ctx, waiting_payments):
    ids = [row["id"] for row in waiting_payments(app_ctx, 5)]
    db.session.execute(update(Payment).where(Payment.id == ids[0]).values(state="paid"))
    checked(ids[1], seconds_ago=INTERVAL - 5)
    checked(ids[2], seconds_ago=INTERVAL + 5)
    db.session.commit()

    claim = claim_batch(10, INTERVAL)

    assert claim.ids == tuple(ids[2:])
    assert claim_batch(10, INTERVAL).ids == ()  # asked this minute: not again


def test_the_least_recently_asked_are_claimed_first(app_ctx, waiting_payments):
    ids = [row["id"] for row in waiting_payments(app_ctx, 3)]
    checked(ids[0], seconds_ago=INTERVAL + 10)
    checked(ids[1], seconds_ago=INTERVAL + 20)
    db.session.commit()

    # More due than one batch: a backlog must not starve the payments never asked about.
    assert claim_batch(2, INTERVAL).ids == (ids[1], ids[2])
    assert claim_batch(2, INTERVAL).ids == (ids[0],)


def test_a_claim_overtaken_by_a_later_one_is_left_to_it(app_ctx, waiting_payments):
    ids = [row["id"] for row in waiting_payments(app_ctx, 3)]
    slow = claim_batch(3, 0)  # a run still busy with its batch when the payments fall due
    late = claim_batch(3, 0)  # ... and the next run that claims them again

    assert slow.ids == late.ids == tuple(ids)
    assert not take(slow, ids[0])
    assert take(late, ids[0])
    assert not take(late, ids[0])  # taken once


def test_a_claimed_payment_the_buyer_page_asked_about_meanwhile_is_not_asked(
    app_ctx, waiting_payments
):
    ids = [row["id"] for row in waiting_payments(app_ctx, 2)]
    claim = claim_batch(2, INTERVAL)
    payment = db.session.get(Payment, ids[0])

    assert limits.claim_status_check(payment, 0)  # a reload asks the gateway itself
    assert not take(claim, ids[0])
    assert take(claim, ids[1])


def on_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_rows_locked_elsewhere_are_skipped_not_waited_for(app, waiting_payments):
    """PostgreSQL: a row another transaction holds is skipped (SKIP LOCKED), not waited for.
    SQLite has no row locks: a transaction reading the row takes nothing away."""
    postgres = on_postgres(app)
    ids = [row["id"] for row in waiting_payments(app, 3)]
    with app.app_context():
        # Another run's claim, or a request moving the payment, holds its row.
        with db.engine.connect() as other:
            other.execute(db.select(Payment.id).where(Payment.id == ids[0]).with_for_update())
            if postgres:  # waiting for that lock raises instead of blocking the test forever
                db.session.execute(db.text("SET LOCAL lock_timeout = '2s'"))
            claim = claim_batch(10, INTERVAL)
            other.rollback()
        if postgres:
            assert claim.ids == tuple(ids[1:])
            assert claim_batch(10, INTERVAL).ids == (ids[0],)  # released: the next claim takes it
        else:
            assert claim.ids == tuple(ids)
