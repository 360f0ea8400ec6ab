"""An offline simulator of both payment gateways the shop speaks to: a Flask app of its own
(own config, tables and session cookie), mounted at /sandbox in demo mode or run alone on its
own port (`make serve`, gunicorn_conf.py) as a remote gateway would be.

rbs/         the RBS (BPC) eCommerce API v1: REST API, hosted payment page, 3-D Secure, callbacks
payneteasy/  the PaynetEasy payment form API v2: API, hosted form, 3-D Secure, final redirect,
             server callbacks (both families have the same module names for the same jobs)
common/      what both share: db, clock, card form, callback delivery, control and error answers,
             allowed origins, hardening; it imports neither family, and neither imports the other
faults/      fault injection around both APIs and their callbacks, armed through a control API
             or the faults page (/sandbox-control/faults/page)
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from flask import Flask

INSTANCE_DIR = Path(__file__).resolve().parents[2] / "instance"
BODY_LIMIT = 64 * 1024  # like the shop: the gateways take small forms

# Demo credentials: public on purpose, they open nothing but this simulator.
DEFAULTS: dict[str, str] = {
    "SANDBOX_RBS_USERNAME": "redirect-shop-api",
    "SANDBOX_RBS_PASSWORD": "sandbox-demo-password",
    "SANDBOX_MERCHANT": "redirect-shop",
    "SANDBOX_PAYNETEASY_ENDPOINT_ID": "4242",
    "SANDBOX_PAYNETEASY_ENDPOINT_GROUP_ID": "4343",
    "SANDBOX_PAYNETEASY_LOGIN": "redirect-shop",
    "SANDBOX_PAYNETEASY_CONTROL_KEY": "5A1C7E3B-0D2F-4B8E-9C61-SANDBOX00001",
    "SANDBOX_PAYNETEASY_CALLBACK_DELAYS": "0,1,2,4,8",  # seconds before each callback attempt
    "SANDBOX_PAYNETEASY_CALLBACKS": "auto",  # "manual": only via the sandbox control endpoint
    "SANDBOX_RBS_CALLBACK_KEY": "sandbox-callback-key",  # public demo value; "" = no checksum
    "SANDBOX_RBS_CALLBACK_URL": "",  # static callback URL, when register.do names none
    "SANDBOX_RBS_CALLBACK_DELAYS": "0,1,2,4,8",
    "SANDBOX_RBS_CALLBACKS": "auto",
    # How errorCode is written: "sber" (strings, none on register's success) or "bpc"
    # (numbers in deposit/reverse/refund answers); see rbs/wire.py and README.
    "SANDBOX_RBS_DIALECT": "sber",
    # Merchants' origins (scheme://host[:port], comma-separated, or *): the shop's by default.
    "SANDBOX_ALLOWED_ORIGINS": "http://127.0.0.1:5000,http://localhost:5000",
    "SANDBOX_FAULT_MAX_DELAYED": "4",  # latency/hang faults in progress at once, per process
}


def load_config(test_config: dict[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, the environment, then the caller's overrides."""
    config: dict[str, Any] = {
        "SANDBOX_DATABASE_URL": f"sqlite:///{INSTANCE_DIR / 'sandbox.sqlite3'}",
        **DEFAULTS,
        "SANDBOX_CLOCK": time.time,
        "SECRET_KEY": os.environ.get("SANDBOX_SECRET_KEY") or secrets.token_hex(32),
        # Only the faults page keeps a session (its CSRF token); the name guards the shop's.
        "SESSION_COOKIE_NAME": "sandbox_session",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": BODY_LIMIT,
    }
    config.update(
        {key: os.environ[key] for key in (*DEFAULTS, "SANDBOX_DATABASE_URL") if key in os.environ}
    )
    config.update(test_config or {})
    config["SQLALCHEMY_DATABASE_URI"] = config["SANDBOX_DATABASE_URL"]
    return config


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the sandbox app, standalone or to mount under /sandbox."""
    from shop.sandbox import payneteasy, rbs
    from shop.sandbox.common import errors, hardening, i18n
    from shop.sandbox.common.db import db
    from shop.sandbox.faults import control as fault_control
    from shop.sandbox.faults import page as fault_page
    from shop.sandbox.faults.middleware import FaultInjector
    from shop.sandbox.faults.models import ArmedFault  # noqa: F401  (creates its table)

    app = Flask(__name__, instance_path=str(INSTANCE_DIR), static_folder="static")
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(test_config))
    db.init_app(app)
    i18n.init_app(app)
    rbs.init_app(app)
    payneteasy.init_app(app)
    app.register_blueprint(fault_control.bp)
    fault_page.init_app(app)
    errors.register_error_handlers(app)
    with app.app_context():
        db.create_all()
    app.wsgi_app = FaultInjector(app, app.wsgi_app)
    hardening.init_app(app)  # outermost: its headers go on the fault injector's answers too
    return app
