"""What lets the sandbox go online for a workshop: security headers and a body size limit.

The headers are added by a WSGI layer outside everything else, so that the answers of the
fault injector and the error pages carry them too (an after_request hook sees neither).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask, abort, request

from shop.sandbox.common import origins

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def policy(form_targets: str) -> str:
    """The Content-Security-Policy; forms may post (or be redirected) to the merchants."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'none'; form-action 'self' {form_targets}; "
        "frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Adds the headers to every answer; a header the answer already has is kept."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.inner = inner
        self.headers = [
            ("Content-Security-Policy", policy(origins.sources(app))),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Cache-Control", "no-store"),  # static files keep their own
        ]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _ in headers}
            extra = [(name, value) for name, value in self.headers if name.lower() not in present]
            return start_response(status, [*headers, *extra], exc_info)

        return self.inner(environ, start)


def refuse_large_body() -> None:
    """A before_request hook: 413 on a declared body over the limit, read by the view or not."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413, description=f"The request body is larger than {limit} bytes.")


def init_app(app: Flask) -> None:
    """Check the allowed origins, limit bodies, and wrap the app in the security headers."""
    origins.init_app(app)
    app.before_request(refuse_large_body)
    app.wsgi_app = SecurityHeaders(app, app.wsgi_app)
