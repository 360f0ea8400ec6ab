"""Callbacks that get lost, duplicated, delayed or reordered: the orders still end right."""

from __future__ import annotations

import pytest
import requests

from shop.extensions import db
from shop.models import Order, Payment, PaymentEvent
from tests.support import Buyer, Staff, start_live_shop


@pytest.fixture
def shop(tmp_path):
    live = start_live_shop(
        tmp_path, SANDBOX_RBS_CALLBACKS="auto", SANDBOX_RBS_CALLBACK_DELAYS="0,0.1,0.2"
    )
    yield live
    live.stop()


def arm(shop, fault: str, ms: int = 0) -> None:
    answer = requests.post(
        f"{shop.url}/sandbox/sandbox-control/faults",
        json={"method": "callback", "fault": fault, "ms": ms},
        timeout=5,
    )
    assert answer.status_code == 201


def pay_and_close_the_tab(shop) -> None:
    buyer = Buyer(shop)
    buyer.pay_and_close_the_tab()
    buyer.close()


def state() -> str:
    return db.session.execute(db.select(Payment.state)).scalar_one()


def count(kind: str, **filters: str) -> int:
    query = db.select(PaymentEvent).filter_by(kind=kind, **filters)
    return len(db.session.execute(query).scalars().all())


def test_a_lost_callback_is_made_up_for_by_the_reconciler(shop):
    arm(shop, "lost")
    pay_and_close_the_tab(shop)
    assert not shop.wait_for(lambda: state() == "paid", seconds=0.5)

    result = shop.app.test_cli_runner().invoke(args=["payments", "sync"])

    assert "changed 1" in result.output
    assert shop.wait_for(lambda: state() == "paid")


def test_a_duplicated_callback_makes_one_transition(shop):
    arm(shop, "duplicated")
    pay_and_close_the_tab(shop)
    assert shop.wait_for(lambda: count("callback") == 2)
    assert shop.wait_for(lambda: state() == "paid")
    with shop.app.app_context():
        assert count("transition", to_state="paid") == 1


def test_a_delayed_callback_still_settles_the_order(shop):
    arm(shop, "delayed", ms=1500)
    pay_and_close_the_tab(shop)
    with shop.app.app_context():
        assert state() == "awaiting_payment"
    assert shop.wait_for(lambda: state() == "paid", seconds=10)


def test_callbacks_out_of_order_never_move_a_payment_backwards(tmp_path):
    shop = start_live_shop(
        tmp_path,
        RBS_TWO_STAGE=True,
        SANDBOX_RBS_CALLBACKS="auto",
        SANDBOX_RBS_CALLBACK_DELAYS="0,0.1,0.2",
    )
    try:
        arm(shop, "out_of_order")  # "approved" is held back until "deposited" went out
        pay_and_close_the_tab(shop)
        staff = Staff(shop)
        staff.sign_in()
        with shop.app.app_context():
            token = db.session.execute(db.select(Order.token)).scalar_one()
        assert "capture confirmed" in staff.act(token, "capture").text
        assert shop.wait_for(lambda: count("callback") == 2)
        with shop.app.app_context():
            assert state() == "paid"
            moves = db.session.execute(
                db.select(PaymentEvent.to_state).filter_by(kind="transition")
            ).scalars()
            assert list(moves) == ["awaiting_payment", "authorized", "paid"]
    finally:
        shop.stop()
