"""Hostile input: whatever arrives, the answer is a page or a 4xx, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.extensions import db
from shop.models import Payment

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
PARAMS = st.dictionaries(TEXT, TEXT, max_size=6)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def not_a_server_error(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]


@SETTINGS
@given(product_id=TEXT, quantity=TEXT)
def test_cart_add_with_any_fields(client, product_id, quantity):
    not_a_server_error(
        client.post("/cart/add", data={"product_id": product_id, "quantity": quantity})
    )


@SETTINGS
@given(product_id=st.integers(min_value=-(2**70), max_value=2**70), quantity=TEXT)
def test_cart_quantity_and_remove_with_any_ids(client, product_id, quantity):
    path = f"/cart/{product_id}"
    not_a_server_error(client.post(f"{path}/quantity", data={"quantity": quantity}))
    not_a_server_error(client.post(f"{path}/remove"))


@SETTINGS
@given(form=st.fixed_dictionaries({}, optional={
    "name": TEXT, "email": TEXT, "checkout_key": TEXT, "provider": TEXT,
    "amount": TEXT, "price": TEXT,
}))  # fmt: skip
def test_checkout_with_any_fields(client, form):
    client.post("/cart/add", data={"product_id": "1", "quantity": "1"})
    not_a_server_error(client.post("/checkout", data=form))


@SETTINGS
@given(token=TEXT.filter(lambda t: t not in {"", ".", ".."}), params=PARAMS)
def test_return_views_with_any_token_and_parameters(client, token, params):
    for kind in ("return", "fail"):
        path = f"/checkout/{kind}/{quote(token, safe='')}"
        not_a_server_error(client.get(path, query_string=params))
        not_a_server_error(client.post(path, data=params))


@SETTINGS
@given(provider=st.sampled_from(["rbs", "payneteasy", "other"]), params=PARAMS)
def test_callbacks_with_any_parameters(client, provider, params):
    not_a_server_error(client.get(f"/payments/{provider}/callback", query_string=params))
    not_a_server_error(client.post(f"/payments/{provider}/callback", data=params))


def test_return_for_a_real_payment_with_garbage_is_refused(app, client):
    from tests.test_transition_atomicity import awaiting_payment

    payment_id = awaiting_payment(app)
    with app.app_context():
        token = db.session.get(Payment, payment_id).token
    for params in [{"orderId": "\u202e" * 40}, {"orderId": "x" * 5000}, {"orderId": ["a", "b"]}]:
        answer = client.get(f"/checkout/return/{token}", query_string=params)
        assert answer.status_code == 403


@SETTINGS
@given(params=PARAMS)
def test_admin_and_order_pages_with_any_query(client, params):
    for path in ["/admin/", "/admin/login", "/orders/nope", "/", "/products/nope"]:
        not_a_server_error(client.get(path, query_string=params))
    not_a_server_error(client.post("/admin/login", data=params))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/cart/add", {"product_id": "1\x00", "quantity": "1"}),
        ("/checkout", {"name": "Ada\x00", "email": "a@example.com"}),
        ("/payments/rbs/callback", {"mdOrder": "\x00"}),
    ],
)
def test_nul_bytes_are_refused_up_front(client, path, data):
    answer = client.post(path, data=data)
    assert answer.status_code == 400
    assert "not allowed" in answer.get_data(as_text=True)


def test_oversized_bodies_are_refused(client):
    answer = client.post("/cart/add", data={"product_id": "1", "quantity": "1" * 70_000})
    assert answer.status_code == 413
