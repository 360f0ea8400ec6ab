"""Where the payer goes back to: which merchant URL the browser posts the final result to, and
the fields of that POST."""

from __future__ import annotations

from shop.sandbox.payneteasy.amounts import major
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetStatus
from shop.sandbox.payneteasy.signing import control_of
from shop.sandbox.payneteasy.wire import DESCRIPTOR, Fields, processor_tx_id


def final_target(order: PaynetOrder) -> str:
    """Success URL when approved, fail URL when not, redirect_url as the fallback of both.

    An order in `unknown` goes to redirect_url (else the fail URL): the shop then polls status.
    """
    if order.status == PaynetStatus.APPROVED:
        chosen = order.redirect_success_url or order.redirect_url
    elif order.status in (PaynetStatus.UNKNOWN, PaynetStatus.PROCESSING):
        chosen = order.redirect_url or order.redirect_fail_url
    else:
        chosen = order.redirect_fail_url or order.redirect_url
    # sale-form demands redirect_url or both of the others, so one of them is always set.
    return chosen or order.redirect_url or order.redirect_success_url or ""


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
