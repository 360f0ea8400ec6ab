"""The staff sign-in limit holds under concurrency, starts afresh after a success or a window."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests

from shop.admin import auth
from tests.support import Staff

GUESSES = 100


def test_a_hundred_parallel_wrong_passwords_check_exactly_the_limit(live_shop, monkeypatch):
    checked = []  # list.append is atomic: the count of passwords actually compared
    check = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda *a: checked.append(1) or check(*a))
    staff = Staff(live_shop)
    token = staff.csrf("/admin/login")
    cookies = staff.http.cookies.get_dict()
    start = threading.Barrier(GUESSES)

    def guess(number: int) -> int:
        data = {"csrf_token": token, "username": "admin", "password": f"guess-{number}"}
        start.wait(timeout=30)
        answer = requests.post(
            f"{live_shop.url}/admin/login",
            data=data,
            cookies=cookies,
            allow_redirects=False,
            timeout=60,
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        statuses = Counter(pool.map(guess, range(GUESSES)))

    limit = live_shop.app.config["ADMIN_SIGNIN_LIMIT"]
    assert statuses == {401: limit, 429: GUESSES - limit}
    assert len(checked) == limit
    assert staff.sign_in().status_code == 429


def test_a_successful_sign_in_starts_the_count_afresh(live_shop):
    staff = Staff(live_shop)
    for _ in range(4):
        assert staff.sign_in(password="guess").status_code == 401
    assert staff.sign_in().url.endswith("/admin/")
    for _ in range(5):
        assert staff.sign_in(password="guess").status_code == 401
    assert staff.sign_in(password="guess").status_code == 429


def test_the_count_starts_afresh_when_the_window_has_passed(live_shop):
    from shop.extensions import db
    from shop.models import SignInThrottle

    staff = Staff(live_shop)
    for _ in range(5):
        assert staff.sign_in(password="guess").status_code == 401
    assert staff.sign_in(password="guess").status_code == 429
    with live_shop.app.app_context():
        row = db.session.execute(db.select(SignInThrottle)).scalar_one()
        row.window_start -= timedelta(minutes=16)
        db.session.commit()

    assert staff.sign_in(password="guess").status_code == 401
    assert staff.sign_in().url.endswith("/admin/")
