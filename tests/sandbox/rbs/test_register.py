"""register.do / registerPreAuth.do: the success shape and each validation error."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

VALID = {
    "orderNumber": "A-1",
    "amount": "12345",
    "returnUrl": "https://shop.example/return",
}


@pytest.mark.parametrize("method", ["register", "registerPreAuth"])
def test_register_answers_order_id_and_form_url_only(rbs, method):
    body = rbs(method, **VALID)

    assert set(body) == {"orderId", "formUrl"}  # no errorCode on success, as legacy Sber
    order_id = body["orderId"]
    assert str(uuid.UUID(order_id, version=4)) == order_id
    url = urlsplit(body["formUrl"])
    assert url.scheme == "http" and url.netloc == "localhost"
    assert url.path == "/payment/merchants/redirect-shop/payment_en.html"
    assert parse_qs(url.query) == {"mdOrder": [order_id]}


def test_form_url_uses_the_requested_language(rbs):
    body = rbs("register", **VALID, language="RU")

    assert urlsplit(body["formUrl"]).path.endswith("/payment_ru.html")


def test_get_with_query_string_is_accepted(client):
    query = {"userName": "redirect-shop-api", "password": "sandbox-demo-password", **VALID}

    response = client.get("/payment/rest/register.do", query_string=query)

    assert response.status_code == 200
    assert set(response.get_json()) == {"orderId", "formUrl"}


def test_duplicate_order_number_is_error_1(rbs):
    rbs("register", **VALID)

    body = rbs("registerPreAuth", **VALID)

    assert body == {
        "errorCode": "1",
        "errorMessage": "Order with this number was already processed",
    }


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"orderNumber": ""}, "4", None),
        ({"orderNumber": "x" * 37}, "1", None),
        ({"amount": ""}, "4", None),
        ({"amount": "0"}, "5", "Invalid amount"),
        ({"amount": "-100"}, "5", "Invalid amount"),
        ({"amount": "10.50"}, "5", "Invalid amount"),
        ({"amount": "abc"}, "5", "Invalid amount"),
        ({"amount": "1234567890123"}, "5", "Invalid amount"),
        ({"currency": "999"}, "3", "Unknown currency"),
        ({"currency": "RUB"}, "3", "Unknown currency"),
        ({"returnUrl": ""}, "4", None),
        ({"returnUrl": "/relative/return"}, "4", "The return URL is invalid"),
        ({"returnUrl": "ftp://shop.example/x"}, "4", "The return URL is invalid"),
        ({"failUrl": "./fail"}, "4", "The fail URL is invalid"),
        ({"language": "english"}, "5", None),
        ({"sessionTimeoutSecs": "0"}, "5", None),
        ({"sessionTimeoutSecs": "ten"}, "5", None),
        ({"jsonParams": "{not json"}, "5", None),
        ({"jsonParams": "[1, 2]"}, "5", None),
        ({"jsonParams": "[" * 20_000}, "5", None),  # deep, yet under the 64 KiB body limit
    ],
)
def test_register_validation_errors(rbs, change, code, message):
    body = rbs("register", **{**VALID, **change})

    assert body["errorCode"] == code
    assert body["errorMessage"]
    if message:
        assert body["errorMessage"] == message
    assert "orderId" not in body and "formUrl" not in body


@pytest.mark.parametrize("currency", ["643", "978", "840", "810", "933", "398"])
def test_accepted_currencies(rbs, currency):
    assert "orderId" in rbs("register", **VALID, currency=currency)


@pytest.mark.parametrize(
    "credentials",
    [
        {"userName": "redirect-shop-api", "password": "wrong"},
        {"userName": "someone-else", "password": "sandbox-demo-password"},
        {"userName": "redirect-shop-api"},
        {},
    ],
)
def test_bad_or_missing_credentials_are_access_denied(client, credentials):
    response = client.post("/payment/rest/register.do", data={**VALID, **credentials})

    assert response.status_code == 200
    assert response.get_json() == {"errorCode": "5", "errorMessage": "Access denied"}


def test_configured_credentials_are_used(tmp_path):
    from shop.sandbox import create_app

    app = create_app(
        {
            "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
            "SANDBOX_RBS_USERNAME": "m-api",
            "SANDBOX_RBS_PASSWORD": "s3cret",
            "SANDBOX_MERCHANT": "acme",
            "SANDBOX_ALLOWED_ORIGINS": "https://shop.example",
        }
    )
    client = app.test_client()

    body = client.post(
        "/payment/rest/register.do", data={**VALID, "userName": "m-api", "password": "s3cret"}
    ).get_json()

    assert "/payment/merchants/acme/payment_en.html" in body["formUrl"]


def test_unknown_method_is_json_404(client):
    response = client.post("/payment/rest/payWithMagic.do", data={})

    assert response.status_code == 404
    assert response.content_type == "application/json;charset=UTF-8"
    assert response.get_json()["errorCode"] == "7"


def test_wrong_http_method_is_json_not_html(client):
    response = client.put("/payment/rest/register.do")

    assert response.status_code == 405
    assert response.get_json()["errorCode"] == "7"


def test_nul_bytes_are_a_business_error_not_a_crash(rbs):
    body = rbs("register", **{**VALID, "description": "bad\x00byte"})

    assert body["errorCode"] == "5"
