"""The simulated issuer's 3-D Secure challenge page (orderStatus 5 while it is open)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from shop.sandbox import expiry, lifecycle
from shop.sandbox.cards import CHALLENGE_CODE
from shop.sandbox.hosted import order_or_404, page_redirect, processed
from shop.sandbox.models import OrderStatus
from shop.sandbox.money import format_amount
from shop.sandbox.redirects import finish_url

bp = Blueprint("sandbox_acs", __name__)
bp.before_request(expiry.sweep_before_request)

ACS_PAGE = "/payment/merchants/<merchant>/acs.html"


@bp.get(ACS_PAGE)
def challenge(merchant: str) -> str | BaseResponse:
    """Ask for the one-time code while the order waits on 3-D Secure."""
    order = order_or_404(merchant, request.args.get("mdOrder", ""))
    if order.status == OrderStatus.CREATED:
        return page_redirect(order)
    if order.status != OrderStatus.ACS_STARTED:
        return processed(order)
    return render_template(
        "sandbox/acs.html",
        order=order,
        amount=format_amount(order.amount, order.currency),
        action=url_for(".answer", merchant=merchant, mdOrder=order.md_order),
        cancel_url=url_for("sandbox_hosted.cancel", merchant=merchant, mdOrder=order.md_order),
        code=CHALLENGE_CODE,
    )


@bp.post(ACS_PAGE)
def answer(merchant: str) -> str | BaseResponse:
    """Check the code, close the order, and send the payer to the merchant."""
    order = order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if order.status != OrderStatus.ACS_STARTED:
        return processed(order)
    lifecycle.answer_challenge(order, request.form.get("code", ""))
    return redirect(finish_url(order), 302)
