"""The one transition function under a real race: a dozen threads, one move, one event."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Order, OrderLine, Payment, PaymentEvent
from shop.payments.gateways.base import GatewayStatus, Outcome
from shop.payments.states import PaymentState
from shop.payments.transitions import apply_status, transition

THREADS = 12  # under the default pool size (5 + 10 overflow): every thread holds one


def awaiting_payment(app) -> int:
    with app.app_context():
        order = Order(
            checkout_key="race-key-0000000000",
            name="Ada",
            email="ada@example.com",
            currency="643",
            total=89000,
            lines=[OrderLine(product_id=1, name="Mug", unit_price=89000, quantity=1)],
        )
        payment = Payment(
            order=order,
            attempt=1,
            provider="rbs",
            merchant_order_number="RS1-1-race",
            gateway_order_id="gw-race",
            amount=89000,
            currency="643",
            state=PaymentState.AWAITING_PAYMENT,
        )
        db.session.add(order)
        db.session.commit()
        return payment.id


@pytest.mark.parametrize(
    ("outcome", "state"),
    [(Outcome.DEPOSITED, PaymentState.PAID), (Outcome.DECLINED, PaymentState.DECLINED)],
)
def test_simultaneous_verified_news_moves_the_payment_once(app, outcome, state):
    payment_id = awaiting_payment(app)
    news = GatewayStatus(outcome=outcome, order_number="RS1-1-race", amount=89000, currency="643")
    start = threading.Barrier(THREADS)
    results: list[bool] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            with app.app_context():
                payment = db.session.get(Payment, payment_id)
                assert payment.state == PaymentState.AWAITING_PAYMENT
                start.wait(timeout=10)
                results.append(apply_status(payment, news, 10))
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    with app.app_context():
        assert db.session.get(Payment, payment_id).state == state
        moves = db.session.execute(
            db.select(PaymentEvent).filter_by(payment_id=payment_id, kind="transition")
        ).scalars()
        assert [e.to_state for e in moves] == [state.value]


def lock_waiters(app) -> int:
    """Sessions of this database waiting for a row lock (PostgreSQL)."""
    with app.app_context():
        query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        query += " AND datname = current_database()"
        waiting = db.session.execute(db.text(query)).scalar_one()
        db.session.rollback()
        return waiting


def test_a_transition_held_between_its_read_and_its_write_makes_the_second_one_lose(app):
    """On PostgreSQL the second transition waits for the first (its read locks the row);
    on SQLite, which has no row locks, the compare-and-set refuses the one that comes late."""
    payment_id = awaiting_payment(app)
    with app.app_context():
        engine, dialect = db.engine, db.engine.dialect.name
    first_reached_its_write, let_it_write = threading.Event(), threading.Event()
    first: list[int] = []
    results: dict[str, bool] = {}

    def hold_the_first(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() in first and statement.startswith("UPDATE payment SET state"):
            first_reached_its_write.set()
            let_it_write.wait(timeout=10)

    def move(name: str) -> None:
        if name == "first":
            first.append(threading.get_ident())
        with app.app_context():
            payment = db.session.get(Payment, payment_id)
            results[name] = transition(payment, PaymentState.PAID, 10, name)
            db.session.commit()

    event.listen(engine, "before_cursor_execute", hold_the_first)
    try:
        one = threading.Thread(target=move, args=("first",))
        one.start()
        assert first_reached_its_write.wait(timeout=10)
        two = threading.Thread(target=move, args=("second",))
        two.start()
        if dialect == "postgresql":
            deadline = time.monotonic() + 10
            while lock_waiters(app) == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert lock_waiters(app) == 1, "the second transition did not wait for the row"
        else:
            two.join(timeout=10)
            assert results == {"second": True}  # no row lock: it went first
        let_it_write.set()
        one.join(timeout=10)
        two.join(timeout=10)
    finally:
        let_it_write.set()
        event.remove(engine, "before_cursor_execute", hold_the_first)

    winner = "first" if dialect == "postgresql" else "second"
    assert results == {"first": winner == "first", "second": winner == "second"}
    with app.app_context():
        moves = db.session.execute(
            db.select(PaymentEvent).filter_by(payment_id=payment_id, kind="transition")
        ).scalars()
        assert [e.summary.split(": ")[-1] for e in moves] == [winner]
