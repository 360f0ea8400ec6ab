"""`payments sync` at scale: batches, a time budget, an exit status for cron, and two runs
at once (real processes) asking about each of 2,000 payments exactly once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from flask import Flask, jsonify, request

from shop import config as shop_config
from shop.extensions import db
from shop.models import Payment
from shop.payments import reconcile
from tests.support import serve_on_loopback

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"asked (\d+), changed (\d+), unreachable (\d+), given up (\d+)")


class StubGateway:
    """An RBS gateway that only answers getOrderStatusExtended.do, counting calls per orderId.

    Waiting by default; `paid` ids report money taken, `broken` ids fail with HTTP 500.
    """

    def __init__(self) -> None:
        self.payments: dict[str, dict] = {}
        self.paid: set[str] = set()
        self.broken: set[str] = set()
        self.delay = 0.0
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        app = Flask(__name__)
        app.add_url_rule(
            "/payment/rest/getOrderStatusExtended.do", view_func=self.status, methods=["POST"]
        )
        self.url, self.stop = serve_on_loopback(app)
        self.api_url = f"{self.url}/payment/rest/"

    def know(self, rows: list[dict]) -> None:
        self.payments.update({row["gateway_order_id"]: row for row in rows})

    def status(self):
        order_id = request.form.get("orderId", "")
        with self._lock:
            self.calls[order_id] += 1
        time.sleep(self.delay)
        if order_id in self.broken:
            return "gateway trouble", 500
        row = self.payments.get(order_id)
        if row is None:
            return jsonify(errorCode="6", errorMessage="Order not found")
        return jsonify(_rbs_status(row, paid=order_id in self.paid))


def _rbs_status(row: dict, paid: bool) -> dict:
    body = {
        "errorCode": "0",
        "orderNumber": row["merchant_order_number"],
        "amount": row["amount"],
        "currency": row["currency"],
        "orderStatus": 2 if paid else 0,
        "actionCode": 0 if paid else -100,
        "attributes": [{"name": "mdOrder", "value": row["gateway_order_id"]}],
    }
    if paid:
        amount = row["amount"]
        body["paymentAmountInfo"] = {"approvedAmount": amount, "depositedAmount": amount}
    return body


@pytest.fixture
def gateway():
    stub = StubGateway()
    yield stub
    stub.stop()


def summary(output: str) -> tuple[int, int, int, int]:
    found = SUMMARY.search(output)
    assert found, output
    return tuple(int(n) for n in found.groups())


def sync(app, expect_exit: int = 0) -> tuple[int, int, int, int]:
    result = app.test_cli_runner().invoke(args=["payments", "sync"])
    assert result.exit_code == expect_exit, result.output
    return summary(result.output)


def states(app) -> Counter[str]:
    with app.app_context():
        return Counter(db.session.execute(db.select(Payment.state)).scalars())


def never_stamped(app) -> int:
    with app.app_context():
        query = db.select(db.func.count()).where(Payment.status_checked_at.is_(None))
        return db.session.execute(query).scalar_one()


def sync_process(app, gateway: StubGateway, **settings: str) -> subprocess.Popen:
    """`flask --app shop payments sync` as cron starts it, on this test's database."""
    inherited = {k: v for k, v in os.environ.items() if k not in shop_config.DEFAULTS}
    env = {
        **inherited,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "RBS_API_URL": gateway.api_url,
        "SECRET_KEY": "sync-test-secret-key",
        **settings,
    }
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask), "--app", "shop", "payments", "sync"]
    return subprocess.Popen(  # noqa: S603 (our own command, our own arguments)
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def how_many(app) -> int:
    """2,000 on PostgreSQL, the production path; on the embedded SQLite the same claims are
    exercised with 500, a quarter of the cost in every `make test`."""
    with app.app_context():
        return 2000 if db.engine.dialect.name == "postgresql" else 500


def test_two_syncs_at_once_ask_about_each_of_2000_payments_exactly_once(
    app, gateway, waiting_payments
):
    count = how_many(app)
    rows = waiting_payments(app, count)
    gateway.know(rows)
    gateway.paid = {row["gateway_order_id"] for row in rows[::10]}

    # About sharing the work, not the clock: time enough on a loaded machine, and a payment
    # asked once is not due again before the runs end.
    unhurried = {"SYNC_TIME_BUDGET_SECS": "600", "SYNC_INTERVAL_SECS": "3600"}
    runs = [sync_process(app, gateway, **unhurried) for _ in range(2)]
    try:
        outputs = [run.communicate(timeout=600) for run in runs]
    finally:
        for run in runs:
            run.kill()  # no-op once it has ended; an interrupted test leaves no stray run
            run.wait()

    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-2000:]
    reports = [summary(out) for out, _err in outputs]
    assert all(asked > 0 for asked, *_ in reports), reports  # they really ran at once
    assert [sum(column) for column in zip(*reports, strict=True)] == [count, count // 10, 0, 0]
    assert set(gateway.calls) == {row["gateway_order_id"] for row in rows}
    assert set(gateway.calls.values()) == {1}, gateway.calls.most_common(3)
    assert states(app) == {"awaiting_payment": count - count // 10, "paid": count // 10}
    assert never_stamped(app) == 0


def test_a_run_claims_its_payments_batch_by_batch(make_app, gateway, waiting_payments, monkeypatch):
    app = make_app(RBS_API_URL=gateway.api_url, SYNC_BATCH=3)
    gateway.know(waiting_payments(app, 10))
    claimed: list[int] = []

    def recording_claim(size: int, interval: float) -> reconcile.Claim:
        claim = real_claim(size, interval)
        claimed.append(len(claim.ids))
        return claim

    real_claim = reconcile.claim_batch
    monkeypatch.setattr(reconcile, "claim_batch", recording_claim)

    assert sync(app) == (10, 0, 0, 0)
    assert claimed == [3, 3, 3, 1, 0]
    assert sync(app) == (0, 0, 0, 0)  # every one was asked this minute


def test_a_run_out_of_time_leaves_the_rest_to_the_next_run(make_app, gateway, waiting_payments):
    app = make_app(RBS_API_URL=gateway.api_url, SYNC_BATCH=10, SYNC_TIME_BUDGET_SECS=1.0)
    rows = waiting_payments(app, 15)
    gateway.know(rows)
    gateway.delay = 0.25  # a slow bank: about four answers fit in the budget

    first, *_ = sync(app)
    assert 0 < first < 10  # time ran out in the middle of the first batch
    assert never_stamped(app) == 15 - first  # claimed but not asked: handed back

    gateway.delay = 0
    app.config["SYNC_TIME_BUDGET_SECS"] = 50
    assert sync(app) == (15 - first, 0, 0, 0)
    assert set(gateway.calls.values()) == {1}
    assert len(gateway.calls) == 15


def test_sync_fails_when_the_gateway_answers_none_of_the_payments(make_app, waiting_payments):
    app = make_app(RBS_API_URL="http://127.0.0.1:9/payment/rest/")
    waiting_payments(app, 3)

    assert sync(app, expect_exit=1) == (3, 0, 3, 0)
    assert states(app) == {"awaiting_payment": 3}


def test_sync_succeeds_when_the_gateway_answers_some(make_app, gateway, waiting_payments):
    app = make_app(RBS_API_URL=gateway.api_url)
    rows = waiting_payments(app, 3)
    gateway.know(rows)
    gateway.broken = {rows[0]["gateway_order_id"], rows[1]["gateway_order_id"]}

    assert sync(app) == (3, 0, 2, 0)


def test_nothing_to_ask_is_not_a_failure(make_app, waiting_payments):
    app = make_app(RBS_API_URL="http://127.0.0.1:9/payment/rest/")

    assert sync(app) == (0, 0, 0, 0)
