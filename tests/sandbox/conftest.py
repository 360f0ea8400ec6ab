"""Fixtures of both gateways' tests: a fresh sandbox app on a temporary SQLite file, a fake
clock, a loopback receiver for callbacks, and the sandbox run alone for tests over real sockets."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from shop.sandbox import create_app
from tests.support import Clock, SandboxServer, start_sandbox_server

FUTURE_EXPIRY = "12/39"
SHOP_ORIGIN = "https://shop.example"
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there: callbacks to it fail
PARALLEL = 10


@pytest.fixture
def clock() -> Clock:
    return Clock(frozen=True)


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


def dialect_of(request: pytest.FixtureRequest) -> str:
    """The RBS dialect a test asks for through a `dialect` fixture; the sandbox's default else."""
    if "dialect" in request.fixturenames:
        return request.getfixturevalue("dialect")
    return "sber"


@pytest.fixture
def app(request: pytest.FixtureRequest, db_path: Path, clock: Clock) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SANDBOX_DATABASE_URL": f"sqlite:///{db_path}",
            "SANDBOX_CLOCK": clock,
            "SANDBOX_RBS_CALLBACK_DELAYS": "0,0.05,0.05",
            "SANDBOX_PAYNETEASY_CALLBACK_DELAYS": "0,0.05,0.05",
            "SANDBOX_ALLOWED_ORIGINS": allowed_origins(request),
            # The default unless a test asks for a dialect (a `dialect` fixture): tests of
            # exact answers must not follow a SANDBOX_RBS_DIALECT set for the flow tests.
            "SANDBOX_RBS_DIALECT": dialect_of(request),
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


def path_of(url: str) -> str:
    """Turn an absolute sandbox URL into what the test client requests."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


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


@pytest.fixture
def server(tmp_path) -> Iterator[SandboxServer]:
    """The sandbox alone; its threads share this process, switched often so that requests
    interleave between reading an order and writing it, as separate workers would."""
    server = start_sandbox_server(tmp_path, SANDBOX_ALLOWED_ORIGINS=SHOP_ORIGIN)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield server
    sys.setswitchinterval(interval)
    server.stop()


def all_at_once(url: str, data: dict[str, str]) -> list[requests.Response]:
    """POST the same request PARALLEL times, released together."""
    start = threading.Barrier(PARALLEL)

    def send(_: int) -> requests.Response:
        start.wait()
        return requests.post(url, data=data, timeout=10)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(send, range(PARALLEL)))
