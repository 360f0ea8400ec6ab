"""sale-form / preauth-form over the wire: format, trimming, validation, controls, duplicates."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from shop.sandbox.payneteasy import orders
from shop.sandbox.payneteasy.request import parse_form_request
from shop.sandbox.payneteasy.wire import PaynetError
from tests.sandbox.payneteasy.conftest import (
    ENDPOINT,
    GROUP,
    KEY,
    form_params,
    parse_body,
    path_of,
    sha1,
)

SERIAL = re.compile(r"^00000000-0000-0000-0000-0000[0-9a-f]{8}$")


def test_success_response_has_the_gateway_format(client):
    params = form_params(client_orderid="ORD-1")

    response = client.post(f"/paynet/api/v2/sale-form/{ENDPOINT}", data=params)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html;charset=utf-8"
    body = response.get_data(as_text=True)
    assert body.endswith("\n") and body.count("\n&") == 5
    fields = parse_body(body)
    assert [key for key, _ in fields] == [
        "type",
        "serial-number",
        "merchant-order-id",
        "paynet-order-id",
        "status",
        "redirect-url",
    ]
    values = dict(fields)
    assert values["type"] == "async-form-response"
    assert SERIAL.match(values["serial-number"])
    assert values["merchant-order-id"] == "ORD-1"
    assert values["paynet-order-id"].isdigit()
    assert values["status"] == "processing"
    assert values["redirect-url"].startswith("http://localhost/paynet/form/")
    assert "redirect-url=http%3A%2F%2Flocalhost%2Fpaynet%2Fform%2F" in body  # urlencoded value


def test_order_ids_are_random_18_digit_integers(open_order):
    ids = [open_order()["paynet-order-id"] for _ in range(5)]

    assert all(re.fullmatch(r"[1-9][0-9]{17}", paynet_id) for paynet_id in ids)
    assert len(set(ids)) == 5
    steps = {int(b) - int(a) for a, b in pairwise(ids)}
    assert steps != {1}  # not a sequence one can walk


def test_an_id_collision_draws_a_new_id(open_order, monkeypatch):
    draws = iter([7, 7, 8])
    monkeypatch.setattr(orders.secrets, "randbelow", lambda _bound: next(draws))
    first, second = open_order(), open_order()

    assert int(first["paynet-order-id"]) == orders.ID_FLOOR + 7
    assert int(second["paynet-order-id"]) == orders.ID_FLOOR + 8


def test_redirect_url_opens_the_hosted_form(open_order, client):
    order = open_order(amount="1234.5", currency="EUR")

    page = client.get(path_of(order["redirect-url"]))

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "€1,234.50" in html and "redirect-shop" in html and "Two mugs" in html


def test_inputs_are_trimmed_before_use(call, status):
    params = form_params(client_orderid="TRIM-1", email="a@example.com")
    padded = {key: f"  {value}\t\n" for key, value in params.items()}

    order = call("sale-form", padded)

    assert order["type"] == "async-form-response", order
    assert order["merchant-order-id"] == "TRIM-1"
    assert status(order)["email"] == "a@example.com"


def test_group_url_signs_with_the_group_id(call):
    on_group = form_params(url_id=GROUP)
    with_endpoint_id = form_params(url_id=ENDPOINT)

    accepted = call("sale-form", on_group, url_id=f"group/{GROUP}")
    refused = call("sale-form", with_endpoint_id, url_id=f"group/{GROUP}")

    assert accepted["type"] == "async-form-response"
    assert refused["type"] == "validation-error"
    assert refused["error-message"] == "Control code mismatch"


def test_preauth_form_opens_an_auth_order(open_order, status):
    order = open_order("preauth-form")

    fields = status(order)

    assert (fields["transaction-type"], fields["order-stage"]) == ("preauth", "auth_init")
    assert fields["status"] == "processing"


def test_control_may_come_upper_case(call):
    params = form_params()
    params["control"] = params["control"].upper()

    assert call("sale-form", params)["type"] == "async-form-response"


def test_control_mismatch_is_a_validation_error(call):
    params = form_params(control=sha1("wrong"), client_orderid="BAD-CTL")

    fields = call("sale-form", params)

    assert list(fields) == [
        "type",
        "serial-number",
        "merchant-order-id",
        "error-message",
        "error-code",
    ]
    assert fields["type"] == "validation-error"
    assert fields["merchant-order-id"] == "BAD-CTL"
    assert fields["error-message"] == "Control code mismatch"
    assert fields["error-code"] == "2"
    assert SERIAL.match(fields["serial-number"])


def test_control_signs_minor_units_not_the_raw_amount(call):
    params = form_params(amount="10.42")
    params["control"] = sha1(ENDPOINT, params["client_orderid"], "10.42", params["email"], KEY)

    assert call("sale-form", params)["type"] == "validation-error"


@pytest.mark.parametrize(
    ("amount", "minor"), [("19.99", 1999), ("0.29", 29), ("10.5", 1050), ("100", 10000)]
)
def test_float_trap_amounts_are_exact(call, status, amount, minor):
    params = form_params(amount=amount, control="x")
    params["control"] = sha1(ENDPOINT, params["client_orderid"], str(minor), params["email"], KEY)

    order = call("sale-form", params)

    assert order["type"] == "async-form-response", order
    assert status(order)["amount"] == f"{minor // 100}.{minor % 100:02d}"


@pytest.mark.parametrize("amount", ["1.999", "-1", "abc", "0", "0.00", "1e3", "10,50"])
def test_bad_amounts_are_refused(call, amount):
    fields = call("sale-form", form_params(amount="1", control="0" * 40) | {"amount": amount})

    assert fields["type"] == "validation-error"
    assert "amount" in fields["error-message"].lower()


@pytest.mark.parametrize(
    "missing", ["client_orderid", "order_desc", "amount", "currency", "email", "control"]
)
def test_each_required_field_is_checked(call, missing):
    params = form_params()
    del params[missing]

    fields = call("sale-form", params)

    assert fields["type"] == "validation-error"
    assert fields["error-message"] == f"Missing required field: {missing}"
    assert fields["error-code"] == "1"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("client_orderid", "x" * 129, "client_orderid is longer than 128 characters"),
        ("merchant_data", "x" * 4097, "merchant_data is longer than 4096 characters"),
        ("currency", "RUBL", "Invalid currency: three letters, e.g. RUB"),
        ("currency", "12A", "Invalid currency: three letters, e.g. RUB"),
        ("email", "not-an-email", "Invalid email"),
        ("redirect_url", "/relative/back", "Invalid redirect_url"),
        ("redirect_success_url", "javascript:alert(1)", "Invalid redirect_success_url"),
        ("server_callback_url", "ftp://shop.example/cb", "Invalid server_callback_url"),
        ("notify_url", "http://", "Invalid notify_url"),
    ],
)
def test_bad_fields_are_refused(call, name, value, message):
    fields = call("sale-form", form_params(**{name: value}))

    assert fields["type"] == "validation-error"
    assert fields["error-message"].startswith(message)


def test_order_desc_limit_holds_behind_the_body_limit():
    # Over HTTP such a body is refused first (413): the parser's own limit still holds.
    with pytest.raises(PaynetError, match="order_desc is longer than 65535 characters"):
        parse_form_request(form_params(order_desc="x" * 65536))


def test_redirect_url_or_both_success_and_fail_urls_are_required(call):
    only_success = form_params(redirect_url="", redirect_fail_url="")
    pair_only = form_params(redirect_url="")
    single_only = form_params(redirect_success_url="", redirect_fail_url="")

    assert call("sale-form", only_success)["error-message"].startswith(
        "Missing required field: redirect_url"
    )
    assert call("sale-form", pair_only)["type"] == "async-form-response"
    assert call("sale-form", single_only)["type"] == "async-form-response"


def test_optional_fields_are_accepted(call):
    extra = {
        "first_name": "John",
        "last_name": "Smith",
        "server_callback_url": "https://shop.example/cb",
        "notify_url": "https://shop.example/notify",
        "merchant_data": "VIP customer",
        "preferred_language": "en",
        "site_url": "https://shop.example/",
    }

    assert call("sale-form", form_params(**extra))["type"] == "async-form-response"


def test_duplicate_client_orderid_is_refused(call):
    first = call("sale-form", form_params(client_orderid="DUP-1"))
    again = call("sale-form", form_params(client_orderid="DUP-1", amount="5"))

    assert first["type"] == "async-form-response"
    assert again["type"] == "validation-error"
    assert again["merchant-order-id"] == "DUP-1"
    assert again["error-code"] == "4"


def test_unknown_endpoint_and_group_are_validation_errors(call):
    on_endpoint = call("sale-form", form_params(url_id="9999"), url_id="9999")
    on_group = call("sale-form", form_params(url_id="9999"), url_id="group/9999")

    assert on_endpoint["type"] == on_group["type"] == "validation-error"
    assert on_endpoint["error-message"] == "Unknown endpoint: 9999"
    assert on_group["error-message"] == "Unknown endpoint: group/9999"


def test_unknown_command_is_a_plain_404(client):
    response = client.post(f"/paynet/api/v2/sale/{ENDPOINT}", data=form_params())
    grouped = client.post(f"/paynet/api/v2/transfer-form/group/{GROUP}", data={})

    assert response.status_code == grouped.status_code == 404
    assert response.content_type.startswith("text/plain")
    assert response.get_data(as_text=True) == "Unknown command\n"


def test_values_are_form_urlencoded(call, client):
    params = form_params(client_orderid="A&B+C D=E")

    response = client.post(f"/paynet/api/v2/sale-form/{ENDPOINT}", data=params)

    body = response.get_data(as_text=True)
    assert "&merchant-order-id=A%26B%2BC+D%3DE\n" in body
    assert dict(parse_body(body))["merchant-order-id"] == "A&B+C D=E"
