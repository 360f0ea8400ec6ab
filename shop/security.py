"""Security headers on every shop response: no inline script, no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from shop.payments.registry import enabled_providers, payment_page_origins


def _form_targets() -> str:
    """Browsers apply form-action to the redirect after a POST: allow the gateways' pages."""
    try:
        origins = {o for key in enabled_providers() for o in payment_page_origins(key)}
    except LookupError:
        origins = set()
    return " ".join(sorted(origins))


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action 'self' {_form_targets()}".rstrip(),
            "frame-ancestors 'none'",
        ]
    )


def _has_nul(values: MultiDict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes() -> None:
        """No text field has a use for NUL, and PostgreSQL refuses it: answer 400 up front."""
        if "\x00" in request.path or _has_nul(request.args) or _has_nul(request.form):
            abort(400, _("The request contains characters that are not allowed."))

    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Order pages carry their token in the URL: never send it to another site.
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.path.startswith(("/orders/", "/admin", "/checkout")):
            headers.setdefault("Cache-Control", "no-store")
        return response
