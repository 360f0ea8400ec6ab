"""Security headers and cookie flags, and templates that need no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shop import create_app
from tests.support import make_config

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize("path", ["/", "/cart/", "/products/ceramic-mug", "/admin/login", "/nope"])
def test_every_page_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_form_action_allows_exactly_the_configured_gateways(make_app):
    app = make_app(
        PAYMENT_PROVIDERS="rbs,payneteasy",
        RBS_API_URL="https://mts.rbsuat.com/payment/rest/",
        PAYNETEASY_API_URL="https://sandbox.payneteasy.com/paynet/api/v2/",
    )
    csp = app.test_client().get("/").headers["Content-Security-Policy"]
    form_action = next(d for d in csp.split("; ") if d.startswith("form-action"))
    assert form_action.split() == [
        "form-action",
        "'self'",
        "https://mts.rbsuat.com",
        "https://sandbox.payneteasy.com",
    ]


def test_session_cookie_is_httponly_lax_and_secure_over_https(tmp_path, client):
    client.post("/cart/add", data={"product_id": "1", "quantity": "1"})
    cookie = client.get_cookie("shop_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure
    https_app = create_app(make_config(tmp_path, SHOP_PUBLIC_URL="https://shop.example.com"))
    assert https_app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script>"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert "style=" not in text, "inline style attribute"
