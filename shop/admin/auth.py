"""Staff sign-in: one account from config, a hashed password, a limit on failures."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import current_app, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from shop.config import DEMO_ADMIN_PASSWORD
from shop.extensions import db
from shop.models import SignInFailure, utcnow

WINDOW = timedelta(minutes=15)
_SESSION_KEY = "staff"


def _password_hash() -> str:
    """The configured hash; the demo password only while every gateway is the sandbox."""
    config = current_app.config
    if config.get("ADMIN_PASSWORD_HASH"):
        return str(config["ADMIN_PASSWORD_HASH"])
    if not config["DEMO_MODE"]:
        return ""
    cache = current_app.extensions.setdefault("shop_demo_admin", {})
    if "hash" not in cache:
        cache["hash"] = generate_password_hash(DEMO_ADMIN_PASSWORD)
    return cache["hash"]


def sign_in_enabled() -> bool:
    return bool(_password_hash())


def _client() -> str:
    return (request.remote_addr or "unknown")[:64]


def too_many_failures() -> bool:
    """Count this client's recent failures in the database (shared by every worker)."""
    since = utcnow() - WINDOW
    count = db.session.scalar(
        db.select(db.func.count(SignInFailure.id)).where(
            SignInFailure.client == _client(), SignInFailure.at >= since
        )
    )
    return (count or 0) >= int(current_app.config["ADMIN_SIGNIN_LIMIT"])


def check_credentials(username: str, password: str) -> bool:
    """Verify, recording a failure; both checks always run, so timing tells nothing."""
    expected_user = str(current_app.config["ADMIN_USERNAME"])
    hashed = _password_hash()
    user_ok = hmac.compare_digest(username.encode(), expected_user.encode())
    password_ok = bool(hashed) and check_password_hash(hashed, password)
    if user_ok and password_ok:
        return True
    db.session.add(SignInFailure(client=_client()))
    db.session.commit()
    return False


def sign_in(username: str) -> None:
    session.clear()
    session[_SESSION_KEY] = username


def sign_out() -> None:
    session.pop(_SESSION_KEY, None)


def current_staff() -> str | None:
    return session.get(_SESSION_KEY)


def staff_required(view: Callable) -> Callable:
    """Send anyone who is not signed in to the sign-in page."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_staff() is None:
            return redirect(url_for("admin.login", next=request.path), 303)
        return view(*args, **kwargs)

    return guarded
