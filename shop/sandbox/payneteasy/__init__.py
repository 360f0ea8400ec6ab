"""A simulator of the PaynetEasy "payment form" API v2 (SHA-1 control) inside the sandbox app.

api.py answers /paynet/api/v2/..., hosted.py serves the payment form and the final redirect,
delivery.py sends server callbacks, sandbox_control.py has the sandbox-only control endpoints.
"""

from __future__ import annotations

from flask import Flask

CALLBACK_MODES = ("auto", "manual")


def init_app(app: Flask) -> None:
    """Check the PaynetEasy settings and register the blueprints (before db.create_all)."""
    from shop.sandbox.common import errors
    from shop.sandbox.payneteasy import api, delivery, hosted, sandbox_control, wire

    mode = app.config["SANDBOX_PAYNETEASY_CALLBACKS"]
    if mode not in CALLBACK_MODES:
        raise ValueError(f"SANDBOX_PAYNETEASY_CALLBACKS must be auto or manual, not {mode!r}")
    delivery.parse_delays(app.config["SANDBOX_PAYNETEASY_CALLBACK_DELAYS"])
    delivery.state(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(hosted.bp)
    app.register_blueprint(sandbox_control.bp)
    errors.register_api(app, wire.API_PREFIX, wire.http_error)
