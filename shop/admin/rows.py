"""Insert a row unless it exists, in one statement, on SQLite as on PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from shop.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_if_missing(model: type[db.Model], **values: object) -> None:
    """Concurrent callers may race here: the database keeps one row, nobody gets an error."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing())
