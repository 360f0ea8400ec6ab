"""Jinja helpers: the one money filter, dates, the words for stored codes, the cart badge,
the timeline labels, the mode."""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_babel import format_datetime, format_time, get_locale

from shop import diagram, static_files
from shop.cart import service as cart
from shop.config import sandbox_faults_page
from shop.labels import word
from shop.language import LANGUAGES
from shop.money import Currency, format_money, to_major
from shop.orders import shop_currency
from shop.payments import decline_reason
from shop.payments.timeline import STEPS, shown_to_buyer


def money(minor: int, currency: str | None = None) -> str:
    """Format minor units for the active locale; the shop currency unless one is given."""
    chosen = Currency.from_code(currency) if currency else shop_currency()
    return format_money(minor, chosen, str(get_locale()))


def major(minor: int, currency: str) -> str:
    """Minor units as a plain number for a form field ("1234.50"), exact."""
    return str(to_major(minor, Currency.from_code(currency)))


def notice(message: str, category: str = "info") -> None:
    """Show a message on the page this request renders.

    Unlike flash(), which carries a message to the next request in the session cookie, this
    leaves the session alone: a GET that only reads must not rewrite the cookie (a reload
    would then race a change made meanwhile in another tab, and could undo it).
    """
    g.setdefault("notices", []).append((category, message))


def gateway_faults_url() -> str:
    """The demo sandbox's faults page, mounted or run alone (linked in demo mode only), in
    the reader's language."""
    return f"{sandbox_faults_page(current_app.config)}?lang={get_locale().language}"


def register(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(major, "major")
    # Dates and times in the reader's locale (Flask-Babel: BABEL_DEFAULT_TIMEZONE, UTC).
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(word, "word")
    app.add_template_filter(decline_reason, "decline_reason")
    app.add_template_global(get_locale, "get_locale")
    app.add_template_global(LANGUAGES, "LANGUAGES")
    app.add_template_global(gateway_faults_url, "gateway_faults_url")
    app.add_template_test(shown_to_buyer, "shown_to_buyer")
    app.add_template_global(diagram.sequence, "sequence_diagram")
    static_files.register(app)

    @app.context_processor
    def shop_globals() -> dict:
        return {
            "cart_count": cart.view(session).count,
            "notices": g.get("notices", []),
            "STEPS": STEPS,
            "demo_mode": current_app.config["DEMO_MODE"],
        }
