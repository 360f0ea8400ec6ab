"""What the buyer's browser cannot do: forge a return, change a price, double-register."""

from __future__ import annotations

import re

from shop.extensions import db
from shop.models import Order, Payment, PaymentEvent
from tests.support import CARD_APPROVE, Buyer, start_live_shop


def orders_of(shop) -> list[Order]:
    with shop.app.app_context():
        found = list(db.session.execute(db.select(Order).order_by(Order.id)).scalars())
        for order in found:
            _ = [(p.state, p.events) for p in order.payments], order.lines
        return found


def transitions(shop, to_state: str) -> list[PaymentEvent]:
    with shop.app.app_context():
        query = db.select(PaymentEvent).filter_by(kind="transition", to_state=to_state)
        return list(db.session.execute(query).scalars())


def return_path(payment: Payment) -> str:
    return f"/checkout/return/{payment.token}"


def test_return_for_an_unpaid_order_changes_nothing(live_shop, buyer):
    buyer.buy()
    payment = orders_of(live_shop)[0].payments[0]

    page = buyer.get(return_path(payment), params={"orderId": payment.gateway_order_id})

    assert 'data-state="awaiting_payment"' in page.text
    assert orders_of(live_shop)[0].payments[0].state == "awaiting_payment"


def test_return_naming_another_orders_gateway_id_is_refused(live_shop, buyer):
    buyer.pay(buyer.buy(), CARD_APPROVE)
    buyer.buy()
    paid_order, unpaid_order = orders_of(live_shop)
    paid, unpaid = paid_order.payments[0], unpaid_order.payments[0]

    page = buyer.get(return_path(unpaid), params={"orderId": paid.gateway_order_id})

    assert page.status_code == 403
    assert "does not belong to this payment" in page.text
    assert orders_of(live_shop)[1].payments[0].state == "awaiting_payment"
    assert paid_order.token not in page.text


def test_return_with_an_unknown_token_is_a_clear_404(buyer):
    page = buyer.get("/checkout/return/not-a-real-token", params={"orderId": "x"})

    assert page.status_code == 404
    assert "We do not know this payment" in page.text


def test_posted_prices_and_totals_are_ignored(live_shop, buyer):
    buyer.add("ceramic-mug", 3, price="1", unit_price="1")
    answer = buyer.checkout(amount="100", total="100", price="1")

    assert answer.status_code == 303
    order = orders_of(live_shop)[0]
    assert order.total == 3 * 89000
    assert [(line.unit_price, line.quantity) for line in order.lines] == [(89000, 3)]
    register = next(e for e in order.payments[0].events if e.endpoint == "register.do")
    assert '"amount": "267000"' in register.request_body


def test_a_return_delivered_twice_makes_one_transition(live_shop, buyer):
    page = buyer.pay(buyer.buy(), CARD_APPROVE)
    payment = orders_of(live_shop)[0].payments[0]

    again = buyer.get(return_path(payment), params={"orderId": payment.gateway_order_id})

    assert 'data-state="paid"' in page.text and 'data-state="paid"' in again.text
    assert len(transitions(live_shop, "paid")) == 1
    returns = [e for e in orders_of(live_shop)[0].payments[0].events if e.kind == "return"]
    assert len(returns) == 2


def test_double_submit_of_the_checkout_form_registers_once(live_shop, buyer):
    buyer.add("ceramic-mug")
    form = {**buyer.checkout_form(), "name": "Ada", "email": "ada@example.com"}

    first = buyer.post("/checkout", form, allow_redirects=False)
    buyer.add("ceramic-mug")  # the cart was emptied; a real double click still has the old form
    second = buyer.post("/checkout", form, allow_redirects=False)

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    orders = orders_of(live_shop)
    assert len(orders) == 1 and len(orders[0].payments) == 1
    registers = [e for e in orders[0].payments[0].events if e.endpoint == "register.do"]
    assert len(registers) == 1


def test_gateway_refusing_credentials_gives_a_clear_message_and_a_recoverable_order(tmp_path):
    shop = start_live_shop(tmp_path, RBS_PASSWORD="wrong-password")

    buyer = Buyer(shop)
    try:
        buyer.add("ceramic-mug")
        page = buyer.http.post(
            f"{shop.url}/checkout",
            data={**buyer.checkout_form(), "name": "Ada", "email": "ada@example.com"},
            timeout=10,
        )
        assert page.status_code == 200
        assert "refused this payment (code 5)" in page.text
        assert 'data-state="registration_failed"' in page.text
        assert "wrong-password" not in page.text
        order = orders_of(shop)[0]
        assert order.payments[0].state == "registration_failed"

        shop.app.config["RBS_PASSWORD"] = "sandbox-demo-password"  # the operator fixes the key
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        retry = buyer.post(f"/orders/{order.token}/retry", {"csrf_token": token})
        paid = buyer.pay(retry.url, CARD_APPROVE)
        assert 'data-state="paid"' in paid.text
    finally:
        buyer.close()
        shop.stop()


def test_orders_are_reachable_only_by_their_unguessable_token(live_shop, buyer):
    buyer.pay(buyer.buy(), CARD_APPROVE)
    order = orders_of(live_shop)[0]
    stranger = Buyer(live_shop)
    for guess in ["1", "RS000001", order.payments[0].merchant_order_number, order.token[:-1]]:
        assert stranger.get(f"/orders/{guess}").status_code == 404
    assert len(order.token) >= 22  # 18 random bytes
    assert stranger.get(f"/orders/{order.token}").status_code == 200  # the link is the key
    stranger.close()
