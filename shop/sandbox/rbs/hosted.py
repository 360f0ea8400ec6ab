"""The hosted pages: the payment page (show the order, take a card or a test wallet, cancel),
the issuer's 3-D Secure challenge (ACS, orderStatus 5 while it is open), and the way back to
the merchant."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from shop.sandbox.common.card_form import CardFormError, parse_card_form
from shop.sandbox.common.clock import now_s
from shop.sandbox.common.i18n import speak
from shop.sandbox.common.wallets import WALLETS, parse_wallet_form
from shop.sandbox.rbs import orders
from shop.sandbox.rbs.amounts import display
from shop.sandbox.rbs.issuer import CHALLENGE_CODE, TEST_CARDS
from shop.sandbox.rbs.models import GatewayOrder, OrderStatus
from shop.sandbox.rbs.redirect import finish_url

bp = Blueprint("sandbox_rbs_hosted", __name__)
bp.before_request(orders.sweep_before_request)

PAGE = "/payment/merchants/<merchant>/payment_<lang>.html"
ACS_PAGE = "/payment/merchants/<merchant>/acs.html"
WALLET = "/payment/merchants/<merchant>/wallet.html"
_LANG = re.compile(r"^[a-z]{2}$")


def _order_or_404(merchant: str, md_order: str, *, for_update: bool = False) -> GatewayOrder:
    """Find the merchant's order (expiring it if due) or answer a plain 404 page."""
    if merchant != current_app.config["SANDBOX_MERCHANT"] or not md_order:
        abort(404, description=_("There is no such merchant or payment order."))
    order = orders.load(md_order, for_update=for_update)
    if order is None or order.merchant != merchant:
        abort(404, description=_("There is no payment order with this mdOrder."))
    # payment_<lang>.html's language, else the one the order was registered with.
    speak((request.view_args or {}).get("lang"), order.language)
    return order


def _processed(order: GatewayOrder) -> str:
    """Show a finished order instead of the form, with the way back to the shop."""
    back = url_for(".finish", merchant=order.merchant, orderId=order.md_order)
    return render_template("sandbox/rbs/processed.html", order=order, back_url=back)


def _acs_redirect(order: GatewayOrder) -> BaseResponse:
    """Send the payer (back) to the 3-D Secure challenge of this order."""
    target = url_for(".acs_page", merchant=order.merchant, mdOrder=order.md_order, _external=True)
    return redirect(target, 303)


def page_url(order: GatewayOrder) -> str:
    """The order's payment page in its language: the formUrl register.do answers."""
    return url_for(
        "sandbox_rbs_hosted.payment_page",
        merchant=order.merchant,
        lang=order.language,
        mdOrder=order.md_order,
        _external=True,
    )


def _page_redirect(order: GatewayOrder) -> BaseResponse:
    """Send the payer (back) to the card form of this order."""
    target = page_url(order)
    return redirect(target, 303)


@bp.get(PAGE)
def payment_page(merchant: str, lang: str) -> str | BaseResponse:
    """Show the card form for an open order."""
    _check_lang(lang)
    order = _order_or_404(merchant, request.args.get("mdOrder", ""))
    if order.status == OrderStatus.ACS_STARTED:
        return _acs_redirect(order)
    if not order.is_open:
        return _processed(order)
    return _render_form(order, lang)


@bp.post(PAGE)
def submit(merchant: str, lang: str) -> str | BaseResponse | tuple[str, int]:
    """Take one card attempt; bad input re-renders (400) and changes nothing."""
    _check_lang(lang)
    order = _order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if order.status != OrderStatus.CREATED:
        return _acs_redirect(order) if order.is_open else _processed(order)
    try:
        card = parse_card_form(request.form, now_s())
    except CardFormError as error:
        return _render_form(order, lang, error=str(error)), 400
    orders.pay(order, card, request.remote_addr)
    return _after_attempt(order)


@bp.post(WALLET)
def pay_with_wallet(merchant: str) -> str | BaseResponse | tuple[str, int]:
    """Take one wallet attempt (its test token, no card typed); a bad form is a 400."""
    order = _order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if order.status != OrderStatus.CREATED:
        return _acs_redirect(order) if order.is_open else _processed(order)
    try:
        payment = parse_wallet_form(request.form)
    except CardFormError as error:
        return _render_form(order, order.language, error=str(error)), 400
    orders.pay_with_wallet(order, payment, request.remote_addr)
    return _after_attempt(order)


def _after_attempt(order: GatewayOrder) -> BaseResponse:
    """On to the 3-D Secure challenge, or back to the merchant with the outcome."""
    if order.status == OrderStatus.ACS_STARTED:
        return _acs_redirect(order)
    return redirect(finish_url(order), 302)


@bp.post("/payment/merchants/<merchant>/cancel.html")
def cancel(merchant: str) -> str | BaseResponse:
    """Let the payer give up: the order is declined and they go to the fail URL."""
    order = _order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if not order.is_open:
        return _processed(order)
    orders.cancel(order)
    return redirect(finish_url(order), 302)


@bp.get(ACS_PAGE)
def acs_page(merchant: str) -> str | BaseResponse:
    """Ask for the one-time code while the order waits on 3-D Secure."""
    order = _order_or_404(merchant, request.args.get("mdOrder", ""))
    if order.status == OrderStatus.CREATED:
        return _page_redirect(order)
    if order.status != OrderStatus.ACS_STARTED:
        return _processed(order)
    return render_template(
        "sandbox/rbs/acs.html",
        order=order,
        amount=display(order.amount, order.currency),
        action=url_for(".acs_answer", merchant=merchant, mdOrder=order.md_order),
        cancel_url=url_for(".cancel", merchant=merchant, mdOrder=order.md_order),
        code=CHALLENGE_CODE,
    )


@bp.post(ACS_PAGE)
def acs_answer(merchant: str) -> str | BaseResponse:
    """Check the code, close the order, and send the payer to the merchant."""
    order = _order_or_404(merchant, request.args.get("mdOrder", ""), for_update=True)
    if order.status != OrderStatus.ACS_STARTED:
        return _processed(order)
    orders.answer_challenge(order, request.form.get("code", ""))
    return redirect(finish_url(order), 302)


@bp.get("/payment/merchants/<merchant>/finish.html")
def finish(merchant: str) -> BaseResponse:
    """Redirect a finished order to the merchant; an open one back to its page."""
    order = _order_or_404(merchant, request.args.get("orderId", ""))
    if order.status == OrderStatus.ACS_STARTED:
        return _acs_redirect(order)
    if order.is_open:
        return _page_redirect(order)
    return redirect(finish_url(order), 302)


def _check_lang(lang: str) -> None:
    """Serve payment_<lang>.html only for a two-letter language code."""
    if not _LANG.match(lang):
        abort(404, description=_("There is no payment page in this language."))


def _render_form(order: GatewayOrder, lang: str, error: str | None = None) -> str:
    """Render the form; after an error only expiry and name come back, never PAN or CVC."""
    return render_template(
        "sandbox/rbs/payment.html",
        order=order,
        amount=display(order.amount, order.currency),
        action=url_for(".submit", merchant=order.merchant, lang=lang, mdOrder=order.md_order),
        cancel_url=url_for(".cancel", merchant=order.merchant, mdOrder=order.md_order),
        cards=TEST_CARDS,
        wallets=WALLETS,
        wallet_action=url_for(".pay_with_wallet", merchant=order.merchant, mdOrder=order.md_order),
        error=error,
        expiry=request.form.get("expiry", "") if error else "",
        cardholder=request.form.get("cardholder", "") if error else "",
    )
