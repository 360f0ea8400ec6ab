"""Test wallets on the PaynetEasy hosted form: Apple Pay, Google Pay and Samsung Pay pay with a
test token (nothing typed), optionally through 3-D Secure; status keeps card-type for the
card's scheme and names the wallet in ips-src-payment-type-code / -name."""

from __future__ import annotations

import pytest

from shop.sandbox.common import wallets
from shop.sandbox.payneteasy import orders
from tests.sandbox.conftest import path_of
from tests.sandbox.payneteasy.conftest import FAIL, KEY, SUCCESS, sha1, wait_attempts
from tests.sandbox.payneteasy.test_hosted import final_page
from tests.sandbox.wallets import assert_offers_the_three_wallets, wallet_forms

# wallet key -> (ips-src-payment-type-code, -name, bin, last four, card-type)
WALLETS = {
    "apple_pay": ("APPLE_PAY", "Apple Pay", "489537", "5671", "VISA"),
    "google_pay": ("GOOGLE_PAY", "Google Pay", "520474", "1002", "MASTERCARD"),
    "samsung_pay": ("SAMSUNG_PAY", "Samsung Pay", "535100", "3211", "MASTERCARD"),
}


@pytest.fixture
def pay_with_wallet(client):
    """Press a wallet's button (or its 3-D Secure one) on an order's hosted form."""

    def press(order: dict, wallet: str, three_ds: bool = False, tamper: dict | None = None):
        page = client.get(path_of(order["redirect-url"])).get_data(as_text=True)
        action, fields = wallet_forms(page)[wallet]
        data = {**fields, "three_ds": "1" if three_ds else "0", **(tamper or {})}
        return client.post(path_of(action), data=data)

    return press


def paid_with(fields: dict[str, str]) -> tuple[str, ...]:
    return (
        fields["ips-src-payment-type-code"],
        fields["ips-src-payment-type-name"],
        fields["bin"],
        fields["last-four-digits"],
        fields["card-type"],
    )


def test_form_offers_the_three_test_wallets_with_and_without_3ds(open_order, client):
    order = open_order()

    forms = assert_offers_the_three_wallets(
        client.get(path_of(order["redirect-url"])).get_data(as_text=True)
    )

    for action, _fields in forms.values():
        assert action == f"{path_of(order['redirect-url'])}/wallet"


@pytest.mark.parametrize("wallet", WALLETS)
def test_each_wallet_pays_and_the_status_names_it(
    open_order, pay_with_wallet, status, client, wallet
):
    order = open_order()

    parsed, _ = final_page(client, pay_with_wallet(order, wallet))

    fields = status(order)
    assert (fields["status"], fields["order-stage"]) == ("approved", "sale_approved")
    assert paid_with(fields) == WALLETS[wallet]
    assert fields["cardholder-name"] == ""
    assert fields["processor-tx-id"] == f"PNTEST-{order['paynet-order-id']}"
    assert dict(parsed.fields)["status"] == "approved"
    assert parsed.forms[0]["action"] == SUCCESS


def test_a_typed_card_is_type_card_and_a_fresh_order_names_none(open_order, pay, status):
    order = open_order()
    fresh = status(order)
    assert (fresh["ips-src-payment-type-code"], fresh["ips-src-payment-type-name"]) == ("", "")

    pay(order, cvv="123")

    assert paid_with(status(order)) == ("CARD", "Card", "444455", "1111", "VISA")


@pytest.mark.parametrize("wallet", WALLETS)
def test_wallet_with_3ds_goes_through_the_password_page(
    open_order, pay_with_wallet, status, client, wallet
):
    order = open_order()

    response = pay_with_wallet(order, wallet, three_ds=True)

    assert response.status_code == 303 and response.headers["Location"].endswith("/3ds")
    during = status(order)
    assert (during["status"], during["order-stage"]) == ("processing", "sale_3d_validating")
    assert during["ips-src-payment-type-code"] == WALLETS[wallet][0]
    page = client.get(path_of(response.headers["Location"])).get_data(as_text=True)
    assert 'name="password"' in page and WALLETS[wallet][3] in page

    answer = client.post(path_of(response.headers["Location"]), data={"password": "hint"})

    parsed, _ = final_page(client, answer)
    assert dict(parsed.fields)["status"] == "approved"
    assert (status(order)["status"], paid_with(status(order))) == ("approved", WALLETS[wallet])


def test_wallet_3ds_with_a_wrong_password_declines(open_order, pay_with_wallet, status, client):
    order = open_order()
    location = pay_with_wallet(order, "apple_pay", three_ds=True).headers["Location"]

    parsed, _ = final_page(client, client.post(path_of(location), data={"password": "guess"}))

    fields = status(order)
    assert (fields["status"], fields["error-message"]) == (
        "declined",
        "3-D Secure authentication failed",
    )
    assert fields["ips-src-payment-type-code"] == "APPLE_PAY"
    assert parsed.forms[0]["action"] == FAIL


def test_wallet_on_a_preauth_is_a_hold(open_order, pay_with_wallet, status, client):
    order = open_order("preauth-form")

    final_page(client, pay_with_wallet(order, "google_pay"))

    fields = status(order)
    assert (fields["status"], fields["transaction-type"]) == ("approved", "preauth")
    assert fields["ips-src-payment-type-code"] == "GOOGLE_PAY"


@pytest.mark.parametrize(
    "tamper",
    [
        {"payment_token": "forged-token"},
        {"payment_token": "sandbox-google-pay-test-token"},  # another wallet's token
        {"wallet": "paypal"},
        {"wallet": ""},
    ],
)
def test_unknown_wallet_or_token_is_400_and_changes_nothing(
    open_order, pay_with_wallet, status, tamper
):
    order = open_order()

    response = pay_with_wallet(order, "apple_pay", tamper=tamper)

    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    fields = status(order)
    assert (fields["status"], fields["order-stage"]) == ("processing", "sale_init")
    assert (fields["ips-src-payment-type-code"], fields["bin"]) == ("", "")


def test_wallet_after_payment_changes_nothing(open_order, pay, status, client):
    order = open_order()
    page = client.get(path_of(order["redirect-url"])).get_data(as_text=True)
    action, fields = wallet_forms(page)["samsung_pay"]
    pay(order, cvv="116")

    again = client.post(path_of(action), data={**fields, "three_ds": "0"})
    forged = client.post(path_of(action), data={**fields, "payment_token": "x"})

    assert again.status_code == 303 and again.headers["Location"].endswith("/finish")
    assert forged.status_code == 303  # the order is closed: the form is not even read
    after = status(order)
    assert (after["status"], after["ips-src-payment-type-code"]) == ("declined", "CARD")


def test_a_wallet_cannot_pay_an_order_that_is_not_waiting_for_one(open_order, pay, app, status):
    paid, challenged = open_order(), open_order()
    pay(paid, cvv="123")
    pay(challenged, cvv="321")

    apple_pay = wallets.WalletPayment(wallets.WALLETS[0], three_ds=False)
    with app.test_request_context():
        for opened in (paid, challenged):
            orders.pay_with_wallet(orders.find(int(opened["paynet-order-id"])), apple_pay)

    assert status(paid)["ips-src-payment-type-code"] == "CARD"
    during = status(challenged)
    assert (during["order-stage"], during["ips-src-payment-type-code"]) == (
        "sale_3d_validating",
        "CARD",
    )


def test_wallet_payment_sends_the_signed_callback(open_order, pay_with_wallet, client, receiver):
    order = open_order(server_callback_url=receiver.url)

    pay_with_wallet(order, "google_pay")

    hit = receiver.wait_for(1)[0]
    wait_attempts(client, order["paynet-order-id"], 1)
    paynet_id, client_id = order["paynet-order-id"], order["merchant-order-id"]
    assert hit["control"] == sha1("approved", paynet_id, client_id, KEY)
    assert (hit["status"], hit["type"], hit["card-type"]) == ("approved", "sale", "MASTERCARD")
