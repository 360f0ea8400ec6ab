"""What the final redirect and the server callback tell the merchant about an order."""

from __future__ import annotations

from flask import current_app

from shop.sandbox.payneteasy.amounts import major
from shop.sandbox.payneteasy.models import PaynetOrder
from shop.sandbox.payneteasy.signing import result_control
from shop.sandbox.payneteasy.wire import Fields

DESCRIPTOR = "REDIRECT-SHOP SANDBOX"


def processor_tx_id(order: PaynetOrder) -> str:
    """Name the acquirer transaction as the real sandbox does, once a card was used."""
    return f"PNTEST-{order.paynet_id}" if order.bin else ""


def control_of(order: PaynetOrder) -> str:
    """Sign the result: SHA1(status + orderid + client_orderid + key)."""
    key = str(current_app.config["SANDBOX_PAYNETEASY_CONTROL_KEY"])
    return result_control(order.status, str(order.paynet_id), order.client_orderid, key)


def redirect_fields(order: PaynetOrder) -> Fields:
    """Fields of the browser's final POST, in the order of the documentation's example."""
    fields: Fields = [
        ("status", order.status),
        ("orderid", str(order.paynet_id)),
        ("merchant_order", order.client_orderid),
        ("client_orderid", order.client_orderid),
        ("error_message", order.error_message),
        ("control", control_of(order)),
        ("descriptor", DESCRIPTOR),
        ("processor-tx-id", processor_tx_id(order)),
        ("amount", major(order.tx_amount)),
        ("bin", order.bin),
        ("type", order.last_type),
        ("card-type", order.card_type),
        ("phone", order.phone),
        ("last-four-digits", order.last_four),
        ("card-holder-name", order.cardholder_name),
        ("error_code", order.error_code),
        ("gate-partial-reversal", "enabled"),
        ("gate-partial-capture", "enabled"),
    ]
    if order.merchant_data is not None:
        fields.append(("merchantdata", order.merchant_data))
    return fields


def callback_fields(order: PaynetOrder) -> Fields:
    """Query parameters of the server callback for the order's latest transaction."""
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
