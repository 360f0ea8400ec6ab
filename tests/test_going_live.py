"""A fork taken live, tried as an attacker would: the buyer sees only their own outcome,
the fake bank is not there, and nothing signed that moves money can be found to replay."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from shop import create_app
from shop.config import ConfigError
from shop.extensions import db
from shop.models import Payment, PaymentEvent
from shop.payments.gateways.payneteasy import operation_control
from shop.payments.gateways.rbs import callback_checksum
from shop.sandbox.common.db import db as sandbox_db
from shop.sandbox.rbs.models import GatewayOrder
from tests.support import (
    CARD_APPROVE,
    LIVE_STAFF_PASSWORD,
    Buyer,
    Staff,
    make_config,
    start_demo_with_sandbox_alone,
    start_live_mode_shop,
    start_live_shop,
)

REAL_GATEWAY = "https://mts.rbsuat.com/payment/rest/"


def stored_text(shop) -> str:
    """Every request and response the shop kept, as one text."""
    with shop.app.app_context():
        rows = db.session.execute(db.select(PaymentEvent)).scalars()
        return "\n".join(f"{e.summary} {e.request_body} {e.response_body}" for e in rows)


def the_payment(shop) -> Payment:
    with shop.app.app_context():
        payment = db.session.execute(db.select(Payment).order_by(Payment.id.desc())).scalar()
        _ = payment.events, payment.order
        return payment


@pytest.fixture
def live(tmp_path):
    shop, gateway = start_live_mode_shop(tmp_path, PAYMENT_PROVIDERS="payneteasy")
    yield shop
    shop.stop()
    gateway.stop()


def test_a_live_shop_does_not_mount_the_sandbox_whatever_is_asked_of_it(live):
    hang = {"X-Sandbox-Fault": "hang;ms=40000"}
    for path in [
        "/sandbox/payment/rest/register.do",
        "/sandbox/paynet/api/v2/sale-form/4242",
        "/sandbox/sandbox-control/faults",
    ]:
        answer = requests.post(f"{live.url}{path}", headers=hang, timeout=5)
        assert answer.status_code == 404, path
    assert 'data-mode="live"' in requests.get(live.url, timeout=5).text


def test_the_demo_says_it_is_a_demo(live_shop):
    assert 'data-mode="demo"' in requests.get(live_shop.url, timeout=5).text


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({"RBS_API_URL": REAL_GATEWAY, "SANDBOX_MOUNT": True}, "never runs beside a real bank"),
        ({"SANDBOX_MOUNT": False}, "nothing would answer payments"),
        ({"SANDBOX_MOUNT": "sometimes"}, "use auto, 1 or 0"),
    ],
)
def test_a_contradictory_mount_setting_refuses_to_start(tmp_path, settings, reason):
    with pytest.raises(ConfigError, match=reason):
        create_app(make_config(tmp_path, **settings))


def test_one_gateway_url_is_enough_for_live_mode(tmp_path):
    app = create_app(make_config(tmp_path, PAYNETEASY_API_URL="https://gate.example/paynet/"))
    assert app.config["DEMO_MODE"] is False
    assert "/sandbox" not in getattr(app.wsgi_app, "mounts", {})


def test_the_live_buyer_sees_their_outcome_and_nothing_to_replay(live):
    buyer = Buyer(live)
    form_url = buyer.buy("tea-sampler")
    buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))
    payment = the_payment(live)
    staff = Staff(live)
    staff.sign_in(password=LIVE_STAFF_PASSWORD)
    assert "confirmed by the gateway" in staff.act(payment.order.token, "refund", "10.00").text

    page = buyer.get(f"/orders/{payment.order.token}").text
    staff_page = staff.get(f"/admin/orders/{payment.order.token}").text

    assert 'data-state="partially_refunded"' in page
    assert "444455******1111" in page and 'class="refunded">RUB10.00' in page
    assert "step by step" not in page and "control" not in page
    assert "step by step" in staff_page and "/return" not in page
    refund_control = operation_control(
        live.app.config["PAYNETEASY_LOGIN"],
        payment.merchant_order_number,
        payment.gateway_order_id,
        1000,
        "RUB",
        live.app.config["PAYNETEASY_CONTROL_KEY"],
    )
    everything = "\n".join([page, staff_page, stored_text(live)])
    assert "return" in stored_text(live) and "********" in staff_page  # we looked
    assert refund_control not in everything
    for payer_data in ["ADA LOVELACE", "card-exp-month=12", "ipaddress=127"]:
        assert payer_data not in everything, payer_data
    buyer.close()
    staff.close()


def test_the_demo_timeline_keeps_staff_operations_and_payer_data_from_the_buyer(live_shop):
    buyer = Buyer(live_shop)
    buyer.pay(buyer.buy("tea-sampler"), CARD_APPROVE)
    payment = the_payment(live_shop)
    staff = Staff(live_shop)
    staff.sign_in()
    staff.act(payment.order.token, "refund", "1.00")
    with live_shop.sandbox().app_context():
        gateway_order = sandbox_db.session.get(GatewayOrder, payment.gateway_order_id)
        payer = [gateway_order.approval_code, gateway_order.expiration, "ADA LOVELACE"]

    page = buyer.get(f"/orders/{payment.order.token}").text

    assert "step by step" in page and "register.do" in page  # demo: the exchanges are shown
    assert "refund.do" not in page and "staff asked" not in page
    assert "refund.do" in stored_text(live_shop)
    for value in payer:
        assert value and value not in page and value not in stored_text(live_shop), value
    staff.close()
    buyer.close()


def test_a_hundred_reloads_of_a_waiting_order_ask_the_gateway_once(tmp_path):
    shop = start_live_shop(tmp_path, STATUS_REFRESH_MIN_SECS=600)
    try:
        buyer = Buyer(shop)
        buyer.buy("wool-socks")
        token = the_payment(shop).order.token

        with ThreadPoolExecutor(max_workers=32) as pool:
            answers = list(pool.map(lambda _: buyer.get(f"/orders/{token}"), range(100)))

        assert {answer.status_code for answer in answers} == {200}
        calls = [e for e in the_payment(shop).events if e.endpoint == "getOrderStatusExtended.do"]
        assert len(calls) == 1
        buyer.close()
    finally:
        shop.stop()


def test_a_hundred_forged_callbacks_are_counted_not_written_down(tmp_path):
    shop = start_live_shop(tmp_path, RBS_CALLBACK_KEY="the-real-key")
    try:
        buyer = Buyer(shop)
        buyer.buy("wool-socks")
        payment = the_payment(shop)
        params = {"mdOrder": payment.gateway_order_id, "orderNumber": payment.merchant_order_number,
                  "operation": "deposited", "status": "1"}  # fmt: skip
        forged = {**params, "checksum": callback_checksum(params, "a-guessed-key")}

        def send(_):
            url = f"{shop.url}/payments/rbs/callback"
            return requests.get(url, params=forged, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=32) as pool:
            statuses = list(pool.map(send, range(100)))

        assert set(statuses) == {403}
        after = the_payment(shop)
        assert (after.state, after.forgeries) == ("awaiting_payment", 100)
        assert len(after.events) == len(payment.events)
        staff = Staff(shop)
        staff.sign_in()
        assert (
            "100 forged returns or callbacks"
            in staff.get(f"/admin/orders/{payment.order.token}").text
        )
        staff.close()
        buyer.close()
    finally:
        shop.stop()


def test_a_checkout_key_opens_nothing_in_another_browser(live_shop):
    victim = Buyer(live_shop)
    victim.add("fountain-pen")
    victim_form = victim.checkout_form()
    answer = victim.post(
        "/checkout", {**victim_form, "name": "Ada", "email": "ada@example.com"},
        allow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    attacker = Buyer(live_shop)
    attacker.add("wool-socks")
    own = attacker.checkout_form()

    stolen = attacker.post(
        "/checkout",
        {**own, "checkout_key": victim_form["checkout_key"], "name": "Eve", "email": "e@x.io"},
        allow_redirects=False,
    )

    assert stolen.status_code == 400
    assert "opened in another browser" in stolen.text
    assert answer.headers["Location"] not in stolen.text
    with live_shop.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1
    victim.close()
    attacker.close()


def test_the_access_log_keeps_no_query_string(live_shop, caplog):
    url = f"{live_shop.url}/payments/payneteasy/callback"
    requests.get(url, params={"card-holder-name": "ADA LOVELACE", "control": "f00d"}, timeout=5)

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/payments/payneteasy/callback HTTP/1.1" in line for line in lines), lines
    assert not any(re.search("LOVELACE|f00d", line) for line in lines)


@pytest.fixture
def slow_to_ask(tmp_path):
    """A demo shop that asks the gateway at most once per ten minutes for anonymous traffic."""
    shop = start_live_shop(tmp_path, STATUS_REFRESH_MIN_SECS=600, RBS_CALLBACK_KEY="the-key")
    yield shop
    shop.stop()


def status_calls(shop) -> int:
    events = the_payment(shop).events
    return sum(e.endpoint == "getOrderStatusExtended.do" for e in events)


def test_a_replayed_return_url_costs_one_status_call(slow_to_ask):
    shop = slow_to_ask
    buyer = Buyer(shop)
    return_url = buyer.pay_and_close_the_tab()

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: requests.get(return_url, timeout=30), range(40)))

    assert {answer.status_code for answer in answers} == {200}
    assert any('data-state="paid"' in answer.text for answer in answers)  # the one that asked
    returns = [e for e in the_payment(shop).events if e.kind == "return"]
    assert (len(returns), status_calls(shop)) == (1, 1)
    buyer.close()


def test_a_replayed_genuine_callback_is_not_acknowledged_until_it_may_ask_again(slow_to_ask):
    shop = slow_to_ask
    buyer = Buyer(shop)
    buyer.pay_and_close_the_tab()
    payment = the_payment(shop)
    params = {"mdOrder": payment.gateway_order_id, "orderNumber": payment.merchant_order_number,
              "operation": "deposited", "status": "1"}  # fmt: skip
    signed = {**params, "checksum": callback_checksum(params, "the-key")}

    def send(_):
        url = f"{shop.url}/payments/rbs/callback"
        return requests.get(url, params=signed, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = sorted(pool.map(send, range(40)))

    assert statuses == [200] + [503] * 39  # the gateway sends the others again later
    assert (the_payment(shop).state, status_calls(shop)) == ("paid", 1)
    buyer.close()


SANDBOX_AUTH = {"userName": "redirect-shop-api", "password": "sandbox-demo-password"}


def test_the_demo_sandbox_refuses_a_fault_past_its_cap_at_once(live_shop):
    answer = requests.post(
        f"{live_shop.url}/sandbox/payment/rest/getOrderStatusExtended.do",
        data={**SANDBOX_AUTH, "orderNumber": "x"},
        headers={"X-Sandbox-Fault": "hang;ms=40000"},
        timeout=5,  # a hang would fail here
    )
    assert answer.status_code == 400 and "30000" in answer.text


def test_the_demo_sandbox_sends_payers_back_to_the_shop_only(live_shop):
    api = f"{live_shop.url}/sandbox/payment/rest/register.do"
    order = {**SANDBOX_AUTH, "amount": "100", "orderNumber": "outsider-1"}
    elsewhere = requests.post(api, data={**order, "returnUrl": "https://evil.example/"}, timeout=5)
    assert elsewhere.json()["errorCode"] == "4"
    own = requests.post(api, data={**order, "returnUrl": f"{live_shop.url}/r"}, timeout=5).json()
    finish = f"{live_shop.url}/sandbox/payment/merchants/redirect-shop/finish.html"
    with requests.Session() as browser:
        page = browser.get(own["formUrl"], timeout=5)
        cancel = re.search(r'action="([^"]*cancel[^"]*)"', page.text)[1].replace("&amp;", "&")
        browser.post(f"{live_shop.url}{cancel}", timeout=5, allow_redirects=False)
        back = browser.get(finish, params={"orderId": own["orderId"]}, allow_redirects=False)
    assert back.status_code == 302
    assert back.headers["Location"].startswith(f"{live_shop.url}/r?orderId=")


def test_the_demo_can_reach_its_sandbox_by_url_as_make_serve_runs_it(tmp_path):
    shop, sandbox = start_demo_with_sandbox_alone(tmp_path)
    buyer = Buyer(shop)
    try:
        form_url = buyer.buy("tea-sampler")

        assert form_url.startswith(sandbox.url)  # another process, another port
        assert (
            requests.get(f"{shop.url}/sandbox/payment/rest/register.do", timeout=5).status_code
            == 404
        )
        page = buyer.pay(form_url, CARD_APPROVE)
        assert 'data-state="paid"' in page.text and 'data-mode="demo"' in page.text
        assert shop.app.config["DEMO_MODE"] and not shop.app.config["SANDBOX_MOUNTED"]
    finally:
        buyer.close()
        shop.stop()
        sandbox.stop()


def test_the_sandbox_runs_in_one_place_only(tmp_path):
    with pytest.raises(ConfigError, match="runs in one place"):
        create_app(make_config(tmp_path, SANDBOX_URL="http://127.0.0.1:5001", SANDBOX_MOUNT=True))
    app = create_app(
        make_config(tmp_path, SANDBOX_URL="http://127.0.0.1:5001", SANDBOX_MOUNT=False)
    )
    assert app.config["DEMO_MODE"] and not app.config["SANDBOX_MOUNTED"]
