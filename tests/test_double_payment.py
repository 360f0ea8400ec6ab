"""A buyer who pays an abandoned attempt late, after paying a newer one: staff see it and
give the extra payment back in one click."""

from __future__ import annotations

from shop.extensions import db
from shop.models import Order
from tests.support import CARD_APPROVE, Buyer, Staff, start_live_shop


def the_order(shop) -> Order:
    with shop.app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        _ = [(p.state, p.operations) for p in order.payments]
        return order


def test_a_double_payment_is_shown_to_staff_and_refunded_in_one_click(tmp_path):
    shop = start_live_shop(tmp_path, PAYMENT_ABANDON_AFTER_SECS=0)
    buyer, staff = Buyer(shop), Staff(shop)
    try:
        first_page = buyer.buy("tea-sampler")
        shop.app.test_cli_runner().invoke(args=["payments", "sync"])  # given up as abandoned
        token = the_order(shop).token
        retry = buyer.post(f"/orders/{token}/retry", {"csrf_token": buyer.csrf(f"/orders/{token}")})
        assert 'data-state="paid"' in buyer.pay(retry.url, CARD_APPROVE).text
        buyer.pay(first_page, CARD_APPROVE)  # the old tab, still open at the gateway

        assert [p.state for p in the_order(shop).payments] == ["paid", "paid"]
        staff.sign_in()
        page = staff.get(f"/admin/orders/{token}").text
        assert 'data-attention="paid_twice"' in page and "Refund this payment" in page
        listed = staff.get("/admin/", params={"state": "needs_attention"}).text
        assert the_order(shop).number in listed

        refunded = staff.post(
            f"/admin/orders/{token}/refund",
            {"csrf_token": staff.csrf(f"/admin/orders/{token}"), "amount": "", "payment": ""}
            | extra_refund_fields(page),
        )

        assert "confirmed by the gateway" in refunded.text
        order = the_order(shop)
        assert [p.state for p in order.payments] == ["refunded", "paid"]
        assert order.state == "paid" and order.attention == []
        assert (
            the_order(shop).number
            not in staff.get("/admin/", params={"state": "needs_attention"}).text
        )
    finally:
        buyer.close()
        staff.close()
        shop.stop()


def extra_refund_fields(page: str) -> dict[str, str]:
    """The hidden fields of the one-click refund of the extra payment."""
    form = page.split('class="action-refund-extra"', 1)[1].split("</form>", 1)[0]
    fields = dict(
        (chunk.split('name="', 1)[1].split('"', 1)[0], chunk.split('value="', 1)[1].split('"')[0])
        for chunk in form.split("<input")[1:]
        if 'type="hidden"' in chunk and 'name="csrf_token"' not in chunk
    )
    assert set(fields) == {"payment", "amount"}
    return fields
