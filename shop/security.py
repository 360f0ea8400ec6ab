"""Security headers on every shop response: no inline script, no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, Response, request

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


def register(app: Flask) -> None:
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
