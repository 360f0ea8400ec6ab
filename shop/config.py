"""Configuration: defaults here, then instance/config.py, then environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from shop.payments.gateways import PROVIDERS

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

# Demo credentials of the embedded sandbox: public on purpose, useless anywhere else.
SANDBOX_DEMO_USERNAME = "redirect-shop-api"
SANDBOX_DEMO_PASSWORD = "sandbox-demo-password"  # noqa: S105
SANDBOX_DEMO_ENDPOINT_ID = "4242"
SANDBOX_DEMO_LOGIN = "redirect-shop"
SANDBOX_DEMO_CONTROL_KEY = "5A1C7E3B-0D2F-4B8E-9C61-SANDBOX00001"
SANDBOX_DEMO_CALLBACK_KEY = "sandbox-callback-key"
# What the embedded sandbox's demo merchant is, as each provider's settings' defaults:
# harmless in live mode, where config-check flags any that is still in force.
SANDBOX_DEMO_SETTINGS: dict[str, object] = {
    "RBS_USERNAME": SANDBOX_DEMO_USERNAME,
    "RBS_PASSWORD": SANDBOX_DEMO_PASSWORD,
    "PAYNETEASY_ENDPOINT_ID": SANDBOX_DEMO_ENDPOINT_ID,
    "PAYNETEASY_LOGIN": SANDBOX_DEMO_LOGIN,
    "PAYNETEASY_CONTROL_KEY": SANDBOX_DEMO_CONTROL_KEY,
}
# Filled in only in demo mode, where left empty: the sandbox signs its callbacks with it,
# and a real gateway must never be trusted on a public key.
SANDBOX_DEMO_ONLY: dict[str, object] = {"RBS_CALLBACK_KEY": SANDBOX_DEMO_CALLBACK_KEY}


def provider_defaults() -> dict[str, object]:
    """Every provider's keys (<PREFIX>API_URL and its settings) with their defaults."""
    found: dict[str, object] = {}
    for provider in PROVIDERS.values():
        found[f"{provider.prefix}API_URL"] = ""
        found.update({provider.prefix + name: v for name, v in provider.settings.items()})
    return {**found, **SANDBOX_DEMO_SETTINGS}


DEFAULTS: dict[str, object] = {
    "SECRET_KEY": "",
    "DATABASE_URL": f"sqlite:///{INSTANCE_DIR / 'shop.sqlite3'}",
    "SHOP_PUBLIC_URL": "http://127.0.0.1:5000",
    "SHOP_CURRENCY": "RUB",
    "SHOP_LANGUAGE": "en",
    "PAYMENT_PROVIDERS": "rbs",
    **provider_defaults(),
    # How long the gateway's payment page stays payable (RBS sessionTimeoutSecs).
    "PAYMENT_PAGE_LIFETIME_SECS": 1200,
    "GATEWAY_TIMEOUT": 10.0,
    "GATEWAY_CONNECT_TIMEOUT": 3.05,
    # The bulkhead: gateway calls at once per process, and how long a call waits for a slot.
    "GATEWAY_CONCURRENCY": 8,
    "GATEWAY_QUEUE_SECS": 2.0,
    "PAYMENT_UNKNOWN_AFTER_SECS": None,
    "PAYMENT_ABANDON_AFTER_SECS": 86400.0,
    "SYNC_BATCH": 200,
    "SYNC_TIME_BUDGET_SECS": 50.0,
    "SYNC_INTERVAL_SECS": 50.0,
    "STATUS_REFRESH_MIN_SECS": 2.0,
    # "auto": mounted exactly in demo mode. 1 beside a real gateway URL refuses to start.
    "SANDBOX_MOUNT": "auto",
    # The demo's sandbox run alone (`make serve`: http://127.0.0.1:5001): reached by URL only.
    "SANDBOX_URL": "",
    "ADMIN_USERNAME": "admin",
    "ADMIN_PASSWORD_HASH": "",
    "ADMIN_SIGNIN_LIMIT": 5,
    "ADMIN_IDLE_MINUTES": 30.0,
}

# The staff password of the offline demo, accepted only while every gateway is the sandbox.
DEMO_ADMIN_PASSWORD = "demo-admin"  # noqa: S105

# Read as numbers of seconds though they have no default.
_OPTIONAL_FLOAT_KEYS = frozenset({"PAYMENT_UNKNOWN_AFTER_SECS"})


class ConfigError(SystemExit):
    """A configuration the shop refuses to start with; str() is the one-line reason.

    A SystemExit, so `flask run`, gunicorn and the CLI stop with that line, not a traceback.
    """


def _coerce(key: str, raw: str) -> object:
    """Turn an environment string into the type the default has."""
    default = DEFAULTS[key]
    if key == "SANDBOX_MOUNT":
        return _mount_setting(raw)
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float) or key in _OPTIONAL_FLOAT_KEYS:
        return float(raw)
    return raw


def from_environment(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, object]:
    """Read every known key that the environment sets."""
    return {key: _coerce(key, environ[key]) for key in DEFAULTS if key in environ}


MOUNT_PATH = "/sandbox"


def _mount_setting(raw: object) -> bool | str:
    """SANDBOX_MOUNT: "auto", or an explicit yes/no."""
    text = str(raw).strip().lower()
    if text in {"", "auto"}:
        return "auto"
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"SANDBOX_MOUNT={raw!r}: use auto, 1 or 0")


def real_gateway_urls(config: Mapping[str, object]) -> list[str]:
    """The *_API_URL keys that point at a real gateway (any set one does)."""
    keys = (f"{provider.prefix}API_URL" for provider in PROVIDERS.values())
    return [key for key in keys if config.get(key)]


def is_demo(config: Mapping[str, object]) -> bool:
    """Demo mode: no gateway URL is configured, so every provider is the sandbox (mounted
    in the shop, or run alone at SANDBOX_URL).

    Any configured gateway URL, even of a provider not (yet) enabled, means live mode: a
    fork half-way to production gets every live-mode safety, never the demo's openness.
    """
    return not real_gateway_urls(config)


def mounts_sandbox(config: Mapping[str, object]) -> bool:
    """Whether /sandbox is served; a contradictory setting refuses to start."""
    setting = _mount_setting(config.get("SANDBOX_MOUNT", "auto"))
    demo, alone = is_demo(config), bool(config.get("SANDBOX_URL"))
    if setting is True and not demo:
        urls = ", ".join(real_gateway_urls(config))
        raise ConfigError(
            f"SANDBOX_MOUNT=1 with a real gateway ({urls}): the embedded sandbox never runs "
            "beside a real bank; unset SANDBOX_MOUNT"
        )
    if setting is True and alone:
        raise ConfigError("SANDBOX_MOUNT=1 with SANDBOX_URL: the sandbox runs in one place")
    if setting == "auto":
        return demo and not alone
    if not setting and demo and not alone:
        raise ConfigError(
            "SANDBOX_MOUNT=0 with no gateway URL: nothing would answer payments; set "
            "SANDBOX_URL to a sandbox run alone, or a gateway's URL, or unset SANDBOX_MOUNT"
        )
    return bool(setting)


def sandbox_base(config: Mapping[str, object]) -> str:
    """The sandbox app's address: run alone at SANDBOX_URL, else mounted in the shop."""
    alone = str(config.get("SANDBOX_URL") or "")
    return alone.rstrip("/") if alone else str(config["SHOP_PUBLIC_URL"]).rstrip("/") + MOUNT_PATH


# The sandbox's faults page (shop/sandbox/faults/page.py), linked from order pages in demo mode.
SANDBOX_FAULTS_PAGE = "/sandbox-control/faults/page"


def sandbox_faults_page(config: Mapping[str, object]) -> str:
    """Where the buyer arms gateway faults: the sandbox's page, run alone or mounted."""
    return sandbox_base(config) + SANDBOX_FAULTS_PAGE


def api_url(config: Mapping[str, object], provider: str) -> str:
    """Point at the sandbox unless a real gateway URL is configured."""
    described = PROVIDERS[provider]
    explicit = str(config.get(f"{described.prefix}API_URL") or "")
    if explicit:
        return explicit.rstrip("/") + "/"
    return sandbox_base(config) + described.sandbox_path
