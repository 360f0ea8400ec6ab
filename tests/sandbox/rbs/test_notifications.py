"""RBS callbacks end to end: every trigger, the attempt log, expiry sweeps, control, shutdown."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from shop.sandbox import create_app
from shop.sandbox.common import delivery
from shop.sandbox.common.db import db
from tests.sandbox.conftest import deliveries_done
from tests.sandbox.rbs.conftest import DEMO_KEY, callbacks_of, events, signed_by, wait_tries

CARD, DECLINED_CARD, CHALLENGE_CARD = "4111111111111111", "5168494895055780", "5555555555555599"
PARAM_NAMES = {"mdOrder", "orderNumber", "operation", "status", "amount", "checksum"}


@pytest.fixture
def order(register, receiver):
    """Register an order whose dynamicCallbackUrl is the receiver."""

    def make(method: str = "register", **params: str) -> dict[str, Any]:
        return register(method, dynamicCallbackUrl=receiver.url, amount="10000", **params)

    return make


def test_each_param_is_sent_and_the_checksum_verifies(order, pay, receiver):
    registered = order(orderNumber="shop-42")
    pay(registered["formUrl"], CARD)
    hit = receiver.wait_for(1)[0]
    assert set(hit) - {"_query", "shop_token"} == PARAM_NAMES
    assert hit["checksum"] == hit["checksum"].upper() and len(hit["checksum"]) == 64
    assert signed_by(hit, DEMO_KEY)
    assert not signed_by(hit, "another-key")
    assert (hit["mdOrder"], hit["orderNumber"], hit["amount"]) == (
        registered["orderId"],
        "shop-42",
        "10000",
    )


def test_three_ds_outcomes_notify_once_the_challenge_is_answered(order, pay, client, receiver, app):
    passed, failed = order(), order()
    challenges = [pay(o["formUrl"], CHALLENGE_CARD).headers["Location"] for o in (passed, failed)]
    deliveries_done(app)
    assert receiver.hits == []  # nothing while 3-D Secure is open (orderStatus 5)
    client.post(challenges[0], data={"code": "123456"})
    receiver.wait_for(1)
    client.post(challenges[1], data={"code": "000000"})
    assert events(receiver.wait_for(2)) == [("deposited", "1"), ("deposited", "0")]


def test_a_declined_hold_is_a_failed_deposit(order, pay, receiver):
    pay(order("registerPreAuth")["formUrl"], DECLINED_CARD)
    assert events(receiver.wait_for(1)) == [("deposited", "0")]


def test_the_payer_cancelling_is_a_failed_deposit(order, open_page, client, receiver):
    registered = order()
    html = open_page(registered["formUrl"]).get_data(as_text=True)
    cancel_path = html.split('action="')[2].split('"')[0].replace("&amp;", "&")
    client.post(cancel_path)
    assert events(receiver.wait_for(1)) == [("deposited", "0")]


def test_a_full_two_stage_life_notifies_every_step(order, pay, rbs, receiver):
    registered = order("registerPreAuth")
    md_order = registered["orderId"]
    pay(registered["formUrl"], CARD)
    receiver.wait_for(1)
    for count, (method, amount) in enumerate(
        (("deposit", "0"), ("refund", "1000"), ("refund", "0"))
    ):
        assert rbs(method, orderId=md_order, amount=amount)["errorCode"] == "0"
        receiver.wait_for(count + 2)  # each callback has its own thread: no order among them
    hits = receiver.wait_for(4)
    assert events(hits) == [("approved", "1"), ("deposited", "1"), *[("refunded", "1")] * 2]
    assert [hit["amount"] for hit in hits] == ["10000", "10000", "1000", "9000"]


def test_refused_operations_send_nothing(order, pay, rbs, receiver, app):
    registered = order()
    pay(registered["formUrl"], CARD)
    receiver.wait_for(1)
    assert rbs("refund", orderId=registered["orderId"], amount="10001")["errorCode"] == "7"
    assert rbs("deposit", orderId=registered["orderId"], amount="0")["errorCode"] == "7"
    deliveries_done(app)
    assert len(receiver.hits) == 1


def test_attempt_log_records_each_try(order, pay, client, clock, receiver, app):
    receiver.fail_first = 2
    registered = order()
    pay(registered["formUrl"], CARD)
    tries = wait_tries(client, registered["orderId"], 3)
    assert [(t["attempt"], t["http_status"], t["error"]) for t in tries] == [
        (1, 500, None),
        (2, 500, None),
        (3, 200, None),
    ]
    assert {t["trigger"] for t in tries} == {"auto"}
    assert {t["url"] for t in tries} == {receiver.url.split("?")[0]}  # no query, no token
    assert {t["at"] for t in tries} == {clock.now}  # the sandbox clock, not the wall clock
    (note,) = callbacks_of(client, registered["orderId"])
    assert (note["operation"], note["status"], note["url"]) == ("deposited", "1", tries[0]["url"])
    deliveries_done(app)
    assert len(receiver.hits) == 3  # nothing after the 200


def test_unreachable_callback_url_is_logged_as_an_error(register, pay, client, app):
    app.config["SANDBOX_RBS_CALLBACK_DELAYS"] = "0"
    registered = register(dynamicCallbackUrl="http://127.0.0.1:9/cb")
    pay(registered["formUrl"], CARD)
    (attempt,) = wait_tries(client, registered["orderId"], 1)
    assert attempt["http_status"] is None and attempt["error"] == "ConnectionError"


def test_static_callback_url_serves_orders_without_a_dynamic_one(app, register, pay, receiver):
    app.config["SANDBOX_RBS_CALLBACK_URL"] = receiver.url
    registered = register()
    pay(registered["formUrl"], CARD)
    hit = receiver.wait_for(1)[0]
    assert hit["mdOrder"] == registered["orderId"] and hit["shop_token"] == "s3cr3t"


def test_dynamic_callback_url_wins_over_the_static_one(app, order, pay, receiver):
    app.config["SANDBOX_RBS_CALLBACK_URL"] = "http://127.0.0.1:9/static"
    pay(order()["formUrl"], CARD)
    assert len(receiver.wait_for(1)) == 1


def test_no_checksum_when_the_key_is_empty(app, order, pay, receiver):
    app.config["SANDBOX_RBS_CALLBACK_KEY"] = ""
    pay(order()["formUrl"], CARD)
    hit = receiver.wait_for(1)[0]
    assert set(hit) - {"_query", "shop_token"} == PARAM_NAMES - {"checksum"}


def test_resend_repeats_the_latest_callback_with_its_parameters(order, pay, rbs, client, receiver):
    registered = order("registerPreAuth")
    pay(registered["formUrl"], CARD)
    receiver.wait_for(1)
    rbs("reverse", orderId=registered["orderId"])
    receiver.wait_for(2)

    answer = client.post(f"/payment/sandbox/orders/{registered['orderId']}/callback")

    assert answer.status_code == 202
    assert answer.get_json() == {
        "queued": True,
        "operation": "reversed",
        "url": receiver.url.split("?")[0],
    }
    hits = receiver.wait_for(3)
    assert hits[2] == hits[1] and events(hits[2:]) == [("reversed", "1")]
    assert len(wait_tries(client, registered["orderId"], 3)) == 3
    approved, reversed_ = callbacks_of(client, registered["orderId"])
    assert [t["trigger"] for t in approved["attempts"]] == ["auto"]
    assert sorted(t["trigger"] for t in reversed_["attempts"]) == ["auto", "manual"]


def test_manual_mode_records_and_waits_to_be_asked(app, order, pay, client, receiver):
    app.config["SANDBOX_RBS_CALLBACKS"] = "manual"
    registered = order()
    pay(registered["formUrl"], CARD)
    deliveries_done(app)
    assert receiver.hits == []
    (note,) = callbacks_of(client, registered["orderId"])
    assert (note["operation"], note["attempts"]) == ("deposited", [])
    client.post(f"/payment/sandbox/orders/{registered['orderId']}/callback")
    assert events(receiver.wait_for(1)) == [("deposited", "1")]


def test_control_endpoints_know_unknown_orders(client):
    assert client.get("/payment/sandbox/orders/nope/callbacks").status_code == 404
    assert client.post("/payment/sandbox/orders/nope/callback").status_code == 404


def test_shutdown_stops_pending_retries_at_once(app, order, pay, receiver):
    app.config["SANDBOX_RBS_CALLBACK_DELAYS"] = "0,30"
    receiver.fail_first = 99
    pay(order()["formUrl"], CARD)
    receiver.wait_for(1)
    started = time.monotonic()

    delivery.shutdown(app)

    assert time.monotonic() - started < 2
    assert not any(thread.is_alive() for thread in delivery.state(app).threads)
    assert len(receiver.hits) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"SANDBOX_RBS_CALLBACKS": "sometimes"},
        {"SANDBOX_RBS_CALLBACK_DELAYS": "0,soon"},
        {"SANDBOX_RBS_CALLBACK_DELAYS": "-1"},
        {"SANDBOX_RBS_CALLBACK_URL": "/relative/callback"},
        {"SANDBOX_RBS_CALLBACK_URL": "ftp://shop.example/cb"},
    ],
)
def test_bad_callback_settings_fail_at_startup(tmp_path: Path, overrides):
    with pytest.raises(ValueError, match="SANDBOX_RBS_CALLBACK"):
        create_app({"SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", **overrides})


def test_default_settings(tmp_path: Path):
    app = create_app({"TESTING": True, "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    try:
        assert app.config["SANDBOX_RBS_CALLBACK_KEY"] == DEMO_KEY
        assert app.config["SANDBOX_RBS_CALLBACK_URL"] == ""
        assert app.config["SANDBOX_RBS_CALLBACK_DELAYS"] == "0,1,2,4,8"
        assert app.config["SANDBOX_RBS_CALLBACKS"] == "auto"
    finally:
        with app.app_context():
            db.engine.dispose()
