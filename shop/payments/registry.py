"""Configuration -> gateway clients: the only place that knows which keys each provider reads."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from shop.config import SANDBOX_DEMO_CALLBACK_KEY, api_url
from shop.payments.gateways.base import ExchangeObserver, Gateway
from shop.payments.gateways.bulkhead import Bulkhead
from shop.payments.gateways.payneteasy import PaynetEasyClient
from shop.payments.gateways.rbs import RbsClient

PROVIDERS = ("rbs", "payneteasy")


def enabled_providers() -> list[str]:
    """Provider keys from PAYMENT_PROVIDERS, in the configured order, unknown ones refused."""
    raw = str(current_app.config["PAYMENT_PROVIDERS"])
    keys = [key.strip().lower() for key in raw.split(",") if key.strip()]
    unknown = [key for key in keys if key not in PROVIDERS]
    if unknown or not keys:
        raise LookupError(f"PAYMENT_PROVIDERS={raw!r}: choose from {', '.join(PROVIDERS)}")
    return keys


def provider_setting(provider: str, name: str) -> object:
    """A per-provider key such as RBS_TWO_STAGE or PAYNETEASY_TWO_STAGE."""
    return current_app.config.get(f"{provider.upper()}_{name}")


def rbs_callback_key() -> str:
    """The configured key; against the embedded sandbox only, its public demo key.

    A real gateway never gets a default: without a configured key callbacks fail closed.
    """
    config = current_app.config
    if config.get("RBS_CALLBACK_KEY"):
        return str(config["RBS_CALLBACK_KEY"])
    return SANDBOX_DEMO_CALLBACK_KEY if config["DEMO_MODE"] else ""


def callbacks_enabled(provider: str) -> bool:
    """Ask for server callbacks only when they can be verified (RBS needs its key)."""
    if provider == "rbs":
        return bool(rbs_callback_key())
    return bool(current_app.config.get("PAYNETEASY_CALLBACKS", True))


def _timeout() -> tuple[float, float]:
    config = current_app.config
    return (float(config["GATEWAY_CONNECT_TIMEOUT"]), float(config["GATEWAY_TIMEOUT"]))


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
    if provider == "rbs":
        return RbsClient(
            api_url(config, "rbs"),
            config["RBS_USERNAME"],
            config["RBS_PASSWORD"],
            timeout=_timeout(),
            observer=observer,
            callback_key=rbs_callback_key(),
            bulkhead=bulkhead(),
        )
    if provider == "payneteasy":
        return PaynetEasyClient(
            api_url(config, "payneteasy"),
            endpoint_id=str(config["PAYNETEASY_ENDPOINT_ID"]),
            group_id=str(config.get("PAYNETEASY_ENDPOINT_GROUP_ID") or ""),
            login=config["PAYNETEASY_LOGIN"],
            control_key=config["PAYNETEASY_CONTROL_KEY"],
            timeout=_timeout(),
            observer=observer,
            bulkhead=bulkhead(),
        )
    raise LookupError(f"unknown payment provider {provider!r}")


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
