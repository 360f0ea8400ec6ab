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


def every_route(app, prefix: str = "") -> list[tuple[str, str]]:
    """(method, path) for each rule of the app, its variables filled with plausible values."""
    values = {"int": "1", "path": "css/shop.css", "default": "x"}
    found = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        for name, converter in rule._converters.items():
            kind = "int" if "Integer" in type(converter).__name__ else "default"
            kind = "path" if name == "filename" else kind
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", values[kind], path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, prefix + path))
    return found


def test_every_route_of_the_shop_and_its_sandbox_carries_the_headers(app):
    client = app.test_client()
    routes = every_route(app) + every_route(app.wsgi_app.mounts["/sandbox"], "/sandbox")
    assert len(routes) > 40  # we walked both apps
    for method, path in routes:
        with client.open(path, method=method) as answer:
            headers = answer.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, (method, path)
        assert headers.get("X-Content-Type-Options") == "nosniff", (method, path)
        # Never the page's address to another site (pages with a token in it send none).
        assert headers.get("Referrer-Policy") in {"same-origin", "no-referrer"}, (method, path)
        assert answer.status_code < 500, (method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/cart/add",
        "/checkout",
        "/sandbox/payment/rest/register.do",
        "/sandbox/paynet/api/v2/sale-form/4242",
    ],
)
def test_a_body_over_the_limit_is_refused_by_the_shop_and_the_sandbox(client, path):
    answer = client.post(path, data={"filler": "x" * (65 * 1024)})
    assert answer.status_code == 413
