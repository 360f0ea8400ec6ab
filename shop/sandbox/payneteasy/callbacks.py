"""When a PaynetEasy server callback goes out, to which URL, with what; delivery is common's.

An HTTP GET to the merchant once a transaction has a final result: status, orderid,
client_orderid, type, amount, the card's masked details, and the SHA-1 control of signing.py.
The sale or preauth goes to server_callback_url (else notify_url), a later transaction to
notify_url only (neither: no callback). The parameters are taken when the result is final, and
sent on a background thread, retried until HTTP 200 with SANDBOX_PAYNETEASY_CALLBACK_DELAYS;
SANDBOX_PAYNETEASY_CALLBACKS "manual" sends none, but for the control endpoint.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Flask, current_app

from shop.sandbox.common import delivery
from shop.sandbox.faults import callbacks as callback_faults
from shop.sandbox.payneteasy.amounts import major
from shop.sandbox.payneteasy.models import PaynetCallbackAttempt, PaynetOrder, TxType
from shop.sandbox.payneteasy.signing import control_of
from shop.sandbox.payneteasy.wire import DESCRIPTOR, Fields, processor_tx_id

MODES = ("auto", "manual")
MODE_SETTING = "SANDBOX_PAYNETEASY_CALLBACKS"
DELAYS_SETTING = "SANDBOX_PAYNETEASY_CALLBACK_DELAYS"
INITIAL_TYPES = frozenset({TxType.SALE, TxType.PREAUTH})


def init_app(app: Flask) -> None:
    """Refuse bad callback settings at startup rather than on the first payment."""
    mode = app.config[MODE_SETTING]
    if mode not in MODES:
        raise ValueError(f"{MODE_SETTING} must be auto or manual, not {mode!r}")
    delivery.delays(app, DELAYS_SETTING)
    delivery.state(app)


def target_url(order: PaynetOrder) -> str | None:
    """server_callback_url (else notify_url) for the sale/preauth; notify_url only after it."""
    if order.last_type in INITIAL_TYPES:
        return order.server_callback_url or order.notify_url
    return order.notify_url


def callback_params(order: PaynetOrder) -> Fields:
    """The query parameters for the order's latest transaction, signed."""
    fields: Fields = [
        ("status", order.status),
        ("merchant_order", order.client_orderid),
        ("client_orderid", order.client_orderid),
        ("orderid", str(order.paynet_id)),
        ("type", order.last_type),
        ("amount", major(order.tx_amount)),
        ("descriptor", DESCRIPTOR),
        ("error_code", order.error_code),
        ("error_message", order.error_message),
        ("processor-tx-id", processor_tx_id(order)),
        ("last-four-digits", order.last_four),
        ("bin", order.bin),
        ("card-type", order.card_type),
        ("card-holder-name", order.cardholder_name),
    ]
    if order.merchant_data is not None:
        fields.append(("merchantdata", order.merchant_data))
    fields.append(("control", control_of(order)))
    return fields


def notify(order: PaynetOrder) -> None:
    """Start delivering the callback of a final result, unless callbacks are sent by hand only."""
    if current_app.config[MODE_SETTING] == "manual":
        return
    _start(order, "auto", delivery.delays(current_app, DELAYS_SETTING))


def send_now(order: PaynetOrder) -> str | None:
    """Send the latest result's callback once, now, in the background; its URL without query,
    None without one."""
    return _start(order, "manual", (0.0,))


def _start(order: PaynetOrder, trigger: str, delays: tuple[float, ...]) -> str | None:
    """Take the parameters now (later transactions must not change them) and deliver them on a
    daemon thread, as armed callback faults say; the shop may be served by this process."""
    url = target_url(order)
    if url is None:
        return None
    callback = {"paynet_id": order.paynet_id, "event": f"{order.last_type}/{order.status}"}
    tries = delivery.Tries(PaynetCallbackAttempt, callback, trigger, delivery.public_url(url))
    job = delivery.Job(
        label=f"paynet order {order.paynet_id} {callback['event']}",
        url=url,
        params=callback_params(order),
        delays=delays,
        record=tries.record,
    )
    app: Flask = current_app._get_current_object()  # the thread outlives the request
    callback_faults.schedule(app, lambda tries: delivery.start(app, replace(job, delays=tries)),
                             delays)  # fmt: skip
    return tries.url
