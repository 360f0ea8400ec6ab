"""Configuration -> gateway clients, through each gateway module's PROVIDER descriptor."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from shop.config import SANDBOX_DEMO_ONLY, api_url
from shop.payments.gateways import PROVIDERS
from shop.payments.gateways.base import Gateway
from shop.payments.gateways.bulkhead import Bulkhead
from shop.payments.gateways.transport import ExchangeObserver, Wiring


def enabled_providers() -> list[str]:
    """Provider keys from PAYMENT_PROVIDERS, in the configured order, unknown ones refused."""
    raw = str(current_app.config["PAYMENT_PROVIDERS"])
    keys = [key.strip().lower() for key in raw.split(",") if key.strip()]
    unknown = [key for key in keys if key not in PROVIDERS]
    if unknown or not keys:
        raise LookupError(f"PAYMENT_PROVIDERS={raw!r}: choose from {', '.join(PROVIDERS)}")
    return keys


def label_of(provider: str) -> str:
    """What the buyer reads for a provider at checkout (before translation)."""
    return PROVIDERS[provider].label


def provider_settings(provider: str) -> dict[str, object]:
    """The provider's own settings, by their names without its prefix (USERNAME, …)."""
    described, config = PROVIDERS[provider], current_app.config
    found: dict[str, object] = {}
    for name, default in described.settings.items():
        key = described.prefix + name
        value = config.get(key, default)
        if not value and config["DEMO_MODE"]:
            value = SANDBOX_DEMO_ONLY.get(key, value)
        found[name] = value
    return found


def provider_setting(provider: str, name: str) -> object:
    """One of them, such as TWO_STAGE; None where the provider has no such setting."""
    return provider_settings(provider).get(name)


def bulkhead() -> Bulkhead:
    """This process's limit on gateway calls at once (GATEWAY_CONCURRENCY), one per app."""
    config = current_app.config
    made = current_app.extensions.get("shop_bulkhead")
    if made is None:
        made = Bulkhead(int(config["GATEWAY_CONCURRENCY"]), float(config["GATEWAY_QUEUE_SECS"]))
        current_app.extensions["shop_bulkhead"] = made
    return made


def gateway_for(provider: str, observer: ExchangeObserver | None = None) -> Gateway:
    """A client for the provider, wired to the event log through observer."""
    config = current_app.config
    if provider not in PROVIDERS:
        raise LookupError(f"unknown payment provider {provider!r}")
    timeout = (float(config["GATEWAY_CONNECT_TIMEOUT"]), float(config["GATEWAY_TIMEOUT"]))
    wiring = Wiring(timeout=timeout, observer=observer, bulkhead=bulkhead())
    return PROVIDERS[provider].connect(
        api_url(config, provider), provider_settings(provider), wiring
    )


def callbacks_enabled(provider: str) -> bool:
    """Ask for server callbacks only when the client can verify them."""
    return gateway_for(provider).wants_callbacks


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased as browsers compare it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def payment_page_origins(provider: str) -> frozenset[str]:
    """Origins the buyer may be sent to: the API's own, plus any configured extra ones."""
    extra = str(provider_setting(provider, "PAYMENT_PAGE_ORIGINS") or "")
    origins = {origin_of(api_url(current_app.config, provider))}
    origins.update(origin_of(item.strip()) for item in extra.split(",") if item.strip())
    return frozenset(origins)
