"""The hosted payment page: show the order, take a card, cancel, send the payer back."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from shop.sandbox import expiry, lifecycle
from shop.sandbox.cards import TEST_CARDS
from shop.sandbox.common.card_form import CardFormError, parse_card_form
from shop.sandbox.common.clock import now_s
from shop.sandbox.models import GatewayOrder, OrderStatus
from shop.sandbox.money import format_amount
from shop.sandbox.redirects import finish_url

bp = Blueprint("sandbox_hosted", __name__)
bp.before_request(expiry.sweep_before_request)

PAGE = "/payment/merchants/<merchant>/payment_<lang>.html"
_LANG = re.compile(r"^[a-z]{2}$")


def order_or_404(merchant: str, md_order: str, *, for_update: bool = False) -> GatewayOrder:
    """Find the merchant's order (expiring it if due) or answer a plain 404 page."""
    if merchant != current_app.config["SANDBOX_MERCHANT"] or not md_order:
        abort(404, description="There is no such merchant or payment order.")
    order = lifecycle.load(md_order, for_update=for_update)
    if order is None or order.merchant != merchant:
        abort(404, description="There is no payment order with this mdOrder.")
    return order


def processed(order: GatewayOrder) -> str:
    """Show a finished order instead of the form, with the way back to the shop."""
    back = url_for("sandbox_hosted.finish", merchant=order.merchant, orderId=order.md_order)
    return render_template("sandbox/processed.html", order=order, back_url=back)


def acs_redirect(order: GatewayOrder) -> BaseResponse:
    """Send the payer (back) to the 3-D Secure challenge of this order."""
    target = url_for(
        "sandbox_acs.challenge", merchant=order.merchant, mdOrder=order.md_order, _external=True
    )
    return redirect(target, 303)


def page_redirect(order: GatewayOrder) -> BaseResponse:
    """Send the payer (back) to the card form of this order."""
    target = url_for(
        "sandbox_hosted.payment_page",
        merchant=order.merchant,
        lang=order.language,
        mdOrder=order.md_order,
        _external=True,
    )
    return redirect(target, 303)


@bp.get(PAGE)
def payment_page(merchant: str, lang: str) -> str | BaseResponse:
    """Show the card form for an open order."""
    _check_lang(lang)
    order = order_or_404(merchant, request.args.get("mdOrder", ""))
    if order.status == OrderStatus.ACS_STARTED:
        return acs_redirect(order)
    if not order.is_open:
        return processed(order)
    return _render_form(order, lang)


@bp.post(PAGE)
def submit_card(merchant: str, lang: str) -> str | BaseResponse | tuple[str, int]:
    """Take one card attempt; bad input re-renders (400) and changes nothing."""
    _check_lang(lang)
    order = order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if order.status != OrderStatus.CREATED:
        return acs_redirect(order) if order.is_open else processed(order)
    try:
        card = parse_card_form(request.form, now_s())
    except CardFormError as error:
        return _render_form(order, lang, error=str(error)), 400
    lifecycle.pay(order, card, request.remote_addr)
    if order.status == OrderStatus.ACS_STARTED:
        return acs_redirect(order)
    return redirect(finish_url(order), 302)


@bp.post("/payment/merchants/<merchant>/cancel.html")
def cancel(merchant: str) -> str | BaseResponse:
    """Let the payer give up: the order is declined and they go to the fail URL."""
    order = order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if not order.is_open:
        return processed(order)
    lifecycle.cancel(order)
    return redirect(finish_url(order), 302)


@bp.get("/payment/merchants/<merchant>/finish.html")
def finish(merchant: str) -> BaseResponse:
    """Redirect a finished order to the merchant; an open one back to its page."""
    order = order_or_404(merchant, request.args.get("orderId", ""))
    if order.status == OrderStatus.ACS_STARTED:
        return acs_redirect(order)
    if order.is_open:
        return page_redirect(order)
    return redirect(finish_url(order), 302)


def _check_lang(lang: str) -> None:
    """Serve payment_<lang>.html only for a two-letter language code."""
    if not _LANG.match(lang):
        abort(404, description="There is no payment page in this language.")


def _render_form(order: GatewayOrder, lang: str, error: str | None = None) -> str:
    """Render the form; after an error only expiry and name come back, never PAN or CVC."""
    return render_template(
        "sandbox/payment.html",
        order=order,
        amount=format_amount(order.amount, order.currency),
        action=url_for(".submit_card", merchant=order.merchant, lang=lang, mdOrder=order.md_order),
        cancel_url=url_for(".cancel", merchant=order.merchant, mdOrder=order.md_order),
        cards=TEST_CARDS,
        error=error,
        expiry=request.form.get("expiry", "") if error else "",
        cardholder=request.form.get("cardholder", "") if error else "",
    )
