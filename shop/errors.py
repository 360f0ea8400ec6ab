"""Error pages: every failure a buyer can cause gets a clear page and the right 4xx."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from shop.extensions import db

log = logging.getLogger(__name__)


def _page(title: str, message: str, status: int):
    try:
        return render_template("errors/error.html", title=title, message=message), status
    except Exception:
        # The page itself failed (e.g. the database is down): still answer, in plain text.
        log.exception("error page failed to render")
        return f"{title}\n\n{message}\n", status, {"Content-Type": "text/plain; charset=utf-8"}


def _titles() -> dict[int, str]:
    return {
        400: _("This request could not be understood"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("This action is not allowed here"),
        413: _("That was too much data"),
        429: _("Too many requests"),
        503: _("The shop is busy"),
    }


def register(app: Flask) -> None:
    """Attach the handlers; the 500 handler rolls back so the next request starts clean."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return _page(
            _("Form expired"),
            _("This form is no longer valid. Go back, reload the page and try again."),
            400,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 400
        title = _titles().get(code, error.name)
        # Werkzeug's stock descriptions are English-only; ours are passed through abort().
        message = error.description if error.description != type(error).description else ""
        return _page(title, message or _("Please go back and try again."), code)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        # A deadlock victim, a lock timeout, the database restarting: nothing was saved
        # half-way (the transaction is rolled back) and trying again is the answer.
        db.session.rollback()
        log.warning("database unavailable: %s", error.orig)
        return _page(
            _("The shop is busy"), _("Nothing was changed. Please try again in a moment."), 503
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        log.exception("unhandled error")
        return _page(_("Something went wrong"), _("Your order is safe. Please try again."), 500)
