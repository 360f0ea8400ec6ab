"""A slow bank never takes every worker: gateway calls wait for one of a few slots, and a
checkout that cannot get one is told the bank is busy, with its order saved."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shop.payments.gateways.bulkhead import Bulkhead
from shop.payments.gateways.errors import GatewayBusy
from shop.sandbox.common.db import db as sandbox_db
from shop.sandbox.rbs.models import GatewayOrder
from tests.support import Buyer, start_live_shop


def registered_at_the_gateway(shop) -> int:
    with shop.sandbox().app_context():
        return sandbox_db.session.scalar(
            sandbox_db.select(sandbox_db.func.count(GatewayOrder.md_order))
        )


def test_a_checkout_without_a_free_slot_is_told_the_bank_is_busy(tmp_path):
    shop = start_live_shop(tmp_path, GATEWAY_CONCURRENCY=1, GATEWAY_QUEUE_SECS=0.2)
    first, second = Buyer(shop), Buyer(shop)
    try:
        slow = {"method": "register.do", "fault": "hang_after", "ms": 2000, "times": 1}
        requests.post(f"{shop.url}/sandbox/sandbox-control/faults", json=slow, timeout=5)
        first.add("wool-socks")
        second.add("tea-sampler")
        with ThreadPoolExecutor(1) as pool:
            slow_checkout = pool.submit(first.checkout)
            deadline = time.monotonic() + 5
            while registered_at_the_gateway(shop) == 0 and time.monotonic() < deadline:
                time.sleep(0.02)  # the gateway registered it and holds the answer: slot taken
            assert registered_at_the_gateway(shop) == 1

            busy = second.checkout()
            catalog = requests.get(shop.url, timeout=5)
            assert not slow_checkout.done()  # all this while the only slot was held

            assert slow_checkout.result(timeout=10).status_code == 303
        page = second.get(busy.headers["Location"])
        assert catalog.status_code == 200
        assert "The bank is busy right now. Your order is saved" in page.text
        assert 'data-state="registration_failed"' in page.text and "Try again" in page.text
        assert registered_at_the_gateway(shop) == 1  # nothing was sent for the second
    finally:
        first.close()
        second.close()
        shop.stop()


def test_a_bulkhead_gives_its_slots_back():
    bulkhead = Bulkhead(slots=2, wait=0.05)
    with bulkhead.slot(), bulkhead.slot(), pytest.raises(GatewayBusy), bulkhead.slot():
        pass
    with bulkhead.slot(), bulkhead.slot():
        pass  # both free again
