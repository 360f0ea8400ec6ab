"""SQLite, the embedded default, set up for a web app: readers never wait for the writer
(write-ahead log), commits do not wait for the disk twice, and a busy writer is waited for."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",  # durable with WAL except on power loss: fine for SQLite's role
    "PRAGMA busy_timeout=5000",
)


def tune(engine: Engine) -> None:
    """Apply the pragmas to every new connection of a SQLite engine (others untouched)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in _PRAGMAS:
            cursor.execute(pragma)
        cursor.close()
