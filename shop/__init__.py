"""redirect-shop: a storefront wired to bank-hosted payment pages."""

from __future__ import annotations

import logging.config
import secrets
from pathlib import Path

from flask import Flask

from shop import config as shop_config
from shop.extensions import babel, csrf, db, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the shop; in demo mode (no real gateway URL) the sandbox answers under /sandbox."""
    app = Flask(
        __name__,
        instance_path=str(shop_config.INSTANCE_DIR),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_config(app, test_config)
    _configure_logging()
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_security_headers(app)
    if app.config["SANDBOX_MOUNTED"]:
        _mount_sandbox(app)
    return app


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(shop_config.DEFAULTS)
    if test_config is None:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(shop_config.from_environment())
    else:
        app.config.from_mapping(test_config)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=app.config["DATABASE_URL"],
        SESSION_COOKIE_NAME="shop_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(app.config["SHOP_PUBLIC_URL"]).startswith("https://"),
        BABEL_DEFAULT_LOCALE=app.config["SHOP_LANGUAGE"],
        # One catalog for the shop and the sandbox, compiled by `make` (see README).
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
        app.config["SECRET_KEY_GENERATED"] = True
    # Derived once, here, never configured: everything demo-only hangs on DEMO_MODE.
    app.config["DEMO_MODE"] = shop_config.is_demo(app.config)
    app.config["SANDBOX_MOUNTED"] = shop_config.mounts_sandbox(app.config)


def _instance_secret(instance: Path) -> str:
    """A random key kept in instance/: shared by every worker, never a known default."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _configure_logging() -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
            "filters": {"no_query": {"()": "shop.access_log.DropQueryStrings"}},
            "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "loggers": {
                "shop": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
                "werkzeug": {"filters": ["no_query"]},
            },
        }
    )


def register_extensions(app: Flask) -> None:
    from shop.language import select_locale
    from shop.sqlite import tune

    db.init_app(app)
    with app.app_context():
        tune(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)


def register_blueprints(app: Flask) -> None:
    from shop.admin.views import bp as admin_bp
    from shop.cart.views import bp as cart_bp
    from shop.catalog.views import bp as catalog_bp
    from shop.checkout.views import bp as checkout_bp
    from shop.language import bp as language_bp

    app.register_blueprint(catalog_bp)
    app.register_blueprint(cart_bp)
    app.register_blueprint(checkout_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(language_bp)


def register_errorhandlers(app: Flask) -> None:
    from shop.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from shop.templating import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from shop.security import register

    register(app)


def register_commands(app: Flask) -> None:
    from shop.cli import register

    register(app)


def _mount_sandbox(app: Flask) -> None:
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from shop.payments.registry import origin_of
    from shop.sandbox import create_app as create_sandbox

    overrides = {k: v for k, v in app.config.items() if k.startswith("SANDBOX_")}
    overrides = overrides if app.testing else {}
    # Mounted, the sandbox serves this shop alone: its return and callback URLs must be ours.
    overrides["SANDBOX_ALLOWED_ORIGINS"] = origin_of(str(app.config["SHOP_PUBLIC_URL"]))
    sandbox = create_sandbox(overrides)
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {shop_config.MOUNT_PATH: sandbox})
