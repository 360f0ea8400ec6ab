"""SANDBOX_ALLOWED_ORIGINS: no registered return or callback URL leads off the merchants'."""

from __future__ import annotations

from pathlib import Path

import pytest

from shop.sandbox import create_app, load_config
from shop.sandbox.common import delivery
from shop.sandbox.common.db import db
from shop.sandbox.common.origins import origin_of
from tests.sandbox.payneteasy.conftest import ENDPOINT, form_params, parse_body
from tests.sandbox.rbs.conftest import AUTH

RBS_VALID = {"orderNumber": "A-1", "amount": "100", "returnUrl": "https://shop.example/return"}
RBS_FIELDS = [("returnUrl", "return"), ("failUrl", "fail"), ("dynamicCallbackUrl", "callback")]
PNE_FIELDS = [
    "redirect_url",
    "redirect_success_url",
    "redirect_fail_url",
    "server_callback_url",
    "notify_url",
]
FOREIGN = [
    "https://attacker.example/steal",
    "http://127.0.0.1:8080/internal/admin",  # another port of an allowed host: SSRF
    "https://shop.example.attacker.example/x",
    "http://shop.example/return",  # the allowed host, another scheme
    "https://shop.example:8443/return",
]
# Python and browsers may split these differently; none passes, whatever it looks like.
TRICKY = [
    "https://attacker.example\\@shop.example/x",
    "https://shop.example@attacker.example/x",
    "https://shop.example\t@attacker.example/x",
    "https://shop.example%2F@attacker.example/x",
    "https://shop.example /x",
    "https://shop.example:+443/x",
    "https://shop%2Eexample/x",
]
MESSAGE = "not on an allowed origin (SANDBOX_ALLOWED_ORIGINS)"


def pne(client, command: str, **fields: str) -> dict[str, str]:
    answer = client.post(f"/paynet/api/v2/{command}/{ENDPOINT}", data=form_params(**fields))
    assert answer.status_code == 200
    return dict(parse_body(answer.get_data(as_text=True)))


@pytest.mark.parametrize(("field", "kind"), RBS_FIELDS)
@pytest.mark.parametrize("method", ["register", "registerPreAuth"])
def test_rbs_refuses_a_url_on_a_foreign_origin(rbs, method, field, kind):
    for url in FOREIGN:
        body = rbs(method, **{**RBS_VALID, field: url})

        assert body == {"errorCode": "4", "errorMessage": f"The {kind} URL is {MESSAGE}"}, url


@pytest.mark.parametrize("field", PNE_FIELDS)
@pytest.mark.parametrize("command", ["sale-form", "preauth-form"])
def test_payneteasy_refuses_a_url_on_a_foreign_origin(client, command, field):
    for url in FOREIGN:
        fields = pne(client, command, **{field: url})

        assert fields["type"] == "validation-error", url
        assert fields["error-message"] == f"Invalid {field}: {MESSAGE}"


@pytest.mark.parametrize("url", TRICKY)
def test_tricky_urls_are_refused_by_both_gateways(rbs, client, url):
    assert rbs("register", **{**RBS_VALID, "dynamicCallbackUrl": url})["errorCode"] == "4"
    assert pne(client, "sale-form", server_callback_url=url)["type"] == "validation-error"


def test_an_allowed_origin_matches_whatever_its_case_and_default_port(rbs, client):
    url = "HTTPS://Shop.Example:443/return?token=abc"

    assert "orderId" in rbs("register", **{**RBS_VALID, "returnUrl": url})
    assert pne(client, "sale-form", redirect_url=url)["type"] == "async-form-response"


def test_star_allows_any_origin(tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'any.sqlite3'}",
            "SANDBOX_ALLOWED_ORIGINS": "*",
            "SANDBOX_RBS_CALLBACKS": "manual",
            "SANDBOX_PAYNETEASY_CALLBACKS": "manual",
        }
    )
    client = app.test_client()
    try:
        rbs = {field: f"https://{field.lower()}.example/x" for field, _ in RBS_FIELDS}
        registered = client.post("/payment/rest/register.do", data={**AUTH, **RBS_VALID, **rbs})
        pne_urls = {field: f"http://10.0.0.1:81/{field}" for field in PNE_FIELDS}
        opened = pne(client, "sale-form", **pne_urls)
    finally:
        delivery.shutdown(app)
        with app.app_context():
            db.engine.dispose()

    assert "orderId" in registered.get_json()
    assert opened["type"] == "async-form-response"


def test_standalone_default_is_the_shops_default_address(monkeypatch):
    monkeypatch.delenv("SANDBOX_ALLOWED_ORIGINS", raising=False)

    allowed = load_config({})["SANDBOX_ALLOWED_ORIGINS"]

    assert allowed == "http://127.0.0.1:5000,http://localhost:5000"


@pytest.mark.parametrize(
    "setting", ["", " , ", "shop.example", "https://shop.example/return", "ftp://shop.example"]
)
def test_a_bad_setting_fails_at_startup(tmp_path: Path, setting):
    config = {"SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    with pytest.raises(ValueError, match="SANDBOX_ALLOWED_ORIGINS"):
        create_app({**config, "SANDBOX_ALLOWED_ORIGINS": setting})


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("http://127.0.0.1:5000/checkout/return/x", "http://127.0.0.1:5000"),
        ("HTTP://LocalHost:80/", "http://localhost"),
        ("https://shop.example:443", "https://shop.example"),
        ("https://shop.example:8443/x", "https://shop.example:8443"),
        ("http://[::1]:5000/x", "http://[::1]:5000"),
        ("javascript:alert(1)", None),
        ("//shop.example/x", None),
        ("http://shop.example:99999/", None),
        ("http://user:pw@shop.example/", None),
        ("http://shop.example\\@evil.example/", None),
        ("http://xn--e1afmkfd.example/", "http://xn--e1afmkfd.example"),
        ("http://пример.example/", None),  # browsers would send it to its punycode form
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin
