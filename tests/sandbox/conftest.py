"""Fixtures for the RBS sandbox: a fresh app on a temporary SQLite file, a fake clock."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from shop.sandbox import create_app

AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}
FUTURE_EXPIRY = "12/39"
DEMO_KEY = "sandbox-callback-key"  # SANDBOX_RBS_CALLBACK_KEY's default
SHOP_ORIGIN = "https://shop.example"
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there: callbacks to it fail


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


def allowed_origins(request: pytest.FixtureRequest) -> str:
    """The origins tests register URLs on; the callback receiver's too when a test uses it."""
    origins = [SHOP_ORIGIN, UNREACHABLE]
    if "receiver" in request.fixturenames:
        parts = urlsplit(request.getfixturevalue("receiver").url)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return ",".join(origins)


@pytest.fixture
def app(request: pytest.FixtureRequest, db_path: Path, clock: FakeClock) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SANDBOX_DATABASE_URL": f"sqlite:///{db_path}",
            "SANDBOX_CLOCK": clock,
            "SANDBOX_RBS_CALLBACK_DELAYS": "0,0.05,0.05",
            "SANDBOX_ALLOWED_ORIGINS": allowed_origins(request),
        }
    )
    yield app
    from shop.sandbox.common import delivery
    from shop.sandbox.common.db import db

    delivery.shutdown(app)  # every callback thread of the app, RBS and PaynetEasy
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


@dataclass
class Receiver:
    """A loopback HTTP server that records callback hits and fails the first ones."""

    url: str
    fail_first: int = 0
    hits: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, str]]:
        """Poll until count hits arrived (bounded), then return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.hits) >= count:
                    return list(self.hits)
            time.sleep(0.01)
        with self.lock:
            return list(self.hits)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Flask("callback_receiver")
    box: dict[str, Receiver] = {}

    @hook.get("/cb")
    def callback() -> tuple[str, int]:
        target = box["receiver"]
        with target.lock:
            target.hits.append({**request.args.to_dict(), "_query": request.query_string.decode()})
            failing = len(target.hits) <= target.fail_first
        return ("nope", 500) if failing else ("OK", 200)

    server = make_server("127.0.0.1", 0, hook, threaded=True)
    box["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/cb?shop_token=s3cr3t")
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield box["receiver"]
    server.shutdown()
    server.server_close()
    thread.join(5)


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


def deliveries_done(app: Flask, timeout: float = 5.0) -> None:
    """Wait until every callback delivery the app started has made its last try: after this
    positive signal nothing more can arrive, so an absence may be asserted."""
    from shop.sandbox.common import delivery

    bookkeeping = delivery.state(app)
    with bookkeeping.lock:
        threads = list(bookkeeping.threads)
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a delivery is still running"
