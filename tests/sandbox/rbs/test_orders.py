"""Expiry, preauth, card-data storage, and running mounted under /sandbox."""

from __future__ import annotations

import sqlite3
import uuid
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}


def test_order_expires_after_session_timeout(register, rbs, clock):
    created = register(sessionTimeoutSecs="1")
    assert rbs("getOrderStatusExtended", orderId=created["orderId"])["orderStatus"] == 0

    clock.advance(1.2)
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])

    assert (body["orderStatus"], body["actionCode"]) == (6, -2007)
    assert body["actionCodeDescription"] == "Card data entry timeout"
    assert body["paymentAmountInfo"]["paymentState"] == "DECLINED"


def test_default_timeout_is_twenty_minutes(register, rbs, clock):
    created = register()

    clock.advance(1199)
    assert rbs("getOrderStatusExtended", orderId=created["orderId"])["orderStatus"] == 0
    clock.advance(2)
    assert rbs("getOrderStatusExtended", orderNumber=_number(rbs, created))["orderStatus"] == 6


def test_expired_order_page_shows_already_processed_and_refuses_cards(
    register, open_page, pay, rbs, clock, db_path
):
    created = register(sessionTimeoutSecs="60")
    clock.advance(61)

    page = open_page(created["formUrl"])
    late = pay(created["formUrl"], "4111111111111111")

    assert page.status_code == 200
    assert "already processed" in page.get_data(as_text=True)
    assert 'name="pan"' not in page.get_data(as_text=True)
    assert "already processed" in late.get_data(as_text=True)
    with sqlite3.connect(db_path) as conn:  # the expiry was persisted by the page read
        row = conn.execute("SELECT status, action_code FROM sandbox_rbs_order").fetchone()
    assert row == (6, -2007)
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert "cardAuthInfo" not in body


def test_challenge_left_open_expires_too(register, pay, client, rbs, clock):
    created = register(sessionTimeoutSecs="30")
    acs = pay(created["formUrl"], "5555555555555599").headers["Location"]
    clock.advance(31)

    answer = client.post(acs, data={"code": "123456"})

    assert "already processed" in answer.get_data(as_text=True)
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (6, -2007)


def test_preauth_payment_is_approved_not_deposited(register, pay, rbs):
    created = register(method="registerPreAuth", amount="9900")

    response = pay(created["formUrl"], "4111111111111111")

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (1, 0)
    assert body["paymentAmountInfo"] == {
        "paymentState": "APPROVED",
        "approvedAmount": 9900,
        "depositedAmount": 0,
        "refundedAmount": 0,
        "totalAmount": 9900,
    }
    assert response.headers["Location"].startswith("https://shop.example/return?")


def test_full_pan_and_cvc_are_stored_nowhere(register, pay, client, db_path):
    pans = ["4111111111111111", "4000000000009995", "5555555555555599", "6011000990139424"]
    for pan in pans:
        pay(register()["formUrl"], pan, cvc="987")
    acs_order = register()
    acs = pay(acs_order["formUrl"], "5555555555555599").headers["Location"]
    client.post(acs, data={"code": "123456"})

    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT * FROM sandbox_rbs_order").fetchall()
        masked = {r[0] for r in conn.execute("SELECT masked_pan FROM sandbox_rbs_order")}
    assert len(rows) == 5
    cells = [str(cell) for row in rows for cell in row]
    for pan in pans:
        assert not any(pan in cell for cell in cells)
    assert not any(cell == "987" for cell in cells)
    assert masked == {"411111**1111", "400000**9995", "555555**5599", "601100**9424"}


def test_mounted_under_a_prefix_builds_prefixed_urls(app):
    mounted = Client(DispatcherMiddleware(Flask("x"), {"/sandbox": app}))

    answer = mounted.post(
        "/sandbox/payment/rest/register.do",
        data={
            **AUTH,
            "orderNumber": uuid.uuid4().hex,
            "amount": "100",
            "returnUrl": "https://shop.example/r",
        },
    ).json

    form_url = urlsplit(answer["formUrl"])
    assert form_url.path == "/sandbox/payment/merchants/redirect-shop/payment_en.html"
    page = mounted.get(f"{form_url.path}?{form_url.query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/sandbox/static/sandbox.css"' in html
    assert 'action="/sandbox/payment/merchants/redirect-shop/payment_en.html?mdOrder=' in html
    assert 'action="/sandbox/payment/merchants/redirect-shop/cancel.html?mdOrder=' in html
    with mounted.get("/sandbox/static/sandbox.css") as css:
        assert css.status_code == 200
    form = {"pan": "5555555555555599", "expiry": "12/39", "cvc": "123"}
    challenge = mounted.post(f"{form_url.path}?{form_url.query}", data=form)
    assert urlsplit(challenge.headers["Location"]).path.startswith(
        "/sandbox/payment/merchants/redirect-shop/acs.html"
    )


def _number(rbs, created):
    return rbs("getOrderStatusExtended", orderId=created["orderId"])["orderNumber"]


def test_logs_carry_the_masked_pan_only(register, pay, caplog):
    caplog.set_level("DEBUG")

    pay(register()["formUrl"], "4111111111111111", cvc="123")

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "411111**1111" in text
    assert "4111111111111111" not in text
