"""Error pages in the caller's format (JSON on the RBS API, key=value on the PaynetEasy API,
HTML elsewhere), and never a traceback to the client."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from shop.sandbox.models import db
from shop.sandbox.payneteasy.wire import CONTENT_TYPE as KV_CONTENT_TYPE
from shop.sandbox.payneteasy.wire import SYSTEM_ERROR, encode, error_fields, processing_error
from shop.sandbox.wire import json_response

log = logging.getLogger(__name__)

API_PREFIX = "/payment/rest/"
PAYNETEASY_API_PREFIX = "/paynet/api/"


def register_error_handlers(app: Flask) -> None:
    """Install one handler for HTTP errors and one for anything unexpected."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _http_error(error: HTTPException) -> Response:
    """Answer a client error in the format the caller reads."""
    code = error.code or 500
    if request.path.startswith(API_PREFIX):
        message = "Unknown method" if code == 404 else (error.name or "Error")
        # errorCode 7 (system error) so that no client mistakes the body for success.
        return json_response({"errorCode": "7", "errorMessage": message}, status=code)
    if request.path.startswith(PAYNETEASY_API_PREFIX):
        fields = error_fields(processing_error(error.name or "Error", SYSTEM_ERROR), "")
        return Response(encode(fields), status=code, content_type=KV_CONTENT_TYPE)
    html = render_template(
        "sandbox/error.html", code=code, title=error.name, message=error.description
    )
    return Response(html, status=code, content_type="text/html; charset=utf-8")


def _unexpected(error: Exception) -> Response:
    """Log a bug, roll back, and answer 500 without details."""
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unhandled error on %s", request.path)
    db.session.rollback()
    return _http_error(InternalServerError())
