"""The one transition function under a real race: a dozen threads, one move, one event."""

from __future__ import annotations

import threading

import pytest

from shop.extensions import db
from shop.models import Order, OrderLine, Payment, PaymentEvent
from shop.payments.gateways.base import GatewayStatus, Outcome
from shop.payments.states import PaymentState
from shop.payments.transitions import apply_status

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
