"""Fixtures: an app with its own databases, a live shop on loopback, a buyer."""

from __future__ import annotations

import pytest

from shop import create_app
from tests.support import (
    Buyer,
    LiveShop,
    make_config,
    prepare_database,
    release_database,
    start_live_shop,
)


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
