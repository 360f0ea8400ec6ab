"""Cheap pages: one CSRF token per page, each price formatted once, no session cookie
written by a GET that only reads, and a fixed number of SQL statements per page, so that
a query per product or per payment attempt (an N+1) cannot come back unnoticed."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Order, Payment, new_token
from shop.money import Currency, format_money
from tests.support import CARD_APPROVE, CARD_DECLINE, Buyer, LiveShop, Staff, start_live_shop

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Scene:
    """A shop with a paid order of two attempts (declined, then paid), a buyer with three
    products in the cart and a signed-in member of staff."""

    shop: LiveShop
    payer: Buyer
    buyer: Buyer
    staff: Staff
    order_token: str
    one_attempt_token: str  # another paid order, paid at the first attempt

    def who(self, name: str) -> Buyer:
        return {"payer": self.payer, "buyer": self.buyer, "staff": self.staff}[name]

    def path(self, template: str, token: str = "") -> str:
        return template.format(token=token or self.order_token)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    shop = start_live_shop(tmp_path_factory.mktemp("cheap"))
    people = [Buyer(shop), Buyer(shop), Staff(shop)]
    payer, buyer, staff = people
    try:
        declined = payer.pay(payer.buy("ceramic-mug"), CARD_DECLINE)
        token = shop.only_order_token()
        again = {"csrf_token": _CSRF.search(declined.text)[1]}
        retry = payer.post(f"/orders/{token}/retry", again, allow_redirects=False)
        assert 'data-state="paid"' in payer.pay(retry.headers["Location"], CARD_APPROVE).text
        other = payer.pay(payer.buy("desk-lamp"), CARD_APPROVE).url.rsplit("/", 1)[1]
        for slug in ("wool-socks", "tea-sampler", "oak-board"):
            buyer.add(slug)
        staff.sign_in()
        yield Scene(shop, payer, buyer, staff, token, other)
    finally:
        for person in people:
            person.close()
        shop.stop()


PAGES = [
    ("buyer", "/"),
    ("buyer", "/products/ceramic-mug"),
    ("buyer", "/cart/"),
    ("buyer", "/checkout"),
    ("payer", "/orders/{token}"),
    ("staff", "/admin/"),
    ("staff", "/admin/orders/{token}"),
    ("staff", "/admin/login"),
]


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_a_second_get_writes_no_session_cookie(scene, who, path):
    person = scene.who(who)
    first = person.get(scene.path(path), allow_redirects=False)
    second = person.get(scene.path(path), allow_redirects=False)
    assert first.status_code == second.status_code == 200
    assert "Set-Cookie" not in second.headers


@contextmanager
def counted(shop: LiveShop):
    """Every SQL statement the shop's engine runs meanwhile (the sandbox has its own)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:90])

    with shop.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# Exact counts: one more means a query crept in (often one per product or per attempt).
STATEMENTS = [
    # The products, in order. The badge's cart products are among them (identity map).
    ("buyer", "/", 1),
    # The product by slug; the cart's three products for the badge, in one IN query.
    ("buyer", "/products/ceramic-mug", 2),
    # The cart's three products in one IN query; the badge reuses them.
    ("buyer", "/cart/", 1),
    # The cart's products, as on the cart page (the form itself reads nothing).
    ("buyer", "/checkout", 1),
    # A paid order: 1 the order by token; 2 its attempts (the latest is paid: nothing to ask
    # the gateway). Then what the page shows, one query per table whatever the number of
    # attempts: 3 the order, 4 its lines, 5 its attempts, 6 their events (the demo
    # timeline). The payer's cart is empty since the checkout: no product query.
    ("payer", "/orders/{token}", 6),
    # 1 the staff account's session generation; 2 the order by token; 3 its attempts, to
    # find the decisive one. A paid payment may still be refunded at the bank, so the
    # page asks the gateway (payments.refresh): the transaction is closed before the call,
    # so 4 the payment row again; 5 INSERT the exchange's event; 6 the payment row again
    # (the commit after the call expired it); 7 lock the payment, read its state; 8 UPDATE
    # the ledger to the gateway's totals; 9 is an operation under way; 10 the refunds the
    # totals may confirm; 11 the ledger columns the UPDATE expired; 12 the transition
    # re-reads the state and has nothing to change. Then what the page shows, one query
    # per table whatever the number of attempts: 13 the order, 14 its lines, 15 its
    # attempts, 16 their events, 17 their operations.
    ("staff", "/admin/orders/{token}", 17),
    # 1 the staff account's session generation; 2 the orders; 3 their attempts; 4 their
    # operations (for "needs attention"): one query per table whatever the number of orders.
    ("staff", "/admin/", 4),
]


@pytest.mark.parametrize(("who", "path", "expected"), STATEMENTS)
def test_each_page_runs_a_fixed_number_of_sql_statements(scene, who, path, expected):
    person = scene.who(who)
    assert person.get(scene.path(path)).status_code == 200  # nothing left to do once
    with counted(scene.shop) as statements:
        answer = person.get(scene.path(path), allow_redirects=False)
    assert answer.status_code == 200
    assert len(statements) == expected, "\n".join(statements)


@pytest.mark.parametrize(
    ("who", "path"), [("payer", "/orders/{token}"), ("staff", "/admin/orders/{token}")]
)
def test_order_pages_cost_the_same_whatever_the_number_of_attempts(scene, who, path):
    counts = []
    for token in (scene.order_token, scene.one_attempt_token):  # two attempts, then one
        person, url = scene.who(who), scene.path(path, token)
        assert person.get(url).status_code == 200
        with counted(scene.shop) as statements:
            assert person.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], "a query per payment attempt"


def test_the_catalog_has_one_csrf_token_for_all_its_forms(scene):
    page = scene.buyer.get("/").text
    tokens = _CSRF.findall(page)
    assert len(tokens) == 12 and len(set(tokens)) == 1
    assert 'id="csrf_token"' not in page  # twelve forms, no duplicate element ids
    cart_page = scene.buyer.get("/cart/").text
    assert set(_CSRF.findall(cart_page)) == set(tokens)  # the same token on every page


def test_the_add_to_cart_forms_are_still_checked_for_csrf(make_app):
    client = make_app().test_client()  # CSRF on, as in production
    token = _CSRF.search(client.get("/").text)[1]
    assert client.post("/cart/add", data={"product_id": "1", "quantity": "1"}).status_code == 400
    forged = {"product_id": "1", "quantity": "1", "csrf_token": token[:-2] + "xx"}
    assert client.post("/cart/add", data=forged).status_code == 400
    added = client.post("/cart/add", data={"product_id": "1", "quantity": "2", "csrf_token": token})
    assert added.status_code == 303 and added.headers["Location"].endswith("/cart/")
    assert "Cart (2)" in client.get("/cart/").text


def test_a_new_visitor_gets_a_cookie_only_from_a_page_with_a_form(make_app):
    """The one write that stays: Flask-WTF keeps the raw CSRF secret in the session, so the
    first page with a form stores it; pages without one leave a new visitor cookie-less."""
    app = make_app()
    assert "shop_session=" in app.test_client().get("/").headers.get("Set-Cookie", "")
    for path in ("/cart/", "/nope", "/admin/"):
        assert "Set-Cookie" not in app.test_client().get(path).headers, path


def _waiting_order(app) -> str:
    """An order whose payment waits at the gateway, so that its pages ask the gateway."""
    waiting = {
        "attempt": 1,
        "provider": "rbs",
        "merchant_order_number": "W1",
        "gateway_order_id": "gw-1",
        "amount": 89000,
        "currency": "643",
        "state": "awaiting_payment",
        "form_url": "http://127.0.0.1:9/pay",
    }
    with app.app_context():
        order = Order(checkout_key=new_token(), name="Ada", email="a@ex.com", currency="643")
        order.total = 89000
        order.payments.append(Payment(**waiting))
        db.session.add(order)
        db.session.commit()
        return order.token


def test_a_waiting_order_whose_gateway_is_unreachable_writes_no_cookie(make_app):
    """The page reloads itself every few seconds: its warning must not go through the
    session, or each reload would rewrite the cookie (and could undo a cart change made
    meanwhile in another tab)."""
    app = make_app()  # its gateway URL points at a port nobody listens on
    token = _waiting_order(app)
    client = app.test_client()
    client.get("/")  # a session with its CSRF token
    for _ in range(2):
        page = client.get(f"/orders/{token}")
        assert "could not confirm your payment" in page.text
        assert "Set-Cookie" not in page.headers


def test_the_staff_order_page_of_an_unreachable_gateway_writes_no_cookie(make_app):
    app = make_app()
    token = _waiting_order(app)
    client = app.test_client()
    csrf = _CSRF.search(client.get("/admin/login").text)[1]
    signed_in = {"csrf_token": csrf, "username": "admin", "password": "demo-admin"}
    assert client.post("/admin/login", data=signed_in).status_code == 303
    client.get("/admin/")  # the new session's CSRF token
    for _ in range(2):
        page = client.get(f"/admin/orders/{token}")
        assert page.status_code == 200 and "could not confirm your payment" in page.text
        assert "Set-Cookie" not in page.headers


def test_money_is_formatted_once_per_amount_currency_and_locale():
    rub = Currency.from_code("RUB")
    before = format_money.cache_info()
    assert format_money(123450, rub, "en") == format_money(123450, rub, "en")
    assert format_money.cache_info().hits > before.hits
    # The locale is part of the key: each language keeps its own strings.
    english, russian = format_money(987650, rub, "en"), format_money(987650, rub, "ru")
    assert english != russian
    assert "9,876.50" in english and "9\xa0876,50" in russian


def test_pages_in_two_locales_in_one_process_keep_their_own_prices(make_app):
    english = make_app(SHOP_LANGUAGE="en").test_client().get("/products/ceramic-mug").text
    russian = make_app(SHOP_LANGUAGE="ru").test_client().get("/products/ceramic-mug").text
    assert "890.00" in english and "890,00" in russian
    assert "890,00" not in english and "890.00" not in russian
