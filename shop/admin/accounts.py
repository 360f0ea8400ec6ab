"""Session generations of staff accounts: how the server ends sessions kept in signed cookies.

A password change is noticed by a fingerprint kept with the account, rather than one
bound into each session, so that it is a one-way step: setting the old password again
does not revive the sessions it ended.
"""

from __future__ import annotations

from sqlalchemy import select, update

from shop.admin.rows import insert_if_missing
from shop.extensions import db
from shop.models import StaffAccount


def generation(username: str, fingerprint: str) -> int:
    """The account's current generation, bumped first if the password changed since.

    The usual case is one SELECT; the row is created, or bumped, only when needed.
    """
    row = _read(username)
    if row is not None and row.password_fingerprint == fingerprint:
        return row.generation
    if row is None:
        insert_if_missing(
            StaffAccount, username=username, generation=1, password_fingerprint=fingerprint
        )
    # Conditional, so that workers noticing the same change at once bump it only once.
    db.session.execute(
        update(StaffAccount)
        .where(
            StaffAccount.username == username,
            StaffAccount.password_fingerprint != fingerprint,
        )
        .values(generation=StaffAccount.generation + 1, password_fingerprint=fingerprint)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return _read(username).generation


def end_sessions(username: str) -> None:
    """Invalidate every session issued to the account so far."""
    db.session.execute(
        update(StaffAccount)
        .where(StaffAccount.username == username)
        .values(generation=StaffAccount.generation + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _read(username: str):
    query = select(StaffAccount.generation, StaffAccount.password_fingerprint)
    return db.session.execute(query.where(StaffAccount.username == username)).one_or_none()
