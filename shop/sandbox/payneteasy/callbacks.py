"""When a server callback goes out and to which URL; delivery itself is in delivery.py."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask, current_app

from shop.sandbox.faults import callbacks as callback_faults
from shop.sandbox.payneteasy import delivery
from shop.sandbox.payneteasy.models import PaynetOrder, TxType
from shop.sandbox.payneteasy.results import callback_fields

INITIAL_TYPES = frozenset({TxType.SALE, TxType.PREAUTH})


def target_url(order: PaynetOrder) -> str | None:
    """server_callback_url (else notify_url) for the sale/preauth; notify_url only after it."""
    if order.last_type in INITIAL_TYPES:
        return order.server_callback_url or order.notify_url
    return order.notify_url


def on_result(order: PaynetOrder) -> None:
    """Queue the callback of a final result, unless callbacks are sent by hand only."""
    if current_app.config["SANDBOX_PAYNETEASY_CALLBACKS"] == "manual":
        return
    delays = delivery.parse_delays(current_app.config["SANDBOX_PAYNETEASY_CALLBACK_DELAYS"])
    _send(order, "auto", delays)


def send_now(order: PaynetOrder) -> str | None:
    """Send the latest result's callback once, now, in the background; None without a URL."""
    return _send(order, "manual", (0.0,))


def _send(order: PaynetOrder, trigger: str, delays: tuple[float, ...]) -> str | None:
    """Snapshot the parameters now (later transactions must not change them) and start."""
    url = target_url(order)
    if url is None:
        return None
    job = delivery.Delivery(
        paynet_id=order.paynet_id,
        event=f"{order.last_type}/{order.status}",
        trigger=trigger,
        url=url,
        params=callback_fields(order),
        delays=delays,
    )
    app: Flask = current_app._get_current_object()  # the thread outlives the request
    callback_faults.schedule(app, lambda tries: delivery.start(app, replace(job, delays=tries)),
                             delays)  # fmt: skip
    return delivery.public_url(url)
