"""Gateway passwords and keys never reach the database, the logs or a page."""

from __future__ import annotations

import logging

import pytest
import requests

from shop.extensions import db
from shop.models import Order
from shop.payments.gateways.rbs import callback_checksum
from tests.support import CARD_3DS, Buyer, Staff, start_live_shop

RBS_PASSWORD = "Rbs-Pass-7f3a9c"
CONTROL_KEY = "PNE-Control-Key-5d2e8b"
CALLBACK_KEY = "Rbs-Callback-Key-1c4f6a"
SECRET_KEY = "Flask-Secret-Key-9b8a7c"
SECRETS = [RBS_PASSWORD, CONTROL_KEY, CALLBACK_KEY, SECRET_KEY]


@pytest.fixture
def shop(tmp_path):
    live = start_live_shop(
        tmp_path,
        SECRET_KEY=SECRET_KEY,
        PAYMENT_PROVIDERS="rbs,payneteasy",
        RBS_PASSWORD=RBS_PASSWORD,
        SANDBOX_RBS_PASSWORD=RBS_PASSWORD,
        RBS_CALLBACK_KEY=CALLBACK_KEY,
        PAYNETEASY_CONTROL_KEY=CONTROL_KEY,
        SANDBOX_PAYNETEASY_CONTROL_KEY=CONTROL_KEY,
        PAYNETEASY_TWO_STAGE=True,
    )
    yield live
    live.stop()


def everything_in_the_database(shop) -> str:
    with shop.app.app_context():
        chunks = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(db.select(table)).all():
                chunks.append(" ".join(str(value) for value in row))
        return "\n".join(chunks)


def test_no_secret_is_stored_logged_or_shown(shop, caplog):
    caplog.set_level(logging.DEBUG)
    pages: list[str] = []
    buyer = Buyer(shop)

    # An RBS payment with 3-D Secure, then a signed callback for it.
    challenge = buyer.pay(buyer.buy("ceramic-mug"), CARD_3DS)
    pages.append(buyer.answer_challenge(challenge, "123456").text)
    with shop.app.app_context():
        order = db.session.execute(db.select(Order)).scalars().first()
        payment = order.payments[0]
        params = {
            "mdOrder": payment.gateway_order_id,
            "orderNumber": payment.merchant_order_number,
            "operation": "deposited",
            "status": "1",
        }
    signed = {**params, "checksum": callback_checksum(params, CALLBACK_KEY)}
    pages.append(requests.get(f"{shop.url}/payments/rbs/callback", params=signed, timeout=5).text)

    # A PaynetEasy hold, captured and refunded by staff.
    buyer.add("tea-sampler")
    form_url = buyer.checkout(provider="payneteasy").headers["Location"]
    paid = buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))
    pages.append(paid.text)
    staff = Staff(shop)
    staff.sign_in()
    with shop.app.app_context():
        token = db.session.execute(db.select(Order.token).order_by(Order.id.desc())).scalar()
    pages.append(staff.act(token, "capture").text)
    pages.append(staff.act(token, "refund", "100.00").text)
    pages += [staff.get("/admin/").text, staff.get(f"/admin/orders/{token}").text]
    pages.append(buyer.get(f"/orders/{token}").text)
    assert 'data-state="partially_refunded"' in pages[-2]  # the refund went through

    stored = everything_in_the_database(shop)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    shown = "\n".join(pages)
    assert "getOrderStatusExtended.do" in stored and "preauth-form" in stored  # we looked
    for secret in SECRETS:
        assert secret not in stored, "a secret is in the database"
        assert secret not in logged, "a secret is in the logs"
        assert secret not in shown, "a secret is on a page"
