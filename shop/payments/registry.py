"""Builds the configured gateway client for a provider key; the only place that reads config."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from shop.config import rbs_api_url
from shop.payments.gateways.base import ExchangeObserver, Gateway
from shop.payments.gateways.rbs import RbsClient


def enabled_providers() -> list[str]:
    """Provider keys from PAYMENT_PROVIDERS, in the configured order."""
    raw = str(current_app.config["PAYMENT_PROVIDERS"])
    return [key.strip() for key in raw.split(",") if key.strip()]


def _timeout() -> tuple[float, float]:
    config = current_app.config
    return (float(config["GATEWAY_CONNECT_TIMEOUT"]), float(config["GATEWAY_TIMEOUT"]))


def gateway_for(provider: str, observer: ExchangeObserver | None = None) -> Gateway:
    """A client for the provider, wired to the event log through observer."""
    config = current_app.config
    if provider == "rbs":
        return RbsClient(
            rbs_api_url(config),
            config["RBS_USERNAME"],
            config["RBS_PASSWORD"],
            timeout=_timeout(),
            observer=observer,
        )
    raise LookupError(f"unknown payment provider {provider!r}")


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased as browsers compare it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def payment_page_origins(provider: str) -> frozenset[str]:
    """Origins the buyer may be sent to: the API's own, plus any configured extra ones."""
    config = current_app.config
    if provider == "rbs":
        extra = str(config.get("RBS_PAYMENT_PAGE_ORIGINS") or "")
        origins = {origin_of(rbs_api_url(config))}
        origins.update(origin_of(item.strip()) for item in extra.split(",") if item.strip())
        return frozenset(origins)
    raise LookupError(f"unknown payment provider {provider!r}")
