"""The status-response: the order as its latest transaction, or an earlier one, left it."""

from __future__ import annotations

from shop.sandbox.payneteasy.amounts import major
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetTransaction, TxType, stage_of
from shop.sandbox.payneteasy.results import DESCRIPTOR, processor_tx_id
from shop.sandbox.payneteasy.wire import Fields, serial_number


def status_fields(order: PaynetOrder, tx: PaynetTransaction, latest: PaynetTransaction) -> Fields:
    """List the documented fields of tx; card fields stay empty until the payer entered a card."""
    stage, error_message, error_code = _stage_and_error(order, tx, latest)
    return [
        ("type", "status-response"),
        ("serial-number", serial_number()),
        ("merchant-order-id", order.client_orderid),
        ("paynet-order-id", str(order.paynet_id)),
        ("status", tx.status),
        ("amount", major(tx.amount)),
        ("currency", order.currency),
        ("transaction-type", tx.tx_type),
        ("order-stage", stage),
        ("last-four-digits", order.last_four),
        ("bin", order.bin),
        ("card-type", order.card_type),
        ("cardholder-name", order.cardholder_name),
        ("card-exp-month", order.exp_month),
        ("card-exp-year", order.exp_year),
        ("email", order.email),
        ("processor-tx-id", processor_tx_id(order)),
        ("descriptor", DESCRIPTOR),
        ("error-message", error_message),
        ("error-code", error_code),
        ("by-request-sn", tx.serial),
    ]


def _stage_and_error(
    order: PaynetOrder, tx: PaynetTransaction, latest: PaynetTransaction
) -> tuple[str, str, str]:
    """The latest transaction's are the order's (its stage may be sale_init or *_3d_validating).
    An earlier one was approved, or nothing would have followed it: no error, a final stage."""
    if tx.id == latest.id:
        return order.stage, order.error_message, order.error_code
    return stage_of(TxType(tx.tx_type), tx.status), "", ""
