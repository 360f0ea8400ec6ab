"""Return, callback and reconciler racing for one payment: one transition, one event."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments import reconcile
from shop.payments.gateways.rbs import callback_checksum
from tests.support import Buyer, start_live_shop

KEY = "race-key"
DELIVERIES = 50


@pytest.fixture
def shop(tmp_path):
    live = start_live_shop(tmp_path, RBS_CALLBACK_KEY=KEY, SANDBOX_RBS_CALLBACKS="manual")
    yield live
    live.stop()


def paid_but_not_yet_known(shop) -> Payment:
    buyer = Buyer(shop)
    buyer.pay_and_close_the_tab()
    buyer.close()
    with shop.app.app_context():
        payment = db.session.execute(db.select(Payment)).scalar_one()
    assert payment.state == "awaiting_payment"
    return payment


def test_fifty_returns_callbacks_and_syncs_at_once_make_one_transition(shop):
    payment = paid_but_not_yet_known(shop)
    return_url = f"{shop.url}/checkout/return/{payment.token}"
    params = {
        "mdOrder": payment.gateway_order_id,
        "orderNumber": payment.merchant_order_number,
        "operation": "deposited",
        "status": "1",
    }
    signed = {**params, "checksum": callback_checksum(params, KEY)}

    def deliver_return() -> int:
        answer = requests.get(return_url, params={"orderId": payment.gateway_order_id}, timeout=30)
        return answer.status_code

    def deliver_callback() -> int:
        answer = requests.get(f"{shop.url}/payments/rbs/callback", params=signed, timeout=30)
        return answer.status_code

    def run_sync() -> int:
        with shop.app.app_context():
            reconcile.sync()
        return 200

    jobs = [deliver_return, deliver_callback, run_sync] * DELIVERIES
    with ThreadPoolExecutor(max_workers=48) as pool:
        statuses = list(pool.map(lambda job: job(), jobs))

    assert statuses.count(200) == len(jobs), sorted(set(statuses))
    with shop.app.app_context():
        assert db.session.get(Payment, payment.id).state == "paid"
        moves = db.session.execute(
            db.select(PaymentEvent).filter_by(payment_id=payment.id, kind="transition")
        ).scalars()
        assert [(e.from_state, e.to_state) for e in moves] == [
            ("pending", "awaiting_payment"),
            ("awaiting_payment", "paid"),
        ]
