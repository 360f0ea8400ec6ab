"""Staff sign-in: one account from config, a hashed password, sessions the server can end.

A staff session is a signed cookie holding the account, the generation it was issued
under (see accounts.py) and when it was last seen. It counts only while the account's
generation is unchanged (logout and a password change bump it) and it has not been idle
longer than ADMIN_IDLE_MINUTES.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from functools import wraps

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from shop.admin import accounts, throttle
from shop.config import DEMO_ADMIN_PASSWORD
from shop.language import SESSION_KEY as LANGUAGE_KEY

_USER, _GENERATION, _SEEN = "staff", "staff_generation", "staff_seen"


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


def password_fingerprint() -> str:
    """Name the password in force without revealing it, so that a change is noticed.

    A digest of ADMIN_PASSWORD_HASH. The demo hash is salted afresh by every worker, so
    the demo password is named by a digest of itself: workers must agree on the name, or
    each would take the others' for a password change and end every session.
    """
    configured = str(current_app.config.get("ADMIN_PASSWORD_HASH") or "")
    named = configured or f"demo:{DEMO_ADMIN_PASSWORD}"
    return hashlib.sha256(named.encode()).hexdigest()


def sign_in_enabled() -> bool:
    return bool(_password_hash())


def _client() -> str:
    return (request.remote_addr or "unknown")[:64]


def admit_attempt() -> bool:
    """Count this attempt first; False past ADMIN_SIGNIN_LIMIT (its password is not checked)."""
    return throttle.count_attempt(_client()) <= int(current_app.config["ADMIN_SIGNIN_LIMIT"])


def check_credentials(username: str, password: str) -> bool:
    """Verify both; both checks always run, so timing tells nothing."""
    expected_user = str(current_app.config["ADMIN_USERNAME"])
    hashed = _password_hash()
    user_ok = hmac.compare_digest(username.encode(), expected_user.encode())
    password_ok = bool(hashed) and check_password_hash(hashed, password)
    return user_ok and password_ok


def sign_in(username: str) -> None:
    throttle.forget(_client())
    generation = accounts.generation(username, password_fingerprint())
    language = session.get(LANGUAGE_KEY)
    session.clear()  # a new session: nothing carried over from before sign-in...
    session.update({_USER: username, _GENERATION: generation, _SEEN: time.time()})
    if language:  # ...but the language the reader chose
        session[LANGUAGE_KEY] = language


def sign_out() -> None:
    """End the account's sessions, so a saved copy of the cookie is worthless afterwards.

    Only a valid staff session may: a visitor's logout must not sign the staff out.
    """
    username = current_staff()
    if username is not None:
        accounts.end_sessions(username)
    _forget()


def current_staff() -> str | None:
    """The signed-in account, while its generation holds and it is not idle."""
    username = session.get(_USER)
    if username is None or _idle() or not sign_in_enabled():
        return None
    if username != current_app.config["ADMIN_USERNAME"]:
        return None
    if session.get(_GENERATION) != accounts.generation(username, password_fingerprint()):
        return None
    return username


def staff_required(view: Callable) -> Callable:
    """Send anyone who is not signed in (any more) to the sign-in page."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if current_staff() is None:
            if session.get(_USER) is not None and _idle():
                _say_idle()
            _forget()
            return redirect(url_for("admin.login", next=request.path), 303)
        _touch()
        return view(*args, **kwargs)

    return guarded


def _say_idle() -> None:
    minutes = f"{_idle_seconds() / 60:g}"
    flash(_("Signed out after %(minutes)s minutes without activity.", minutes=minutes), "warning")


def _idle_seconds() -> float:
    return float(current_app.config["ADMIN_IDLE_MINUTES"]) * 60


def _idle() -> bool:
    return time.time() - session.get(_SEEN, 0) > _idle_seconds()


def _touch() -> None:
    """Move last-seen on at most once a minute, as each move rewrites the cookie.

    Under a four-minute idle time, every quarter of it: a session in use must never lapse.
    """
    if time.time() - session[_SEEN] >= min(60.0, _idle_seconds() / 4):
        session[_SEEN] = time.time()


def _forget() -> None:
    for key in (_USER, _GENERATION, _SEEN):
        session.pop(key, None)
