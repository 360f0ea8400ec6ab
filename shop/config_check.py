"""`flask config-check`: the effective configuration with secrets masked, the demo/live
verdict, and every problem found. Each live check is one point of README's "Going live"
checklist, in the same order, so the two cannot drift apart unnoticed (a test compares them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from shop import config as shop_config
from shop.payments.gateways import PROVIDERS


def secret_keys() -> frozenset[str]:
    """Never printed: the shop's own secrets and each provider's."""
    owned = {p.prefix + name for p in PROVIDERS.values() for name in p.secrets}
    return frozenset({"SECRET_KEY", "ADMIN_PASSWORD_HASH", *owned})


HIDDEN = "********"


# README's "Going live" checklist, point by point, in its order.
GATEWAY_URLS = "Gateway URLs"
CREDENTIALS = "Bank credentials"
CALLBACK_KEY = "Callback key"
STAFF_PASSWORD = "Staff password"  # noqa: S105 (a label)
PUBLIC_URL = "Public address"
SECRET_KEY = "Secret key"  # noqa: S105 (a label)
DATABASE = "Database"
CHECKLIST = (
    GATEWAY_URLS,
    CREDENTIALS,
    CALLBACK_KEY,
    STAFF_PASSWORD,
    PUBLIC_URL,
    SECRET_KEY,
    DATABASE,
)


@dataclass(frozen=True)
class Finding:
    """One thing config-check says: a problem (exit status 1) or a note."""

    point: str  # the CHECKLIST point it belongs to
    message: str
    problem: bool = True


def verdict(config: Mapping[str, object]) -> str:
    if config["DEMO_MODE"]:
        where = shop_config.sandbox_base(config)
        return f"demo mode: every gateway is the sandbox at {where}; no money moves"
    urls = ", ".join(shop_config.real_gateway_urls(config))
    return f"live mode: real gateway ({urls}); the sandbox is not mounted"


def shown_value(key: str, value: object) -> str:
    """A value as config-check prints it: secrets masked, database passwords hidden."""
    if key in secret_keys():
        return f"{HIDDEN} (set)" if value else "(empty)"
    if key == "DATABASE_URL":
        try:
            return make_url(str(value)).render_as_string(hide_password=True)
        except Exception:  # an unreadable URL is reported as such, never echoed
            return "(unreadable URL)"
    return repr(value)


def effective(config: Mapping[str, object]) -> list[tuple[str, str]]:
    """Every known key with the value in force."""
    known = {**shop_config.DEFAULTS, **shop_config.provider_defaults()}
    return [(key, shown_value(key, config.get(key))) for key in known]


def _providers(config: Mapping[str, object]) -> list[str]:
    raw = str(config.get("PAYMENT_PROVIDERS") or "")
    return [key.strip().lower() for key in raw.split(",") if key.strip()]


def _is_https(url: object) -> bool:
    return urlsplit(str(url or "")).scheme == "https"


def live_findings(config: Mapping[str, object]) -> list[Finding]:
    """The "Going live" checklist, point by point."""
    found: list[Finding] = []
    for provider in _providers(config):
        key = f"{provider.upper()}_API_URL"
        if not config.get(key):
            found.append(Finding(GATEWAY_URLS, f"{key} is not set: {provider} would point at "
                                 "the sandbox, which live mode does not mount"))  # fmt: skip
        elif not _is_https(config[key]):
            found.append(Finding(GATEWAY_URLS, f"{key} is not https"))
    for key, demo in shop_config.SANDBOX_DEMO_SETTINGS.items():
        if key.split("_")[0].lower() in _providers(config) and str(config.get(key)) == demo:
            found.append(Finding(CREDENTIALS, f"{key} is still the sandbox's demo value"))
    if "rbs" in _providers(config) and not config.get("RBS_CALLBACK_KEY"):
        found.append(Finding(CALLBACK_KEY, "RBS_CALLBACK_KEY is empty: every RBS callback "
                             "is refused, payments settle only by status calls"))  # fmt: skip
    if not config.get("ADMIN_PASSWORD_HASH"):
        found.append(Finding(STAFF_PASSWORD, "ADMIN_PASSWORD_HASH is empty: the back office "
                             "is off (flask --app shop hash-password prints one)"))  # fmt: skip
    if not _is_https(config.get("SHOP_PUBLIC_URL")):
        found.append(Finding(PUBLIC_URL, "SHOP_PUBLIC_URL is not https: return URLs and the "
                             "session cookie would travel unencrypted"))  # fmt: skip
    if config.get("SECRET_KEY_GENERATED"):
        found.append(Finding(SECRET_KEY, "SECRET_KEY is not set: a key was generated into "
                             "instance/, fine for one host, wrong for several"))  # fmt: skip
    if str(config.get("DATABASE_URL", "")).startswith("sqlite"):
        found.append(Finding(DATABASE, "DATABASE_URL is SQLite: one host only; PostgreSQL "
                             "for anything more", problem=False))  # fmt: skip
    return found


def demo_findings(config: Mapping[str, object]) -> list[Finding]:
    """Demo mode is open by design; say so when others can reach it."""
    host = urlsplit(str(config.get("SHOP_PUBLIC_URL") or "")).hostname or ""
    if host in {"127.0.0.1", "localhost", "::1"}:
        return []
    return [Finding("Demo mode", f"the demo is served as {host}: anyone who reaches it can pay "
                    "with test cards and arm sandbox faults", problem=False)]  # fmt: skip


def findings(config: Mapping[str, object]) -> list[Finding]:
    return demo_findings(config) if config["DEMO_MODE"] else live_findings(config)
