"""Fixtures of the PaynetEasy gateway's tests: API calls with valid controls, the hosted form,
the status, capture and return bodies, and polling the callback log."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import unquote_plus

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.sandbox.conftest import FUTURE_EXPIRY, path_of

KEY = "5A1C7E3B-0D2F-4B8E-9C61-SANDBOX00001"
LOGIN = "redirect-shop"
ENDPOINT = "4242"
GROUP = "4343"
GOOD_PAN = "4444555566661111"
SUCCESS = "https://shop.example/pay/success?token=abc"
FAIL = "https://shop.example/pay/fail?token=abc"
BACK = "https://shop.example/pay/back?token=abc"


def sha1(*parts: str) -> str:
    """The test's own SHA-1 (independent of the code under test)."""
    return hashlib.sha1("".join(parts).encode(), usedforsecurity=False).hexdigest()


def parse_body(text: str) -> list[tuple[str, str]]:
    """Parse `key=value\\n&key=value\\n`, insisting on the newline after every value."""
    pairs = []
    for line in text.split("&"):
        assert line.endswith("\n"), f"value without trailing newline: {line!r}"
        key, _, value = line[:-1].partition("=")
        pairs.append((key, unquote_plus(value)))
    return pairs


@pytest.fixture
def call(client: FlaskClient) -> Callable[..., dict[str, str]]:
    """POST a command; assert HTTP 200 and the wire format; return the fields."""

    def send(command: str, data: dict[str, str], url_id: str = ENDPOINT) -> dict[str, str]:
        response = client.post(f"/paynet/api/v2/{command}/{url_id}", data=data)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/html;charset=utf-8"
        return dict(parse_body(response.get_data(as_text=True)))

    return send


def form_params(url_id: str = ENDPOINT, **overrides: str) -> dict[str, str]:
    """A valid sale-form body; the control is recomputed unless given."""
    params = {
        "client_orderid": uuid.uuid4().hex[:20],
        "order_desc": "Two mugs",
        "amount": "10.42",
        "currency": "RUB",
        "email": "john.smith@example.com",
        "address1": "1 Main St",
        "city": "Riga",
        "zip_code": "1010",
        "country": "LV",
        "phone": "+31201112233",
        "ipaddress": "203.0.113.7",
        "redirect_url": BACK,
        "redirect_success_url": SUCCESS,
        "redirect_fail_url": FAIL,
        **overrides,
    }
    if "control" not in overrides:
        minor = str(int(Decimal(params["amount"]) * 100))
        params["control"] = sha1(url_id, params["client_orderid"], minor, params["email"], KEY)
    return params


@pytest.fixture
def open_order(call: Callable[..., dict[str, str]]) -> Callable[..., dict[str, str]]:
    """Run sale-form (or preauth-form) successfully; return the response fields."""

    def make(command: str = "sale-form", **overrides: str) -> dict[str, str]:
        fields = call(command, form_params(**overrides))
        assert fields["type"] == "async-form-response", fields
        return fields

    return make


@pytest.fixture
def pay(client: FlaskClient) -> Callable[..., TestResponse]:
    """Submit the hosted form behind a redirect-url."""

    def submit(
        order: dict[str, str], cvv: str = "123", pan: str = GOOD_PAN, expiry: str = FUTURE_EXPIRY
    ) -> TestResponse:
        form = {"pan": pan, "expiry": expiry, "cvv": cvv, "cardholder": "Test Holder"}
        return client.post(path_of(order["redirect-url"]), data=form)

    return submit


def status_params(order: dict[str, str], **overrides: str) -> dict[str, str]:
    """A valid status body for an order from open_order."""
    params = {
        "login": LOGIN,
        "client_orderid": order["merchant-order-id"],
        "orderid": order["paynet-order-id"],
        **overrides,
    }
    if "control" not in overrides:
        params["control"] = sha1(params["login"], params["client_orderid"], params["orderid"], KEY)
    return params


@pytest.fixture
def status(call: Callable[..., dict[str, str]]) -> Callable[[dict[str, str]], dict[str, str]]:
    """Query the status of an order; assert it is a status-response."""

    def query(order: dict[str, str]) -> dict[str, str]:
        fields = call("status", status_params(order))
        assert fields["type"] == "status-response", fields
        return fields

    return query


def money_params(
    order: dict[str, str], amount: str | None = None, currency: str = "RUB", **overrides: str
) -> dict[str, str]:
    """A valid capture/return body; amount and currency are signed only when amount is sent."""
    params = {
        "login": LOGIN,
        "client_orderid": order["merchant-order-id"],
        "orderid": order["paynet-order-id"],
    }
    money = ""
    if amount is not None:
        params |= {"amount": amount, "currency": currency}
        money = f"{int(Decimal(amount) * 100)}{currency}"
    params["control"] = sha1(LOGIN, params["client_orderid"], params["orderid"], money, KEY)
    return {**params, **overrides}


def wait_attempts(
    client: FlaskClient, paynet_id: str, count: int, timeout: float = 5.0
) -> list[dict[str, Any]]:
    """Poll the control endpoint until count delivery attempts are recorded (bounded)."""
    deadline = time.monotonic() + timeout
    rows: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        rows = client.get(f"/paynet/sandbox/orders/{paynet_id}/callbacks").get_json()
        if len(rows) >= count:
            return rows
        time.sleep(0.02)
    return rows
