"""Fixtures for the RBS sandbox: a fresh app on a temporary SQLite file, a fake clock."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shop.sandbox import create_app

AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}
FUTURE_EXPIRY = "12/39"


class FakeClock:
    """A settable clock so expiry tests need no sleep."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sb.sqlite3"


@pytest.fixture
def app(db_path: Path, clock: FakeClock) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "SANDBOX_DATABASE_URL": f"sqlite:///{db_path}", "SANDBOX_CLOCK": clock}
    )
    yield app
    from shop.sandbox.models import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def rbs(client: FlaskClient) -> Callable[..., dict[str, Any]]:
    """Call an API method with the demo credentials; return the JSON body (HTTP 200 asserted)."""

    def call(method: str, **params: str) -> dict[str, Any]:
        response = client.post(f"/payment/rest/{method}.do", data={**AUTH, **params})
        assert response.status_code == 200
        assert response.content_type == "application/json;charset=UTF-8"
        return response.get_json()

    return call


@pytest.fixture
def register(rbs: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Register an order with sensible defaults; keyword arguments override them."""

    def make(method: str = "register", **params: str) -> dict[str, Any]:
        body = {
            "orderNumber": uuid.uuid4().hex,
            "amount": "12345",
            "returnUrl": "https://shop.example/return?token=abc",
            "failUrl": "https://shop.example/fail",
            "description": "Two mugs",
            **params,
        }
        answer = rbs(method, **body)
        assert "orderId" in answer, answer
        return answer

    return make


def _path(form_url: str) -> str:
    """Turn an absolute formUrl into a path the test client can request."""
    parts = urlsplit(form_url)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def open_page(client: FlaskClient) -> Callable[[str], TestResponse]:
    """GET the hosted page behind a formUrl."""
    return lambda form_url: client.get(_path(form_url))


@pytest.fixture
def pay(client: FlaskClient) -> Callable[..., TestResponse]:
    """Submit the card form of the hosted page behind a formUrl."""

    def submit(
        form_url: str, pan: str, cvc: str = "123", expiry: str = FUTURE_EXPIRY
    ) -> TestResponse:
        form = {"pan": pan, "expiry": expiry, "cvc": cvc, "cardholder": "Test Payer"}
        return client.post(_path(form_url), data=form)

    return submit
