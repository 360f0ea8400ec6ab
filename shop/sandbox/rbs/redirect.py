"""Where the payer goes after the hosted pages: returnUrl or failUrl plus orderId and lang."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from shop.sandbox.rbs.models import GatewayOrder


def append_query(url: str, params: dict[str, str]) -> str:
    """Add parameters after any existing query string, leaving that string byte for byte."""
    parts = urlsplit(url)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def finish_url(order: GatewayOrder) -> str:
    """Send a paid order to returnUrl, anything else to failUrl (or returnUrl without one)."""
    target = order.return_url if order.is_paid else (order.fail_url or order.return_url)
    return append_query(target, {"orderId": order.md_order, "lang": order.language})
