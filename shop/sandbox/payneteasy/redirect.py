"""Which merchant URL the payer's browser posts the final result to."""

from __future__ import annotations

from shop.sandbox.payneteasy.models import PaynetOrder, PaynetStatus


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
