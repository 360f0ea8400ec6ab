"""Hostile input to the sandbox: whatever arrives on any route, a 4xx or an answer, never a 500."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox.payneteasy.conftest import ENDPOINT, parse_body
from tests.sandbox.rbs.conftest import AUTH

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
# Names the handlers read, so that examples get past the first check now and then.
NAMES = [
    *AUTH, "orderNumber", "amount", "currency", "returnUrl", "failUrl", "dynamicCallbackUrl",
    "jsonParams", "sessionTimeoutSecs", "language", "orderId", "mdOrder", "pan", "expiry", "cvc",
    "cvv", "cardholder", "code", "password", "client_orderid", "orderid", "login", "control",
    "order_desc", "email", "redirect_url", "status", "fault", "method", "times", "ms",
]  # fmt: skip
VALUES = st.one_of(
    TEXT,
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from([*AUTH.values(), "RUB", "643", "https://shop.example/r", "4111111111111111"]),
)
FIELDS = st.dictionaries(st.sampled_from(NAMES) | TEXT, VALUES, max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | VALUES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")


def path_values(converter: str | None) -> st.SearchStrategy[str]:
    if converter == "int":
        return st.integers(min_value=0, max_value=10**30).map(str)
    if converter == "path":
        return st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1).map(
            lambda text: quote(text, safe="/")
        )
    return TEXT.map(lambda text: quote(text, safe=""))


@SETTINGS
@given(data=st.data())
def test_every_route_survives_any_input(app, client, data):
    rule = data.draw(st.sampled_from(sorted(app.url_map.iter_rules(), key=str)), label="rule")
    path = _VARIABLE.sub(lambda m: data.draw(path_values(m[1]), label=m[2]), rule.rule)
    method = data.draw(st.sampled_from(sorted(rule.methods or ())), label="method")
    body = data.draw(
        st.one_of(
            st.none(),
            st.builds(lambda fields: {"data": fields}, FIELDS),
            st.builds(lambda fields: {"data": {**AUTH, **fields}}, FIELDS),
            st.builds(lambda value: {"json": value}, JSON),
        ),
        label="body",
    )
    query = data.draw(FIELDS, label="query")

    with client.open(path, method=method, query_string=query, **(body or {})) as answer:
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]


DEEP = "[" * 20_000 + "]" * 20_000


@pytest.mark.parametrize(
    "body",
    [DEEP, "[]", '"text"', "1e999999", '{"times": 1' + "0" * 5000 + "}", "{bad", "\xff"],
)
def test_json_that_is_deep_huge_or_not_an_object_is_never_a_500(app, client, body):
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and "<" not in rule.rule:
            answer = client.post(rule.rule, data=body, content_type="application/json")
            assert answer.status_code < 500, rule.rule


@pytest.mark.parametrize(
    "path",
    [
        "/paynet/sandbox/orders/99999999999999999999999999/callbacks",
        "/paynet/sandbox/orders/1000000000000000000/callbacks",
        "/payment/sandbox/orders/%00/callbacks",
        "/payment/merchants/redirect-shop/finish.html?orderId=%00",
    ],
)
def test_out_of_range_or_odd_ids_are_404(client, path):
    assert client.get(path).status_code == 404


BIG = "x" * (64 * 1024)


def test_a_body_over_64_kib_is_413_in_the_rbs_format(client):
    answer = client.post("/payment/rest/register.do", data={**AUTH, "description": BIG})

    assert answer.status_code == 413
    assert answer.get_json() == {"errorCode": "7", "errorMessage": "Request Entity Too Large"}


def test_a_body_over_64_kib_is_413_in_the_payneteasy_format(client):
    answer = client.post(f"/paynet/api/v2/sale-form/{ENDPOINT}", data={"order_desc": BIG})

    assert answer.status_code == 413
    assert answer.headers["Content-Type"] == "text/html;charset=utf-8"
    fields = dict(parse_body(answer.get_data(as_text=True)))
    assert (fields["type"], fields["error-message"]) == ("error", "Request Entity Too Large")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/payment/merchants/redirect-shop/payment_en.html?mdOrder=x"),
        ("GET", "/payment/merchants/redirect-shop/payment_en.html?mdOrder=x"),  # body unread
        ("POST", "/paynet/form/some-token"),
        ("POST", "/sandbox-control/faults"),
    ],
)
def test_a_body_over_64_kib_is_413_html_elsewhere(client, method, path):
    answer = client.open(path, method=method, data={"cardholder": BIG})

    assert answer.status_code == 413
    assert answer.content_type == "text/html; charset=utf-8"
    assert "larger than 65536 bytes" in answer.get_data(as_text=True)


def test_a_body_just_under_the_limit_is_read(rbs):
    body = rbs("register", description="x" * 60_000)

    assert body["errorCode"] == "4"  # on to validation: no orderNumber
