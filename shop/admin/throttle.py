"""The staff sign-in limit: a per-client counter, incremented before any password is checked.

Counting first, in one UPDATE ... RETURNING, is what makes the limit hold under
concurrency: a hundred parallel guesses get the numbers 1 to 100, and only those
numbered up to the limit have their password checked.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, update

from shop.admin.rows import insert_if_missing
from shop.extensions import db
from shop.models import SignInThrottle, utcnow

WINDOW = timedelta(minutes=15)


def count_attempt(client: str) -> int:
    """Record one attempt and return its number in the client's window (committed)."""
    now = utcnow()
    insert_if_missing(SignInThrottle, client=client, attempts=0, window_start=now)
    expired = SignInThrottle.window_start < now - WINDOW
    number = db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.client == client)
        .values(
            attempts=case((expired, 1), else_=SignInThrottle.attempts + 1),
            window_start=case((expired, now), else_=SignInThrottle.window_start),
        )
        .returning(SignInThrottle.attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    # Commit before the (slow) password check: the row lock must not wait for it.
    db.session.commit()
    return number


def forget(client: str) -> None:
    """A successful sign-in starts the client's count afresh."""
    db.session.execute(
        delete(SignInThrottle)
        .where(SignInThrottle.client == client)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
