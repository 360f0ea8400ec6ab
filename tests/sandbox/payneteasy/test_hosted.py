"""The hosted form: CVV outcomes, 3-D Secure, unknown, cancel, bad input, the final redirect."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.sandbox.conftest import path_of
from tests.sandbox.payneteasy.conftest import BACK, FAIL, KEY, SUCCESS, form_params, sha1

STATIC = Path(__file__).resolve().parents[3] / "shop" / "sandbox" / "static"


class FinalForm(HTMLParser):
    """Collect the page's forms, inputs, scripts and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.fields: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(attributes)
        elif tag == "input":
            self.fields.append((attributes["name"], attributes.get("value", "")))
        elif tag == "script":
            self.scripts.append(attributes)
        elif tag == "button":
            self.buttons.append(attributes.get("type", ""))


def final_page(client, response) -> tuple[FinalForm, str]:
    """Follow the 303 after a form post to the final redirect page and parse it."""
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(path_of(response.headers["Location"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    parsed = FinalForm()
    parsed.feed(html)
    return parsed, html


@pytest.mark.parametrize(
    ("cvv", "outcome", "message", "code"),
    [
        ("123", "approved", "", ""),
        ("1234", "approved", "", ""),
        ("111", "approved", "", ""),
        ("101", "declined", "Expired card", "101"),
        ("116", "declined", "Insufficient funds", "116"),
        ("119", "declined", "Transaction not permitted to cardholder", "119"),
        ("209", "declined", "Pick-up, stolen card", "209"),
        ("555", "declined", "Declined", "100"),
    ],
)
def test_cvv_decides_the_outcome(open_order, pay, status, client, cvv, outcome, message, code):
    order = open_order()

    parsed, _ = final_page(client, pay(order, cvv=cvv))

    fields = status(order)
    assert fields["status"] == outcome
    assert fields["order-stage"] == f"sale_{outcome}"
    assert (fields["error-message"], fields["error-code"]) == (message, code)
    assert (fields["bin"], fields["last-four-digits"], fields["card-type"]) == (
        "444455",
        "1111",
        "VISA",
    )
    assert (fields["card-exp-month"], fields["card-exp-year"]) == ("12", "2039")
    assert fields["cardholder-name"] == "TEST HOLDER"
    assert fields["processor-tx-id"] == f"PNTEST-{order['paynet-order-id']}"
    posted = dict(parsed.fields)
    assert (posted["status"], posted["error_message"], posted["error_code"]) == (
        outcome,
        message,
        code,
    )
    assert parsed.forms[0]["action"] == (SUCCESS if outcome == "approved" else FAIL)


def test_form_shows_fields_cancel_and_the_cvv_table(open_order, client):
    order = open_order(amount="10.42")

    page = client.get(path_of(order["redirect-url"]))

    html = page.get_data(as_text=True)
    for field in ('name="pan"', 'name="expiry"', 'name="cvv"', 'name="cardholder"'):
        assert field in html
    assert "Pay RUB10.42" in html and "Cancel and return to the shop" in html  # Babel, "en"
    for cvv, text in [("321", "password hint"), ("217", "unknown"), ("209", "stolen card")]:
        assert cvv in html and text in html
    assert "<script" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_three_d_secure_with_hint_approves(open_order, pay, status, client):
    order = open_order()

    response = pay(order, cvv="321")

    assert response.headers["Location"].endswith("/3ds")
    during = status(order)
    assert (during["status"], during["order-stage"]) == ("processing", "sale_3d_validating")
    page = client.get(path_of(response.headers["Location"]))
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    answer = client.post(path_of(response.headers["Location"]), data={"password": " hint "})
    parsed, _ = final_page(client, answer)
    assert dict(parsed.fields)["status"] == "approved"
    assert (status(order)["status"], status(order)["order-stage"]) == ("approved", "sale_approved")


def test_three_d_secure_with_wrong_password_declines(open_order, pay, status, client):
    order = open_order("preauth-form")
    location = pay(order, cvv="321").headers["Location"]

    parsed, _ = final_page(client, client.post(path_of(location), data={"password": "guess"}))

    fields = status(order)
    assert (fields["status"], fields["order-stage"]) == ("declined", "auth_declined")
    assert fields["error-message"] == "3-D Secure authentication failed"
    assert dict(parsed.fields)["type"] == "preauth"
    assert parsed.forms[0]["action"] == FAIL


def test_pages_follow_the_order_state(open_order, pay, client):
    order = open_order()
    form = path_of(order["redirect-url"])

    early_finish = client.get(f"{form}/finish")
    early_3ds = client.get(f"{form}/3ds")
    pay(order, cvv="321")
    form_during_3ds = client.get(form)
    finish_during_3ds = client.get(f"{form}/finish")

    assert early_finish.headers["Location"].endswith(form)
    assert early_3ds.headers["Location"].endswith(f"{form}/finish")
    assert form_during_3ds.headers["Location"].endswith(f"{form}/finish")
    assert finish_during_3ds.headers["Location"].endswith(f"{form}/3ds")
    assert client.get("/paynet/form/no-such-token").status_code == 404


def test_unknown_goes_back_to_redirect_url_then_finalize(open_order, pay, status, client):
    order = open_order()
    paynet_id = order["paynet-order-id"]

    parsed, html = final_page(client, pay(order, cvv="217"))

    assert parsed.forms[0]["action"] == BACK
    assert dict(parsed.fields)["status"] == "unknown"
    assert "being processed" in html
    assert status(order)["status"] == "unknown"
    assert client.post(f"/paynet/sandbox/orders/{paynet_id}/callback").status_code == 409
    bad = client.post(f"/paynet/sandbox/orders/{paynet_id}/finalize", data={"status": "filtered"})
    assert bad.status_code == 400 and status(order)["status"] == "unknown"
    done = client.post(f"/paynet/sandbox/orders/{paynet_id}/finalize", data={"status": "approved"})
    assert done.status_code == 200
    assert done.get_json() == {"status": "approved", "order_stage": "sale_approved"}
    assert status(order)["status"] == "approved"
    again = client.post(f"/paynet/sandbox/orders/{paynet_id}/finalize", data={"status": "declined"})
    assert again.status_code == 409 and status(order)["status"] == "approved"


def test_finalize_declined_and_unknown_order(open_order, pay, status, client):
    order = open_order()
    pay(order, cvv="217")

    response = client.post(
        f"/paynet/sandbox/orders/{order['paynet-order-id']}/finalize", data={"status": "declined"}
    )

    assert response.status_code == 200
    assert (status(order)["status"], status(order)["order-stage"]) == ("declined", "sale_declined")
    missing = client.post("/paynet/sandbox/orders/1/finalize", data={"status": "approved"})
    assert missing.status_code == 404 and missing.get_json() == {"error": "Order not found"}


def test_unknown_without_redirect_url_falls_back_to_fail_url(call, pay, client):
    order = call("sale-form", form_params(redirect_url=""))

    parsed, _ = final_page(client, pay(order, cvv="217"))

    assert parsed.forms[0]["action"] == FAIL


def test_redirect_url_is_the_fallback_for_both_outcomes(call, pay, client):
    approved = call("sale-form", form_params(redirect_success_url="", redirect_fail_url=""))
    declined = call("sale-form", form_params(redirect_success_url="", redirect_fail_url=""))

    ok, _ = final_page(client, pay(approved, cvv="123"))
    ko, _ = final_page(client, pay(declined, cvv="116"))

    assert ok.forms[0]["action"] == ko.forms[0]["action"] == BACK


def test_cancel_declines_with_cancelled_by_payer(open_order, status, client):
    order = open_order()

    response = client.post(f"{path_of(order['redirect-url'])}/cancel")

    parsed, _ = final_page(client, response)
    fields = status(order)
    assert (fields["status"], fields["error-message"]) == ("declined", "Cancelled by payer")
    assert dict(parsed.fields)["error_message"] == "Cancelled by payer"
    assert dict(parsed.fields)["processor-tx-id"] == ""
    assert parsed.forms[0]["action"] == FAIL


def test_cancel_on_the_three_d_secure_page(open_order, pay, status, client):
    order = open_order()
    pay(order, cvv="321")

    client.post(f"{path_of(order['redirect-url'])}/cancel")

    assert status(order)["error-message"] == "Cancelled by payer"


@pytest.mark.parametrize(
    ("pan", "expiry", "cvv", "message"),
    [
        ("4444555566661112", "12/39", "123", "not valid"),
        ("4444 5555 6666 1111", "13/39", "123", "month"),
        ("4444555566661111", "01/20", "123", "expired"),
        ("4444555566661111", "1239", "123", "MM/YY"),
        ("4444555566661111", "12/39", "", "CVC"),
        ("", "12/39", "123", "card number"),
    ],
)
def test_bad_card_input_rerenders_with_400(open_order, pay, status, pan, expiry, cvv, message):
    order = open_order()

    response = pay(order, pan=pan, expiry=expiry, cvv=cvv)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and 'role="alert"' in html
    assert pan.replace(" ", "") not in html or not pan
    fields = status(order)
    assert (fields["status"], fields["order-stage"], fields["bin"]) == (
        "processing",
        "sale_init",
        "",
    )


def test_repeat_submit_on_a_finished_order_changes_nothing(open_order, pay, status, client):
    order = open_order()
    pay(order, cvv="116")

    again = pay(order, cvv="123", pan="5555555555554444")
    cancel = client.post(f"{path_of(order['redirect-url'])}/cancel")
    password = client.post(f"{path_of(order['redirect-url'])}/3ds", data={"password": "hint"})

    for response in (again, cancel, password):
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/finish")
    fields = status(order)
    assert (fields["status"], fields["error-message"]) == ("declined", "Insufficient funds")
    assert (fields["bin"], fields["card-type"]) == ("444455", "VISA")


def test_final_redirect_page_posts_signed_fields_without_inline_script(call, pay, client, status):
    params = form_params(
        redirect_success_url="https://shop.example/ok?token=t1&lang=en",
        merchant_data="VIP customer",
        amount="100",
    )
    order = call("sale-form", params)

    parsed, html = final_page(client, pay(order, cvv="123"))

    form = parsed.forms[0]
    assert (form["method"], form["class"]) == ("post", "final-redirect")
    assert form["action"] == "https://shop.example/ok?token=t1&lang=en"
    fields = dict(parsed.fields)
    paynet_id, client_id = order["paynet-order-id"], order["merchant-order-id"]
    assert fields["control"] == sha1("approved", paynet_id, client_id, KEY)
    assert [name for name, _ in parsed.fields] == [
        "status",
        "orderid",
        "merchant_order",
        "client_orderid",
        "error_message",
        "control",
        "descriptor",
        "processor-tx-id",
        "amount",
        "bin",
        "type",
        "card-type",
        "phone",
        "last-four-digits",
        "card-holder-name",
        "error_code",
        "gate-partial-reversal",
        "gate-partial-capture",
        "merchantdata",
    ]
    assert fields["amount"] == "100.00" and fields["type"] == "sale"
    assert fields["merchant_order"] == fields["client_orderid"] == client_id
    assert fields["orderid"] == paynet_id and fields["phone"] == "+31201112233"
    assert fields["merchantdata"] == "VIP customer"
    assert fields["descriptor"] == "REDIRECT-SHOP SANDBOX"
    assert fields["gate-partial-reversal"] == fields["gate-partial-capture"] == "enabled"
    assert parsed.buttons == ["submit"]
    assert "Continue to the shop" in html
    assert [script.get("src") for script in parsed.scripts] == ["/static/payneteasy-autosubmit.js"]
    assert all(script.get("src") for script in parsed.scripts)  # no inline script at all
    assert "onload" not in html and "onclick" not in html


def test_without_merchant_data_there_is_no_merchantdata_field(open_order, pay, client):
    parsed, _ = final_page(client, pay(open_order(), cvv="123"))

    assert "merchantdata" not in dict(parsed.fields)


def test_autosubmit_script_is_served_and_submits_the_form(client):
    response = client.get("/static/payneteasy-autosubmit.js")

    script = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200
    assert ".submit()" in script and "final-redirect" in script
    assert (STATIC / "payneteasy-autosubmit.js").is_file()
