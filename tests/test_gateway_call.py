"""gateway_call, the one way a use case calls a gateway: what led to the call is kept, a
decision taken inside is kept, and a bug inside keeps nothing half-made.

No gateway is asked here: each block raises before or instead of a call, which is what
the context manager has to get right whatever the gateway does.
"""

from __future__ import annotations

import pytest

from shop.extensions import db
from shop.models import Order, OrderLine, Payment, PaymentEvent
from shop.payments.calls import gateway_call
from shop.payments.errors import PaymentRefused
from shop.payments.states import PaymentState
from shop.payments.timeline import EventKind, Step, record


def a_payment() -> Payment:
    order = Order(
        checkout_key="call-key-0000000000",
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
        merchant_order_number="RS1-1-call",
        amount=89000,
        currency="643",
        state=PaymentState.PENDING,
    )
    db.session.add(order)
    return payment


def notes() -> list[str]:
    return [e.summary for e in db.session.execute(db.select(PaymentEvent)).scalars()]


def test_what_led_to_the_call_is_kept_even_when_a_bug_follows(app_ctx):
    payment = a_payment()
    record(payment, EventKind.NOTE, Step.RECEIVE, "before the call")
    with pytest.raises(RuntimeError), gateway_call(payment, Step.REGISTER, "registration"):
        payment.form_url = "https://half-made.example/"
        record(payment, EventKind.NOTE, Step.REGISTERED, "half-made")
        raise RuntimeError("a bug between the answer and the bookkeeping")
    db.session.expire_all()
    kept = db.session.execute(db.select(Payment)).scalar_one()
    assert kept.form_url is None  # rolled back: never committed half-made
    assert notes() == ["before the call"]


def test_a_decision_raised_inside_is_kept(app_ctx):
    payment = a_payment()
    with pytest.raises(PaymentRefused), gateway_call(payment, Step.REGISTER, "registration"):
        record(payment, EventKind.NOTE, Step.REGISTERED, "page on a foreign host")
        raise PaymentRefused("refused")
    db.session.expire_all()
    assert notes() == ["page on a foreign host"]
