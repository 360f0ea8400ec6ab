"""Error pages in the caller's format: each gateway names its API's path prefix and how it
writes an error there (RBS JSON, PaynetEasy key=value); HTML elsewhere; never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from shop.sandbox.common.db import db

log = logging.getLogger(__name__)

EXTENSION = "sandbox_api_errors"
# Writes an HTTP error in a gateway's API format: (HTTP status, reason) -> the answer.
ApiErrorWriter = Callable[[int, str], Response]


def register_api(app: Flask, prefix: str, write: ApiErrorWriter) -> None:
    """Answer errors under this path prefix in the gateway's own format."""
    app.extensions.setdefault(EXTENSION, {})[prefix] = write


def register_error_handlers(app: Flask) -> None:
    """Install one handler for HTTP errors and one for anything unexpected."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _http_error(error: HTTPException) -> Response:
    """Answer a client error in the format the caller reads."""
    code = error.code or 500
    for prefix, write in current_app.extensions.get(EXTENSION, {}).items():
        if request.path.startswith(prefix):
            return write(code, error.name or "Error")
    # Werkzeug's own names and descriptions are English-only; the sandbox's pass through abort().
    own = error.description != type(error).description
    title = _titles().get(code, error.name)
    message = error.description if own else _("Go back to the shop and try again.")
    html = render_template("sandbox/error.html", code=code, title=title, message=message)
    return Response(html, status=code, content_type="text/html; charset=utf-8")


def _titles() -> dict[int, str]:
    """HTTP's reason phrases, in the page's language."""
    return {
        400: _("Bad Request"),
        403: _("Forbidden"),
        404: _("Not Found"),
        405: _("Method Not Allowed"),
        413: _("Request Entity Too Large"),
        429: _("Too Many Requests"),
        500: _("Internal Server Error"),
    }


def _unexpected(error: Exception) -> Response:
    """Log a bug, roll back, and answer 500 without details."""
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unhandled error on %s", request.path)
    db.session.rollback()
    return _http_error(InternalServerError())
