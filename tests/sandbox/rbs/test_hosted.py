"""The hosted payment page: each test card, 3-D Secure, cancel, bad input, repeats."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

RETURN = "https://shop.example/return?token=abc"
FAIL = "https://shop.example/fail"


def query_of(location: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(location).query, keep_blank_values=True)


def test_page_shows_order_form_and_test_cards(register, open_page):
    created = register(amount="123456", description="Two mugs", currency="978")

    response = open_page(created["formUrl"])

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "redirect-shop" in html and "Two mugs" in html
    assert "€1,234.56" in html  # Babel, "en"
    for field in ('name="pan"', 'name="expiry"', 'name="cvc"', 'name="cardholder"'):
        assert field in html
    assert "Pay €1,234.56" in html and "Cancel" in html
    for pan in ("4111 1111 1111 1111", "5555 5555 5555 5599", "4444 5555 1111 3333"):
        assert pan in html
    assert "5168 4948 9505 5780" in html and "4000 0000 0000 9995" in html
    assert "CVC <strong>123</strong>" in html and "any future expiry" in html
    assert "<script" not in html
    assert "/static/sandbox.css" in html
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("pan", "status", "action_code", "state"),
    [
        ("4111111111111111", 2, 0, "DEPOSITED"),
        ("4444 5555 1111 3333", 2, 0, "DEPOSITED"),
        ("5168494895055780", 6, -2006, "DECLINED"),
        ("4000000000009995", 6, 116, "DECLINED"),
        ("4000000000000002", 6, 111, "DECLINED"),
    ],
)
def test_card_outcomes(register, pay, rbs, pan, status, action_code, state):
    created = register(returnUrl=RETURN, failUrl=FAIL)

    response = pay(created["formUrl"], pan)

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (status, action_code)
    assert body["paymentAmountInfo"]["paymentState"] == state
    assert response.status_code == 302
    location = response.headers["Location"]
    if status == 2:
        assert location.startswith("https://shop.example/return?token=abc&orderId=")
        assert query_of(location) == [
            ("token", "abc"),
            ("orderId", created["orderId"]),
            ("lang", "en"),
        ]
    else:
        assert location == f"{FAIL}?orderId={created['orderId']}&lang=en"
        assert body["actionCodeDescription"]


def test_approved_status_carries_card_and_amounts(register, pay, rbs):
    created = register(amount="550000")
    pay(created["formUrl"], "4111111111111111")

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])

    card = body["cardAuthInfo"]
    assert card["maskedPan"] == card["pan"] == "411111**1111"
    assert card["expiration"] == "203912"
    assert card["cardholderName"] == "TEST PAYER"
    assert card["paymentSystem"] == "VISA"
    assert len(card["approvalCode"]) == 6
    assert isinstance(body["authDateTime"], int) and body["authDateTime"] >= body["date"]
    assert len(body["authRefNum"]) == 12
    assert body["paymentAmountInfo"]["approvedAmount"] == 550000
    assert body["paymentAmountInfo"]["depositedAmount"] == 550000
    assert body["bankInfo"]["bankName"] == "TEST CARD"
    assert body["ip"] == "127.0.0.1"


def test_wrong_cvc_declines_with_71015(register, pay, rbs):
    created = register()

    response = pay(created["formUrl"], "4111111111111111", cvc="999")

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (6, 71015)
    assert "approvalCode" not in body["cardAuthInfo"]
    assert response.headers["Location"].startswith(FAIL)


def test_decline_without_fail_url_returns_to_return_url(register, pay):
    created = register(returnUrl="https://shop.example/back", failUrl="")

    response = pay(created["formUrl"], "4000000000009995")

    assert response.headers["Location"] == (
        f"https://shop.example/back?orderId={created['orderId']}&lang=en"
    )


def test_three_ds_challenge_approves_with_the_code(register, pay, rbs, client):
    created = register(returnUrl=RETURN)

    response = pay(created["formUrl"], "5555555555555599")

    assert response.status_code == 303
    acs = response.headers["Location"]
    assert "/payment/merchants/redirect-shop/acs.html" in acs
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert body["orderStatus"] == 5
    assert body["cardAuthInfo"]["paymentSystem"] == "MASTERCARD"
    page = client.get(acs)
    assert page.status_code == 200 and "One-time code" in page.get_data(as_text=True)

    answer = client.post(acs, data={"code": "123456"})

    assert answer.status_code == 302
    assert query_of(answer.headers["Location"])[-2:] == [
        ("orderId", created["orderId"]),
        ("lang", "en"),
    ]
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (2, 0)


def test_three_ds_wrong_code_declines(register, pay, rbs, client):
    created = register()
    acs = pay(created["formUrl"], "5555 5555 5555 5599").headers["Location"]

    answer = client.post(acs, data={"code": "000000"})

    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (6, -2006)
    assert body["actionCodeDescription"] == "Issuer declined 3-D Secure authentication"
    assert answer.headers["Location"].startswith(FAIL + "?orderId=")


def test_payment_page_during_challenge_leads_back_to_it(register, pay, open_page):
    created = register()
    acs = pay(created["formUrl"], "5555555555555599").headers["Location"]

    again = open_page(created["formUrl"])

    assert again.status_code == 303 and again.headers["Location"] == acs


def test_cancel_declines_and_goes_to_fail_url(register, client, open_page, rbs):
    created = register()
    html = open_page(created["formUrl"]).get_data(as_text=True)
    cancel_path = html.split('action="')[2].split('"')[0].replace("&amp;", "&")

    response = client.post(cancel_path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"{FAIL}?orderId={created['orderId']}&lang=en"
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (6, 341014)
    assert body["actionCodeDescription"] == "Payment cancelled by the payer"


@pytest.mark.parametrize(
    "form",
    [
        {"pan": "4111-abcd-1111-1111", "expiry": "12/39", "cvc": "123"},
        {"pan": "411111111111", "expiry": "12/39", "cvc": "123"},
        {"pan": "41111111111111111111", "expiry": "12/39", "cvc": "123"},
        {"pan": "4111111111111111", "expiry": "1239", "cvc": "123"},
        {"pan": "4111111111111111", "expiry": "13/39", "cvc": "123"},
        {"pan": "4111111111111111", "expiry": "01/20", "cvc": "123"},
        {"pan": "4111111111111111", "expiry": "12/39", "cvc": ""},
        {"pan": "4111111111111111", "expiry": "12/39", "cvc": "12a"},
        {},
    ],
)
def test_invalid_card_form_is_400_and_changes_nothing(register, client, open_page, rbs, form):
    created = register()
    page_path = open_page(created["formUrl"]).request.full_path

    response = client.post(page_path, data={**form, "cardholder": "Keep Me"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error"' in html
    assert 'value="Keep Me"' in html
    if form.get("pan"):
        assert form["pan"] not in html  # the number is never echoed back
    body = rbs("getOrderStatusExtended", orderId=created["orderId"])
    assert (body["orderStatus"], body["actionCode"]) == (0, -100)
    assert "cardAuthInfo" not in body


def test_second_submit_changes_nothing(register, pay, rbs, open_page):
    created = register()
    pay(created["formUrl"], "4000000000009995")
    before = rbs("getOrderStatusExtended", orderId=created["orderId"])

    again = pay(created["formUrl"], "4111111111111111")

    assert again.status_code == 200
    assert "already processed" in again.get_data(as_text=True)
    assert rbs("getOrderStatusExtended", orderId=created["orderId"]) == before
    page = open_page(created["formUrl"]).get_data(as_text=True)
    assert "already processed" in page and 'name="pan"' not in page


def test_finish_page_repeats_the_redirect(register, pay, client):
    created = register(returnUrl=RETURN)
    first = pay(created["formUrl"], "4111111111111111").headers["Location"]

    response = client.get(
        "/payment/merchants/redirect-shop/finish.html", query_string={"orderId": created["orderId"]}
    )

    assert response.status_code == 302 and response.headers["Location"] == first


@pytest.mark.parametrize(
    "path",
    [
        "/payment/merchants/redirect-shop/payment_en.html?mdOrder=no-such-order",
        "/payment/merchants/redirect-shop/payment_en.html",
        "/payment/merchants/redirect-shop/acs.html?mdOrder=no-such-order",
        "/payment/merchants/redirect-shop/finish.html?orderId=no-such-order",
    ],
)
def test_unknown_order_is_a_404_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "404 Not Found" in response.get_data(as_text=True)


def test_other_merchant_or_language_path_is_404(register, client):
    created = register()
    order_id = created["orderId"]

    other = client.get(f"/payment/merchants/someone/payment_en.html?mdOrder={order_id}")
    bad_lang = client.get(f"/payment/merchants/redirect-shop/payment_xyz.html?mdOrder={order_id}")

    assert other.status_code == 404
    assert bad_lang.status_code == 404


def test_challenge_page_before_a_card_leads_to_the_form(register, client):
    created = register()
    acs = f"/payment/merchants/redirect-shop/acs.html?mdOrder={created['orderId']}"

    response = client.get(acs)

    assert response.status_code == 303
    assert response.headers["Location"] == created["formUrl"]
