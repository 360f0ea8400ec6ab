"""Every answer of the sandbox carries the security headers: pages, API, errors and faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from shop.sandbox import create_app
from shop.sandbox.common.db import db
from tests.sandbox.payneteasy.conftest import ENDPOINT, GROUP, form_params, parse_body

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; "
    "form-action 'self' http://127.0.0.1:9 https://shop.example; frame-ancestors 'none'"
)


def assert_secure(answer, path: str, csp: str = CSP) -> None:
    where = f"{answer.request.method} {path} -> {answer.status_code}"
    headers = answer.headers
    assert headers.get("Content-Security-Policy") == csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    # The PaynetEasy form keeps its token out of every Referer: stricter than same-origin.
    referrer = "no-referrer" if path.startswith("/paynet/form/") else "same-origin"
    assert headers.get("Referrer-Policy") == referrer, where
    if not path.startswith("/static/"):
        assert headers.get("Cache-Control") == "no-store", where


@pytest.fixture
def values(client, register) -> dict[str, str]:
    """Plausible path values: real orders of both gateways, the demo merchant and endpoints."""
    md_order = register()["orderId"]
    opened = client.post(f"/paynet/api/v2/sale-form/{ENDPOINT}", data=form_params())
    pne = dict(parse_body(opened.get_data(as_text=True)))
    return {
        "filename": "sandbox.css",
        "method": "getOrderStatusExtended",
        "merchant": "redirect-shop",
        "lang": "en",
        "command": "status",
        "endpoint_id": ENDPOINT,
        "group_id": GROUP,
        "token": pne["redirect-url"].rsplit("/", 1)[1],
        "paynet_order_id": pne["paynet-order-id"],
        "md_order": md_order,
        "rule_id": "1",
    }


def test_every_rule_answers_with_the_headers(app, client, values):
    adapter = app.url_map.bind("localhost")
    walked = 0
    for rule in app.url_map.iter_rules():
        arguments = {name: values[name] for name in rule.arguments}
        for method in sorted(rule.methods or ()):
            path = adapter.build(rule.endpoint, arguments, method=method)
            query = {"mdOrder": values["md_order"], "orderId": values["md_order"]}
            with client.open(path, method=method, query_string=query) as answer:
                assert answer.status_code < 500, f"{method} {path}"
                assert_secure(answer, path)
            walked += 1
    assert walked > 50


@pytest.mark.parametrize("fault", ["http_502", "html", "invalid", "truncated", "system_error"])
def test_fault_answers_carry_the_headers(client, fault):
    for path in ["/payment/rest/register.do", f"/paynet/api/v2/status/{ENDPOINT}"]:
        answer = client.post(path, headers={"X-Sandbox-Fault": fault})
        assert_secure(answer, path)


def test_refused_faults_and_error_pages_carry_the_headers(client):
    path = "/payment/rest/register.do"
    answers = [
        (client.post(path, headers={"X-Sandbox-Fault": "hang;ms=30001"}), path),
        (client.get("/nowhere"), "/nowhere"),
        (client.put(path), path),
        (client.post(path, data={"description": "x" * 70_000}), path),
        (client.get("/paynet/form/no-such-token"), "/paynet/form/no-such-token"),
    ]
    assert [answer.status_code for answer, _ in answers] == [400, 404, 405, 413, 404]
    for answer, where in answers:
        assert_secure(answer, where)


@pytest.fixture
def make_app(tmp_path: Path):
    made = []

    def build(**config: str):
        url = f"sqlite:///{tmp_path / f'{len(made)}.sqlite3'}"
        made.append(create_app({"TESTING": True, "SANDBOX_DATABASE_URL": url, **config}))
        return made[-1]

    yield build
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_too_many_delaying_faults_answer_carries_the_headers(make_app):
    app = make_app(SANDBOX_FAULT_MAX_DELAYED="0", SANDBOX_ALLOWED_ORIGINS="https://shop.example")
    path = "/payment/rest/getOrderStatusExtended.do"

    answer = app.test_client().post(path, headers={"X-Sandbox-Fault": "hang;ms=30000"})

    assert answer.status_code == 429
    assert_secure(answer, path, CSP.replace("http://127.0.0.1:9 ", ""))


def test_any_origin_lets_forms_post_anywhere(make_app):
    app = make_app(SANDBOX_ALLOWED_ORIGINS="*")

    answer = app.test_client().get("/nowhere")

    assert "form-action 'self' *;" in answer.headers["Content-Security-Policy"]
