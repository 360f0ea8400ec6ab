"""The sandbox online, over real sockets: alone on its port, and mounted in the shop's process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests

from tests.support import start_live_shop, start_sandbox_server

AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}


@dataclass(frozen=True)
class Live:
    api: str  # the RBS API of the sandbox
    origin: str  # the one merchant origin it allows
    ordinary: str  # a page that must keep answering


@pytest.fixture(params=["standalone", "mounted"])
def live(request, tmp_path) -> Iterator[Live]:
    if request.param == "standalone":
        origin = "https://shop.example"
        server = start_sandbox_server(
            tmp_path, SANDBOX_FAULT_MAX_DELAYED="1", SANDBOX_ALLOWED_ORIGINS=origin
        )
        yield Live(server.rbs_api_url, origin, f"{server.url}/static/sandbox.css")
        server.stop()
    else:
        shop = start_live_shop(tmp_path, SANDBOX_FAULT_MAX_DELAYED="1")
        yield Live(f"{shop.url}/sandbox/payment/rest/", shop.url, f"{shop.url}/")
        shop.stop()


def order(live: Live, number: str, **urls: str) -> dict[str, str]:
    return {**AUTH, "orderNumber": number, "amount": "100", "returnUrl": f"{live.origin}/r", **urls}


def test_only_the_allowed_origin_is_taken(live):
    own = requests.post(f"{live.api}register.do", data=order(live, "own"), timeout=5).json()
    stolen = order(live, "stolen", dynamicCallbackUrl="http://127.0.0.1:22/internal")
    refused = requests.post(f"{live.api}register.do", data=stolen, timeout=5).json()
    page = requests.get(own["formUrl"], timeout=5)

    assert refused["errorCode"] == "4" and "allowed origin" in refused["errorMessage"]
    assert page.status_code == 200
    assert f"form-action 'self' {live.origin};" in page.headers["Content-Security-Policy"]


def test_a_delaying_fault_beyond_the_limit_is_refused_at_once(live):
    status_url = f"{live.api}getOrderStatusExtended.do"
    slow = order(live, "slow")
    with ThreadPoolExecutor(1) as pool:
        # hang_after registers the order at once, then sleeps: the order is the signal.
        first = pool.submit(
            requests.post,
            f"{live.api}register.do",
            data=slow,
            headers={"X-Sandbox-Fault": "hang_after;ms=2000"},
            timeout=10,
        )
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            status = requests.post(status_url, data=slow, timeout=5)
            if status.json().get("orderNumber") == "slow":
                break
            time.sleep(0.01)
        started = time.monotonic()
        refused = requests.post(
            status_url, data=slow, headers={"X-Sandbox-Fault": "hang;ms=20000"}, timeout=5
        )
        refused_in = time.monotonic() - started
        ordinary = requests.get(live.ordinary, timeout=5)
        assert not first.done()  # all of the above happened while the first one slept
        assert first.result().status_code == 200
    again = requests.post(
        status_url, data=slow, headers={"X-Sandbox-Fault": "latency;ms=1"}, timeout=5
    )

    assert status.json()["orderNumber"] == "slow"
    assert refused.status_code == 429 and refused_in < 1
    assert refused.json() == {
        "errorCode": "7",
        "errorMessage": "Too many delaying faults in progress (SANDBOX_FAULT_MAX_DELAYED=1)",
    }
    assert ordinary.status_code == 200
    assert again.status_code == 200  # the slot was given back
