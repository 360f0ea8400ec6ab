"""The back office: only signed-in staff, only with CSRF tokens, sign-in rate limited."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from tests.support import CARD_APPROVE, Buyer, Staff


def test_anonymous_visitors_are_sent_to_sign_in(live_shop):
    for path in ["/admin/", "/admin/orders/anything"]:
        page = requests.get(f"{live_shop.url}{path}", allow_redirects=False, timeout=5)
        assert page.status_code == 303
        assert page.headers["Location"].startswith("/admin/login")
    action = requests.post(
        f"{live_shop.url}/admin/orders/anything/refund", data={"amount": "1"}, timeout=5
    )
    assert action.status_code == 400  # no CSRF token: refused before anything else


def test_anonymous_visitors_with_a_valid_csrf_token_are_sent_to_sign_in(live_shop):
    buyer = Buyer(live_shop)
    buyer.pay(buyer.buy("tea-sampler"), CARD_APPROVE)
    before = live_shop.only_payment()
    visitor = Buyer(live_shop)
    token = visitor.csrf("/")  # a valid token, for the visitor's own session

    path = f"/admin/orders/{live_shop.only_order_token()}/refund"
    answer = visitor.post(path, {"csrf_token": token, "amount": "1.00"}, allow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/admin/login")
    after = live_shop.only_payment()
    assert (after.state, after.refunded_amount) == (before.state, 0)
    assert len(after.events) == len(before.events)


def test_the_right_password_with_a_wrong_username_is_refused(live_shop):
    staff = Staff(live_shop)
    data = {"csrf_token": staff.csrf("/admin/login"), "username": "root", "password": "demo-admin"}

    assert staff.post("/admin/login", data, allow_redirects=False).status_code == 401
    assert staff.get("/admin/", allow_redirects=False).status_code == 303


def test_sign_in_never_sends_staff_off_the_site(live_shop):
    staff = Staff(live_shop)
    targets = {
        "https://evil.example/": "/admin/",
        "//evil.example": "/admin/",
        "/\\evil.example": "/admin/",
        "/admin/\\evil.example": "/admin/",
        "/administrator": "/admin/",
        "/admin/orders/x?y=1": "/admin/orders/x?y=1",  # inside the back office: kept
    }
    for target, expected in targets.items():
        data = {"csrf_token": staff.csrf("/admin/login"), "username": "admin"}
        answer = staff.http.post(
            f"{live_shop.url}/admin/login",
            params={"next": target},
            data={**data, "password": "demo-admin"},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 303, target
        location = answer.headers["Location"]
        assert not urlsplit(location).netloc and location == expected, target


def test_staff_signs_in_sees_orders_and_signs_out(live_shop):
    buyer = Buyer(live_shop)
    buyer.pay(buyer.buy("tea-sampler"), CARD_APPROVE)
    staff = Staff(live_shop)

    assert staff.sign_in().url.endswith("/admin/")
    listing = staff.get("/admin/")
    assert "ada@example.com" in listing.text and 'data-state="paid"' in listing.text
    assert "RS000001" in staff.get("/admin/", params={"q": "ada@"}).text
    assert "No orders match" in staff.get("/admin/", params={"q": "nobody@"}).text
    assert "RS000001" in staff.get("/admin/", params={"state": "paid"}).text
    with live_shop.app.app_context():
        from shop.extensions import db
        from shop.models import Payment

        payment = db.session.execute(db.select(Payment)).scalar_one()
        references = [payment.gateway_order_id, payment.merchant_order_number, "rs000001"]
    for reference in references:
        assert "RS000001" in staff.get("/admin/", params={"q": reference}).text, reference
    assert "No orders match" in staff.get("/admin/", params={"state": "declined"}).text
    assert staff.get("/admin/", params={"state": "bogus"}).status_code == 400

    token = staff.csrf("/admin/")
    staff.post("/admin/logout", {"csrf_token": token})
    again = staff.get("/admin/", allow_redirects=False)
    assert again.status_code == 303


def test_wrong_password_is_refused_and_sign_in_is_rate_limited(live_shop):
    staff = Staff(live_shop)
    for _ in range(5):
        assert staff.sign_in(password="guess").status_code == 401
    assert staff.sign_in(password="guess").status_code == 429
    assert staff.sign_in().status_code == 429  # even the right password waits
    assert staff.get("/admin/", allow_redirects=False).status_code == 303


def test_cross_site_posts_to_staff_actions_are_refused(live_shop):
    buyer = Buyer(live_shop)
    buyer.pay(buyer.buy("tea-sampler"), CARD_APPROVE)
    staff = Staff(live_shop)
    staff.sign_in()
    order_token = staff.get("/admin/").text.split("/admin/orders/")[1].split('"')[0]

    forged = staff.post(f"/admin/orders/{order_token}/refund", {"amount": "1.00"})

    assert forged.status_code == 400
    assert "Form expired" in forged.text
    detail = staff.get(f"/admin/orders/{order_token}").text
    assert 'class="refunded">RUB0.00' in detail


def test_the_back_office_is_off_without_a_password_on_a_real_gateway(tmp_path):
    from tests.support import start_live_shop

    shop = start_live_shop(tmp_path, RBS_API_URL="https://mts.rbsuat.com/payment/rest/")
    try:
        page = requests.get(f"{shop.url}/admin/login", timeout=5)
        assert page.status_code == 503
        assert "ADMIN_PASSWORD_HASH" in page.text
    finally:
        shop.stop()
