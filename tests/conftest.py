"""Fixtures: an app with its own databases, a live shop on loopback, a buyer.

On PostgreSQL (TEST_DATABASE_URL) the run creates a database of its own on that server and
drops it at the end, so two runs on one machine never drop each other's tables.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy import insert as insert_rows
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from shop import create_app
from shop.extensions import db
from shop.models import Order, Payment, new_token, utcnow
from tests.gateway_check_support import build_app, close_app
from tests.support import (
    Buyer,
    LiveShop,
    compile_translations,
    make_config,
    prepare_database,
    release_database,
    start_live_shop,
)

_OWN_DATABASE = pytest.StashKey[tuple[URL, str, str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Compile the catalogs `make` would; point TEST_DATABASE_URL at a new database (the
    one it names is only connected to)."""
    compile_translations()
    given = os.environ.get("TEST_DATABASE_URL", "")
    if not given.startswith("postgresql"):
        return
    server = make_url(given)
    name = f"redirect_shop_test_{secrets.token_hex(6)}"
    _on_server(server, f'CREATE DATABASE "{name}"')
    config.stash[_OWN_DATABASE] = (server, name, given)
    own = server.set(database=name)
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop the run's database whatever the outcome (FORCE: a leaked connection must not
    keep it alive)."""
    if _OWN_DATABASE not in config.stash:
        return
    server, name, given = config.stash[_OWN_DATABASE]
    os.environ["TEST_DATABASE_URL"] = given
    _on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _on_server(server: URL, statement: str) -> None:
    """Run CREATE/DROP DATABASE (outside a transaction); unreachable fails, never skips."""
    engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    except SQLAlchemyError as exc:
        host = server.render_as_string(hide_password=True)
        raise pytest.UsageError(f"PostgreSQL at {host}: {statement} failed: {exc}") from exc
    finally:
        engine.dispose()


@pytest.fixture
def app(tmp_path):
    app = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=False))
    prepare_database(app)
    yield app
    release_database(app)


@pytest.fixture
def make_app(tmp_path):
    """Build apps with their own settings; their connections are closed afterwards."""
    made = []

    def build(**overrides):
        built = create_app(make_config(tmp_path, **overrides))
        prepare_database(built)
        made.append(built)
        return built

    yield build
    for built in made:
        release_database(built)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_shop(tmp_path) -> LiveShop:
    shop = start_live_shop(tmp_path)
    yield shop
    shop.stop()


@pytest.fixture
def buyer(live_shop) -> Buyer:
    person = Buyer(live_shop)
    yield person
    person.close()


@pytest.fixture
def waiting_payments():
    """Insert payments awaiting payment straight into the database, as many as a test needs.

    Returns their rows: id, gateway_order_id, merchant_order_number, amount, currency.
    """

    def insert(app: Flask, count: int, created_at: datetime | None = None) -> list[dict]:
        with app.app_context():
            order = Order(
                checkout_key=new_token(), name="Sync", email="s@ex.com", currency="643", total=0
            )
            db.session.add(order)
            db.session.flush()
            rows = [_waiting(order.id, n, created_at or utcnow()) for n in range(1, count + 1)]
            added = db.session.execute(
                insert_rows(Payment).returning(Payment.id, sort_by_parameter_order=True), rows
            )
            for row, payment_id in zip(rows, added.scalars(), strict=True):
                row["id"] = payment_id
            db.session.commit()
        return rows

    return insert


def _waiting(order_id: int, n: int, created_at: datetime) -> dict:
    return {
        "order_id": order_id,
        "attempt": n,
        "provider": "rbs",
        "token": new_token(),
        "merchant_order_number": f"W{order_id}-{n}",
        "gateway_order_id": f"stub-{order_id}-{n}",
        "amount": 1000 + n,
        "currency": "643",
        "state": "awaiting_payment",
        "created_at": created_at,
    }


@pytest.fixture
def gateway_check_app(tmp_path):
    """Build shops for `flask gateway-check`: SHOP_PUBLIC_URL on a free port it serves itself."""
    made = []

    def build(**overrides):
        made.append(build_app(tmp_path, **overrides))
        return made[-1]

    yield build
    for built in made:
        close_app(built)
