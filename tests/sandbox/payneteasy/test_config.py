"""Settings: defaults, environment, test_config; and the simulator mounted under /sandbox."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from shop.sandbox import create_app, load_config
from shop.sandbox.common import delivery
from shop.sandbox.common.db import db
from tests.sandbox.payneteasy.conftest import GOOD_PAN, form_params, parse_body, sha1

DEFAULTS = {
    "SANDBOX_PAYNETEASY_ENDPOINT_ID": "4242",
    "SANDBOX_PAYNETEASY_ENDPOINT_GROUP_ID": "4343",
    "SANDBOX_PAYNETEASY_LOGIN": "redirect-shop",
    "SANDBOX_PAYNETEASY_CONTROL_KEY": "5A1C7E3B-0D2F-4B8E-9C61-SANDBOX00001",
    "SANDBOX_PAYNETEASY_CALLBACK_DELAYS": "0,1,2,4,8",
    "SANDBOX_PAYNETEASY_CALLBACKS": "auto",
}


def test_defaults(monkeypatch):
    for key in DEFAULTS:
        monkeypatch.delenv(key, raising=False)

    config = load_config(None)

    assert {key: config[key] for key in DEFAULTS} == DEFAULTS


def test_environment_then_test_config_override(monkeypatch):
    monkeypatch.setenv("SANDBOX_PAYNETEASY_ENDPOINT_ID", "7001")
    monkeypatch.setenv("SANDBOX_PAYNETEASY_CALLBACKS", "manual")

    config = load_config({"SANDBOX_PAYNETEASY_CALLBACKS": "auto"})

    assert config["SANDBOX_PAYNETEASY_ENDPOINT_ID"] == "7001"
    assert config["SANDBOX_PAYNETEASY_CALLBACKS"] == "auto"


@pytest.mark.parametrize(
    "overrides",
    [
        {"SANDBOX_PAYNETEASY_CALLBACKS": "sometimes"},
        {"SANDBOX_PAYNETEASY_CALLBACK_DELAYS": "0,soon"},
        {"SANDBOX_PAYNETEASY_CALLBACK_DELAYS": "-1"},
    ],
)
def test_bad_settings_fail_at_startup(tmp_path, overrides):
    with pytest.raises(ValueError, match="SANDBOX_PAYNETEASY_CALLBACK"):
        create_app({"SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", **overrides})


def test_custom_endpoint_login_and_key(tmp_path):
    key = "0F0F0F0F-1111-2222-3333-444455556666"
    app = create_app(
        {
            "TESTING": True,
            "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "SANDBOX_PAYNETEASY_ENDPOINT_ID": "77",
            "SANDBOX_PAYNETEASY_CONTROL_KEY": key,
            "SANDBOX_ALLOWED_ORIGINS": "https://shop.example",
        }
    )
    params = form_params(url_id="77")
    params["control"] = sha1("77", params["client_orderid"], "1042", params["email"], key)

    try:
        body = app.test_client().post("/paynet/api/v2/sale-form/77", data=params)
        default = app.test_client().post("/paynet/api/v2/sale-form/4242", data=params)
    finally:
        delivery.shutdown(app)
        with app.app_context():
            db.engine.dispose()

    assert dict(parse_body(body.get_data(as_text=True)))["type"] == "async-form-response"
    assert dict(parse_body(default.get_data(as_text=True)))["error-message"] == (
        "Unknown endpoint: 4242"
    )


def test_mounted_under_sandbox_every_url_carries_the_prefix(app):
    shop = Flask("shop")
    shop.wsgi_app = DispatcherMiddleware(shop.wsgi_app, {"/sandbox": app})  # type: ignore[method-assign]
    client = Client(shop.wsgi_app)

    answer = client.post("/sandbox/paynet/api/v2/sale-form/4242", data=form_params())
    fields = dict(parse_body(answer.get_data(as_text=True)))
    form_path = urlsplit(fields["redirect-url"]).path
    page = client.get(form_path)
    paid = client.post(
        form_path, data={"pan": GOOD_PAN, "expiry": "12/39", "cvv": "321", "cardholder": "A"}
    )

    assert form_path.startswith("/sandbox/paynet/form/")
    assert "/sandbox/static/sandbox.css" in page.get_data(as_text=True)
    assert 'action="/sandbox/paynet/form/' in page.get_data(as_text=True)
    assert urlsplit(paid.headers["Location"]).path == f"{form_path}/3ds"
