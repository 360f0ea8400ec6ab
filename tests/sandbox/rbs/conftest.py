"""Fixtures of the RBS gateway's tests: API calls with the demo credentials, the hosted page,
and the test's own check of the callback checksum."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.sandbox.conftest import FUTURE_EXPIRY, path_of

AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}
DEMO_KEY = "sandbox-callback-key"  # SANDBOX_RBS_CALLBACK_KEY's default


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


@pytest.fixture
def open_page(client: FlaskClient) -> Callable[[str], TestResponse]:
    """GET the hosted page behind a formUrl."""
    return lambda form_url: client.get(path_of(form_url))


@pytest.fixture
def pay(client: FlaskClient) -> Callable[..., TestResponse]:
    """Submit the card form of the hosted page behind a formUrl."""

    def submit(
        form_url: str, pan: str, cvc: str = "123", expiry: str = FUTURE_EXPIRY
    ) -> TestResponse:
        form = {"pan": pan, "expiry": expiry, "cvc": cvc, "cardholder": "Test Payer"}
        return client.post(path_of(form_url), data=form)

    return submit


def signed_by(hit: dict[str, str], key: str) -> bool:
    """The test's own check of rbs.md 5.1 (independent of the code under test)."""
    params = {k: v for k, v in hit.items() if k not in {"_query", "shop_token", "checksum"}}
    text = "".join(f"{name};{params[name]};" for name in sorted(params))
    digest = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    return hmac.compare_digest(digest, hit.get("checksum", ""))


def events(hits: list[dict[str, str]]) -> list[tuple[str, str]]:
    assert all(signed_by(hit, DEMO_KEY) for hit in hits)
    return [(hit["operation"], hit["status"]) for hit in hits]


def callbacks_of(client, md_order: str) -> list[dict[str, Any]]:
    answer = client.get(f"/payment/sandbox/orders/{md_order}/callbacks")
    assert answer.status_code == 200
    return answer.get_json()


def wait_tries(client, md_order: str, count: int) -> list[dict[str, Any]]:
    """Poll the log until count tries of all callbacks are recorded (bounded)."""
    deadline = time.monotonic() + 5
    tries: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        tries = [t for note in callbacks_of(client, md_order) for t in note["attempts"]]
        if len(tries) >= count:
            break
        time.sleep(0.02)
    return tries
