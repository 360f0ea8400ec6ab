"""The hosted pages' language: the order's (RBS `language`, also in payment_<lang>.html;
PaynetEasy `preferred_language`), else the payer's browser, else English; amounts in it.

One catalog with the shop's (translations/, compiled by `make`); the APIs' own texts
(errorMessage, error-message) stay in English, as the wire protocol's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from babel.numbers import format_currency
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale, get_translations, refresh

LANGUAGES = ("ru", "en")
TRANSLATIONS = Path(__file__).resolve().parents[3] / "translations"

babel = Babel()


def N_(text: str) -> str:
    """Mark a text for the catalog where it is defined; the page translates it when shown."""
    return text


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the sandbox app, with its own locale selector."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=_select)
    app.add_template_global(get_locale, "get_locale")
    app.add_template_filter(translated, "translated")


def speak(*languages: str | None) -> None:
    """Answer this request in the first of these languages the sandbox speaks, if any."""
    language = next((code for code in languages if code in LANGUAGES), None)
    if language and g.get("sandbox_language") != language:
        g.sandbox_language = language
        refresh()  # forget a locale worked out before the order was known


def translated(text: str) -> str:
    """A text marked N_() where it was defined (a test card's rule, an issuer's reason),
    translated now; a text the catalog does not know comes back as it is."""
    return get_translations().gettext(text) if text else text


def money(minor: int, alpha: str) -> str:
    """An amount as the page's language writes it: 'RUB1,990.00', '1 990,00 ₽'."""
    return format_currency(Decimal(minor).scaleb(-2), alpha, locale=str(get_locale() or "en"))


def _select() -> str | None:
    """The order's language, else the one in the page's address (payment_<lang>.html, or
    ?lang= on a page the shop links to), else the browser's."""
    if not has_request_context():
        return None
    address = (request.view_args or {}).get("lang") or request.args.get("lang")
    chosen = g.get("sandbox_language") or address
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES)
