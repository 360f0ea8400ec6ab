"""The buyer's language: the header's RU | EN switch, else the browser's Accept-Language,
else SHOP_LANGUAGE. The choice is kept in the session; it is sent to the gateway with each
registration, so the bank's page opens in it, and it is still there when the buyer returns."""

from __future__ import annotations

from flask import Blueprint, abort, has_request_context, redirect, request, session
from werkzeug.wrappers import Response

LANGUAGES = ("ru", "en")
SESSION_KEY = "lang"

bp = Blueprint("language", __name__)


def select_locale() -> str | None:
    """Flask-Babel's locale selector; None means BABEL_DEFAULT_LOCALE (SHOP_LANGUAGE)."""
    if not has_request_context():  # the CLI, a use case run from a test
        return None
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES)


@bp.get("/language/<code>")
def choose(code: str) -> Response:
    """Keep the chosen language and go back to the page the link was on.

    A link, not a form: a form on every page would put a CSRF token, and so a session write,
    on pages that have none. Only this address writes the choice; a page that only reads
    never does."""
    if code not in LANGUAGES:
        abort(404)
    if session.get(SESSION_KEY) != code:
        session[SESSION_KEY] = code
    return redirect(_local(request.args.get("next", "")), 303)


def _local(target: str) -> str:
    """Only a path on this site: never another host (//host, /\\host) nor a scheme."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > 2000:
        return "/"
    return target
