"""The status-response: the order as its latest transaction left it."""

from __future__ import annotations

from shop.sandbox.payneteasy.amounts import major
from shop.sandbox.payneteasy.models import PaynetOrder
from shop.sandbox.payneteasy.results import DESCRIPTOR, processor_tx_id
from shop.sandbox.payneteasy.wire import Fields, serial_number


def status_fields(order: PaynetOrder) -> Fields:
    """List the documented fields; card fields stay empty until the payer entered a card."""
    return [
        ("type", "status-response"),
        ("serial-number", serial_number()),
        ("merchant-order-id", order.client_orderid),
        ("paynet-order-id", str(order.paynet_id)),
        ("status", order.status),
        ("amount", major(order.tx_amount)),
        ("currency", order.currency),
        ("transaction-type", order.last_type),
        ("order-stage", order.stage),
        ("last-four-digits", order.last_four),
        ("bin", order.bin),
        ("card-type", order.card_type),
        ("cardholder-name", order.cardholder_name),
        ("card-exp-month", order.exp_month),
        ("card-exp-year", order.exp_year),
        ("email", order.email),
        ("processor-tx-id", processor_tx_id(order)),
        ("descriptor", DESCRIPTOR),
        ("error-message", order.error_message),
        ("error-code", order.error_code),
    ]
