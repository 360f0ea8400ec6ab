"""The merchant origins the sandbox sends payers and callbacks to (SANDBOX_ALLOWED_ORIGINS).

Put online, a gateway that redirects or calls back to any registered URL is an open redirect
and lets anyone make it fetch internal addresses: every URL a merchant registers must be on
one of these origins. "*" allows any origin (a sandbox open to third-party clients).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app

SETTING = "SANDBOX_ALLOWED_ORIGINS"
ANY = "*"
_EXTENSION = "sandbox_allowed_origins"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """scheme://host[:port], lower-cased, default port dropped; None unless plain http(s).

    No user info: in `https://evil.example\\@shop.example/` Python sees shop.example, and a
    browser, for which a backslash is a slash, goes to evil.example.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port out of range, a broken IPv6 literal
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORTS or not host or not host.isascii() or "@" in parts.netloc:
        return None
    host = f"[{host}]" if ":" in host else host
    suffix = "" if port in (None, _DEFAULT_PORTS[scheme]) else f":{port}"
    return f"{scheme}://{host}{suffix}"


def parse(raw: object) -> frozenset[str] | None:
    """Read the setting: a set of origins, or None for any; refuse anything else at startup."""
    items = [item.strip() for item in str(raw).split(",") if item.strip()]
    if ANY in items:
        return None
    origins = set()
    for item in items:
        origin = origin_of(item)
        if origin is None or urlsplit(item).path not in ("", "/") or "?" in item or "#" in item:
            raise ValueError(f"{SETTING}: {item!r} is not an origin (scheme://host[:port]) or *")
        origins.add(origin)
    if not origins:
        raise ValueError(f"{SETTING} is empty: list the merchants' origins, or * for any")
    return frozenset(origins)


def init_app(app: Flask) -> None:
    """Parse the setting once, failing fast on a bad one."""
    app.extensions[_EXTENSION] = parse(app.config[SETTING])


def allowed(url: str) -> bool:
    """Tell whether the sandbox may send a payer or a callback to this URL."""
    origins = current_app.extensions[_EXTENSION]
    origin = origin_of(url)
    return origin is not None and (origins is None or origin in origins)


def sources(app: Flask) -> str:
    """The allowed origins as CSP sources ("*" for any)."""
    origins = app.extensions[_EXTENSION]
    return ANY if origins is None else " ".join(sorted(origins))
