"""`flask gateway-check`: a conformance run of the shop's own gateway clients against
whatever gateway the configuration points at (the embedded sandbox, or a bank's test stand).

options.py   what the run is asked to do; the test card (GATEWAY_CHECK_CARD)
target.py    the gateway under check: the shop's clients, built by each PROVIDER descriptor
plan.py      the checks in their order; flow.py those that need no payment, money.py --pay's
rbs.py, payneteasy.py   each gateway's names, documented errors, reply shapes, test vectors
shapes.py    reading a reply's fields and types
runner.py    one check: pass, fail or skipped, with the exchanges it made (masked)
listener.py  a stand-in for the shop at SHOP_PUBLIC_URL: callbacks, returns, the demo's sandbox
browser.py   paying on a hosted page in headless Chromium (Playwright, a test extra)
report.py    the table and the JSON report
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial

from flask import current_app

from shop import config_check
from shop.config import MOUNT_PATH, api_url
from shop.payments.conformance import browser, payneteasy, plan, rbs
from shop.payments.conformance.listener import Listener
from shop.payments.conformance.options import Card, GatewayCheckUnusable, Options, parse_card
from shop.payments.conformance.report import Report
from shop.payments.conformance.runner import Recorder, Run
from shop.payments.conformance.target import Target
from shop.payments.gateways import PROVIDERS
from shop.payments.gateways.base import Currency
from shop.payments.gateways.transport import Wiring
from shop.payments.registry import enabled_providers, payment_page_origins, provider_settings

PROFILES = {"rbs": rbs, "payneteasy": payneteasy}
__all__ = ["GatewayCheckUnusable", "Report", "gateway_check"]


def gateway_check(
    providers: Sequence[str] = (),
    *,
    pay: bool = False,
    card: str = "",
    callback_wait: float = 5.0,
    listen: str = "",
    chromium: str = "",
) -> list[Report]:
    """Check each provider (PAYMENT_PROVIDERS when none is named); one report each."""
    keys = [key.strip().lower() for key in providers if key.strip()] or enabled_providers()
    for key in keys:
        if key not in PROFILES:
            raise GatewayCheckUnusable(
                f"unknown provider {key!r}: choose from {', '.join(PROFILES)}"
            )
    chromium = chromium or os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    options = Options(pay, card, callback_wait, listen, chromium)
    cards = {key: _card(key, options) for key in keys} if pay else {}
    if pay:
        browser.ensure_available(options.chromium)
    config = current_app.config
    mount = (MOUNT_PATH, current_app._get_current_object()) if config["SANDBOX_MOUNTED"] else None
    listener = Listener(str(config["SHOP_PUBLIC_URL"]), listen, mount).start()
    try:
        return [_check(key, options, cards.get(key), listener) for key in keys]
    finally:
        listener.stop()


def _card(provider: str, options: Options) -> Card:
    """GATEWAY_CHECK_CARD, or in demo mode the sandbox's own test card."""
    if options.card:
        return parse_card(options.card)
    if current_app.config["DEMO_MODE"]:
        return parse_card(PROFILES[provider].DEMO_CARD)
    raise GatewayCheckUnusable(
        "--pay against a real gateway needs its test card: GATEWAY_CHECK_CARD="
        "PAN,MM/YY,CVC[,3-D Secure code] (the bank's test cards; README, Your bank's test stand)"
    )


def _check(provider: str, options: Options, card: Card | None, listener: Listener) -> Report:
    recorder = Recorder()
    target = _target(provider, recorder, listener)
    report = Report(provider, target.api_url, _mode(listener), _settings(provider))
    pay = partial(browser.pay, options=options)
    plan.run_checks(Run(report, recorder), target, options, card, listener, pay)
    return report


def _target(provider: str, recorder: Recorder, listener: Listener) -> Target:
    config = current_app.config
    described, settings = PROVIDERS[provider], provider_settings(provider)
    profile = PROFILES[provider]
    timeout = (float(config["GATEWAY_CONNECT_TIMEOUT"]), float(config["GATEWAY_TIMEOUT"]))
    wiring = Wiring(timeout=timeout, observer=recorder)
    url = api_url(config, provider)
    spoiled = {**settings, profile.CREDENTIAL: f"{settings[profile.CREDENTIAL]}-wrong"}
    return Target(
        provider=provider,
        profile=profile,
        client=described.connect(url, settings, wiring),
        wrong_client=described.connect(url, spoiled, wiring),
        settings=settings,
        api_url=url,
        public_url=str(config["SHOP_PUBLIC_URL"]).rstrip("/"),
        page_origins=payment_page_origins(provider),
        currency=Currency.from_code(str(config["SHOP_CURRENCY"])),
        language=str(config["SHOP_LANGUAGE"])[:2],
        page_lifetime=int(config["PAYMENT_PAGE_LIFETIME_SECS"]),
        unreachable_hint=_hint(listener),
    )


def _mode(listener: Listener) -> str:
    config = current_app.config
    if not config["DEMO_MODE"]:
        return "live mode"
    if config["SANDBOX_MOUNTED"]:
        served = "served by this check" if listener.listening else "served by another process"
        return f"demo mode: the embedded sandbox, {served} at {listener.public_url}{MOUNT_PATH}"
    return f"demo mode: the sandbox run alone at {config['SANDBOX_URL']}"


def _hint(listener: Listener) -> str:
    config = current_app.config
    if config["SANDBOX_MOUNTED"] and not listener.listening:
        return f"(nothing serves the embedded sandbox: {listener.reason})"
    if config["DEMO_MODE"] and not config["SANDBOX_MOUNTED"]:
        return "(is `make serve` running the sandbox at SANDBOX_URL?)"
    return ""


def _settings(provider: str) -> list[tuple[str, str]]:
    """The provider's keys in force (demo values included) as config-check prints them:
    secrets masked."""
    described, config = PROVIDERS[provider], current_app.config
    url_key = f"{described.prefix}API_URL"
    shown = [(url_key, config_check.shown_value(url_key, config.get(url_key)))]
    for name, value in provider_settings(provider).items():
        shown.append(
            (described.prefix + name, config_check.shown_value(described.prefix + name, value))
        )
    return shown
