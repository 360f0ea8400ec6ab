"""The SHA-1 control values of the v2 API: hex of UTF-8, merchant control key used verbatim."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from shop.sandbox.payneteasy.models import PaynetOrder


def sha1_hex(*parts: str) -> str:
    """Hash the plain concatenation of the parts, as every v2 control does."""
    return hashlib.sha1("".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def form_control(
    endpoint: str, client_orderid: str, amount_minor: int, email: str, key: str
) -> str:
    """Control of sale-form and preauth-form: endpoint or group id from the URL first."""
    return sha1_hex(endpoint, client_orderid, str(amount_minor), email, key)


def status_control(login: str, client_orderid: str, orderid: str, key: str) -> str:
    """Control of the status command."""
    return sha1_hex(login, client_orderid, orderid, key)


def tx_control(
    login: str,
    client_orderid: str,
    orderid: str,
    amount_minor: int | None,
    currency: str,
    key: str,
) -> str:
    """Control of capture and return: amount and currency take part only when amount is sent."""
    money = f"{amount_minor}{currency}" if amount_minor is not None else ""
    return sha1_hex(login, client_orderid, orderid, money, key)


def result_control(status: str, orderid: str, client_orderid: str, key: str) -> str:
    """Control of the final redirect and the server callback."""
    return sha1_hex(status, orderid, client_orderid, key)


def control_of(order: PaynetOrder) -> str:
    """Sign an order's result for the final redirect and the callback with the merchant's key."""
    key = str(current_app.config["SANDBOX_PAYNETEASY_CONTROL_KEY"])
    return result_control(order.status, str(order.paynet_id), order.client_orderid, key)


def matches(expected: str, given: str) -> bool:
    """Compare in constant time, accepting upper- or lower-case hex from the client."""
    if not given.isascii():
        return False
    return hmac.compare_digest(expected.encode(), given.lower().encode())
