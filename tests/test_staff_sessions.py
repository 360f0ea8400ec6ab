"""Staff sessions end on the server: logout, a password change, idleness."""

from __future__ import annotations

import time
from types import SimpleNamespace

import requests
from werkzeug.security import generate_password_hash

from shop.admin import accounts
from tests.support import Buyer, Staff, start_live_shop


def _replay(shop, cookies, path: str = "/admin/") -> requests.Response:
    """A request carrying a saved copy of the cookies, as someone who copied them would send."""
    return requests.get(f"{shop.url}{path}", cookies=cookies, allow_redirects=False, timeout=10)


def _sent_to_sign_in(answer: requests.Response) -> bool:
    return answer.status_code == 303 and answer.headers["Location"].startswith("/admin/login")


def test_a_cookie_saved_before_logout_no_longer_opens_the_back_office(live_shop):
    staff = Staff(live_shop)
    assert staff.sign_in().url.endswith("/admin/")
    saved = staff.http.cookies.copy()
    assert _replay(live_shop, saved).status_code == 200  # the copy works while signed in

    staff.post("/admin/logout", {"csrf_token": staff.csrf("/admin/")})

    assert _sent_to_sign_in(_replay(live_shop, saved))
    assert staff.sign_in().url.endswith("/admin/")  # signing in again works...
    assert _sent_to_sign_in(_replay(live_shop, saved))  # ...and does not revive the copy


def test_a_visitors_logout_does_not_sign_the_staff_out(live_shop):
    staff = Staff(live_shop)
    staff.sign_in()
    visitor = Buyer(live_shop)

    visitor.post("/admin/logout", {"csrf_token": visitor.csrf("/")})

    assert staff.get("/admin/", allow_redirects=False).status_code == 200


def test_a_password_change_ends_existing_sessions(tmp_path):
    shop = start_live_shop(tmp_path, ADMIN_PASSWORD_HASH=generate_password_hash("old-secret"))
    try:
        staff = Staff(shop)
        assert staff.sign_in(password="old-secret").url.endswith("/admin/")
        assert staff.get("/admin/", allow_redirects=False).status_code == 200

        # What a restart with a new ADMIN_PASSWORD_HASH does to the configuration.
        shop.app.config["ADMIN_PASSWORD_HASH"] = generate_password_hash("new-secret")

        assert _sent_to_sign_in(staff.get("/admin/", allow_redirects=False))
        assert staff.sign_in(password="old-secret").status_code == 401
        assert staff.sign_in(password="new-secret").url.endswith("/admin/")
    finally:
        shop.stop()


def test_a_renamed_account_ends_existing_sessions(live_shop):
    staff = Staff(live_shop)
    staff.sign_in()

    live_shop.app.config["ADMIN_USERNAME"] = "boss"

    assert _sent_to_sign_in(staff.get("/admin/", allow_redirects=False))


def test_turning_the_back_office_off_ends_existing_sessions(live_shop):
    staff = Staff(live_shop)
    staff.sign_in()

    # Live mode without ADMIN_PASSWORD_HASH: the demo password no longer counts.
    live_shop.app.config["DEMO_MODE"] = False

    assert _sent_to_sign_in(staff.get("/admin/", allow_redirects=False))


def test_workers_noticing_a_password_change_at_once_bump_the_generation_once(app_ctx, monkeypatch):
    assert accounts.generation("admin", "old") == 1
    assert accounts.generation("admin", "new") == 2
    # A second worker read the row before the first one's bump was committed.
    read = accounts._read
    stale = iter([SimpleNamespace(generation=1, password_fingerprint="old")])
    monkeypatch.setattr(accounts, "_read", lambda username: next(stale, None) or read(username))

    assert accounts.generation("admin", "new") == 2


def test_an_idle_session_is_signed_out_with_a_reason(tmp_path):
    shop = start_live_shop(tmp_path, ADMIN_IDLE_MINUTES=0.02)  # 1.2 seconds
    try:
        staff = Staff(shop)
        assert staff.sign_in().url.endswith("/admin/")

        time.sleep(1.5)
        answer = staff.get("/admin/", allow_redirects=False)

        assert _sent_to_sign_in(answer)
        assert "Signed out after 0.02 minutes without activity" in staff.get(answer.url).text
        assert _sent_to_sign_in(staff.get("/admin/", allow_redirects=False))
    finally:
        shop.stop()


def test_a_session_in_use_stays_signed_in_past_the_idle_time(tmp_path):
    shop = start_live_shop(tmp_path, ADMIN_IDLE_MINUTES=0.02)  # 1.2 seconds
    try:
        staff = Staff(shop)
        staff.sign_in()
        for _ in range(8):  # 2 seconds of use, a request every quarter second
            time.sleep(0.25)
            assert staff.get("/admin/", allow_redirects=False).status_code == 200
    finally:
        shop.stop()


def test_last_seen_is_not_rewritten_on_every_request(live_shop):
    staff = Staff(live_shop)
    staff.sign_in()  # lands on /admin/, which stores the new session's CSRF token
    for _ in range(3):
        page = staff.get("/admin/")
        assert page.status_code == 200
        assert "Set-Cookie" not in page.headers
