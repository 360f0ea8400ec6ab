"""Test wallets on the RBS payment page: Apple Pay, Google Pay and Samsung Pay pay with a test
token (nothing typed), optionally through 3-D Secure, and the status names the paymentWay."""

from __future__ import annotations

import pytest

from shop.sandbox.common import wallets
from shop.sandbox.rbs import orders
from shop.sandbox.rbs.signing import checksum
from tests.sandbox.conftest import path_of
from tests.sandbox.wallets import assert_offers_the_three_wallets, wallet_forms

RETURN = "https://shop.example/return?token=abc"
FAIL = "https://shop.example/fail"
DEMO_KEY = "sandbox-callback-key"

# wallet key -> (paymentWay as rbs.md 3.2 names it, the masked device card, its scheme)
WALLETS = {
    "apple_pay": ("APPLE_PAY", "489537**5671", "VISA"),
    "google_pay": ("GOOGLE_PAY_TOKENIZED", "520474**1002", "MASTERCARD"),
    "samsung_pay": ("SAMSUNG_PAY", "535100**3211", "MASTERCARD"),
}


@pytest.fixture
def pay_with_wallet(client, open_page):
    """Press a wallet's button (or its 3-D Secure one) on the page behind a formUrl."""

    def press(form_url: str, wallet: str, three_ds: bool = False, tamper: dict | None = None):
        action, fields = wallet_forms(open_page(form_url).get_data(as_text=True))[wallet]
        data = {**fields, "three_ds": "1" if three_ds else "0", **(tamper or {})}
        return client.post(path_of(action), data=data)

    return press


def test_page_offers_the_three_test_wallets_with_and_without_3ds(register, open_page):
    html = open_page(register()["formUrl"]).get_data(as_text=True)

    forms = assert_offers_the_three_wallets(html)
    for action, _fields in forms.values():
        assert "/payment/merchants/redirect-shop/wallet.html?mdOrder=" in action


@pytest.mark.parametrize("wallet", WALLETS)
def test_each_wallet_pays_and_the_status_names_its_payment_way(
    register, pay_with_wallet, rbs, wallet
):
    created = register(returnUrl=RETURN)

    response = pay_with_wallet(created["formUrl"], wallet)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{RETURN}&orderId={created['orderId']}")
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (2, 0)
    assert body["paymentAmountInfo"]["paymentState"] == "DEPOSITED"
    way, masked, scheme = WALLETS[wallet]
    assert body["paymentWay"] == way
    assert body["cardAuthInfo"]["maskedPan"] == masked
    assert body["cardAuthInfo"]["paymentSystem"] == scheme
    assert body["cardAuthInfo"]["cardholderName"] == ""


def test_a_typed_card_is_payment_way_card_and_a_fresh_order_names_none(register, pay, rbs):
    created = register()
    assert "paymentWay" not in rbs("getOrderStatusExtended", orderId=created["orderId"])

    pay(created["formUrl"], "4111111111111111")

    assert rbs("getOrderStatusExtended", orderId=created["orderId"])["paymentWay"] == "CARD"


@pytest.mark.parametrize("wallet", WALLETS)
def test_wallet_with_3ds_goes_through_the_challenge_page(
    register, pay_with_wallet, rbs, client, wallet
):
    created = register(returnUrl=RETURN)

    response = pay_with_wallet(created["formUrl"], wallet, three_ds=True)

    assert response.status_code == 303
    acs = response.headers["Location"]
    assert "/payment/merchants/redirect-shop/acs.html" in acs
    during = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (during["orderStatus"], during["paymentWay"]) == (5, WALLETS[wallet][0])
    page = client.get(acs).get_data(as_text=True)
    assert "One-time code" in page and WALLETS[wallet][1] in page

    answer = client.post(acs, data={"code": "123456"})

    assert answer.status_code == 302 and answer.headers["Location"].startswith(RETURN)
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["paymentWay"]) == (2, WALLETS[wallet][0])


def test_wallet_3ds_with_a_wrong_code_declines(register, pay_with_wallet, rbs, client):
    created = register(failUrl=FAIL)
    acs = pay_with_wallet(created["formUrl"], "google_pay", three_ds=True).headers["Location"]

    answer = client.post(acs, data={"code": "000000"})

    assert answer.headers["Location"].startswith(f"{FAIL}?orderId=")
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (6, -2006)
    assert body["paymentWay"] == "GOOGLE_PAY_TOKENIZED"


def test_wallet_on_a_two_stage_order_is_a_hold(register, pay_with_wallet, rbs):
    created = register("registerPreAuth")

    pay_with_wallet(created["formUrl"], "apple_pay")

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["paymentWay"]) == (1, "APPLE_PAY")
    assert body["paymentAmountInfo"]["paymentState"] == "APPROVED"


@pytest.mark.parametrize(
    "tamper",
    [
        {"payment_token": "forged-token"},
        {"payment_token": "sandbox-google-pay-test-token"},  # another wallet's token
        {"wallet": "paypal"},
        {"wallet": ""},
    ],
)
def test_unknown_wallet_or_token_is_400_and_changes_nothing(register, pay_with_wallet, rbs, tamper):
    created = register()

    response = pay_with_wallet(created["formUrl"], "apple_pay", tamper=tamper)

    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert body["orderStatus"] == 0 and "paymentWay" not in body and "cardAuthInfo" not in body


def test_wallet_after_payment_changes_nothing(register, pay, client, open_page, rbs):
    created = register()
    action, fields = wallet_forms(open_page(created["formUrl"]).get_data(as_text=True))["apple_pay"]
    pay(created["formUrl"], "4111111111111111")

    again = client.post(path_of(action), data={**fields, "three_ds": "0"})
    forged = client.post(path_of(action), data={**fields, "payment_token": "x"})

    assert again.status_code == 200 and "finish.html" in again.get_data(as_text=True)
    assert forged.status_code == 200  # the order is closed: the form is not even read
    assert rbs("getOrderStatusExtended", orderId=created["orderId"])["paymentWay"] == "CARD"


def test_a_wallet_cannot_pay_an_order_that_is_not_waiting_for_one(register, pay, app, rbs):
    paid, challenged = register(), register()
    pay(paid["formUrl"], "4111111111111111")
    pay(challenged["formUrl"], "5555555555555599")

    apple_pay = wallets.WalletPayment(wallets.WALLETS[0], three_ds=False)
    with app.test_request_context():
        for created in (paid, challenged):
            orders.pay_with_wallet(orders.load(created["orderId"]), apple_pay, None)

    assert rbs("getOrderStatusExtended", orderId=paid["orderId"])["paymentWay"] == "CARD"
    during = rbs("getOrderStatusExtended", orderId=challenged["orderId"])
    assert (during["orderStatus"], during["paymentWay"]) == (5, "CARD")


def test_wallet_payment_sends_the_deposited_callback(register, pay_with_wallet, receiver):
    created = register(dynamicCallbackUrl=receiver.url, amount="10000")

    pay_with_wallet(created["formUrl"], "samsung_pay")

    hit = {k: v for k, v in receiver.wait_for(1)[0].items() if k not in {"_query", "shop_token"}}
    assert checksum(hit, DEMO_KEY) == hit["checksum"]
    assert (hit["mdOrder"], hit["operation"], hit["status"]) == (
        created["orderId"],
        "deposited",
        "1",
    )


def test_the_wallet_buttons_speak_the_page_language(register, open_page, pay_with_wallet):
    created = register(language="ru")

    html = open_page(created["formUrl"]).get_data(as_text=True)
    refused = pay_with_wallet(created["formUrl"], "apple_pay", tamper={"payment_token": "x"})

    assert "Кошельки (тест)" in html and 'aria-label="Google Pay с 3-D Secure"' in html
    assert ">Google Pay</button>" in html  # a brand name stays as it is
    assert "Apple Pay прислал токен" in refused.get_data(as_text=True)
