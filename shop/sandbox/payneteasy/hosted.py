"""The hosted payment form behind redirect-url: card entry or a test wallet, 3-D Secure, cancel,
final redirect."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from shop.sandbox.common.card_form import CardFormError, CardInput, parse_card_form
from shop.sandbox.common.clock import now_s
from shop.sandbox.common.i18n import speak
from shop.sandbox.common.wallets import WALLETS, parse_wallet_form
from shop.sandbox.payneteasy import orders
from shop.sandbox.payneteasy.amounts import display
from shop.sandbox.payneteasy.issuer import (
    CANCELLED,
    CVV_RULES,
    THREE_DS_PASSWORD,
    decide,
    decide_three_ds,
    luhn_valid,
)
from shop.sandbox.payneteasy.models import PaynetOrder
from shop.sandbox.payneteasy.redirect import final_target, redirect_fields

bp = Blueprint("sandbox_payneteasy_hosted", __name__)

FORM = "/paynet/form/<token>"


@bp.after_request
def _no_referrer(response: Response) -> Response:
    """Keep the form token out of every Referer (stricter than the sandbox's same-origin)."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _order_or_404(token: str) -> PaynetOrder:
    """Find the order behind a form URL or answer a plain 404 page."""
    order = orders.find_by_token(token)
    if order is None:
        abort(404, description=_("There is no payment form at this address."))
    speak(order.language)  # the merchant's preferred_language, else the payer's browser
    return order


def _go(endpoint: str, order: PaynetOrder) -> BaseResponse:
    """Send the browser (back) to one of this order's pages."""
    return redirect(url_for(endpoint, token=order.form_token, _external=True), 303)


@bp.get(FORM)
def form_page(token: str) -> str | BaseResponse:
    """Show the card form while the order waits for a card."""
    order = _order_or_404(token)
    if not orders.awaits_card(order):
        return _go(".finish", order)
    return _render_form(order)


@bp.post(FORM)
def submit(token: str) -> BaseResponse | tuple[str, int]:
    """Take one card attempt; bad input re-renders (400) and changes nothing."""
    order = _order_or_404(token)
    if not orders.awaits_card(order):
        return _go(".finish", order)
    try:
        card = _parse_card()
    except CardFormError as error:
        return _render_form(order, error=str(error)), 400
    orders.pay(order, card, decide(card.cvc))
    return _go(".three_ds_page" if orders.awaits_3ds(order) else ".finish", order)


@bp.post(f"{FORM}/wallet")
def pay_with_wallet(token: str) -> BaseResponse | tuple[str, int]:
    """Take one wallet attempt (its test token, no card typed); a bad form is a 400."""
    order = _order_or_404(token)
    if not orders.awaits_card(order):
        return _go(".finish", order)
    try:
        payment = parse_wallet_form(request.form)
    except CardFormError as error:
        return _render_form(order, error=str(error)), 400
    orders.pay_with_wallet(order, payment)
    return _go(".three_ds_page" if orders.awaits_3ds(order) else ".finish", order)


@bp.post(f"{FORM}/cancel")
def cancel(token: str) -> BaseResponse:
    """Let the payer give up: declined with "Cancelled by payer"."""
    order = _order_or_404(token)
    orders.cancel(order, CANCELLED)
    return _go(".finish", order)


@bp.get(f"{FORM}/3ds")
def three_ds_page(token: str) -> str | BaseResponse:
    """Ask the 3-D Secure password while the order is in *_3d_validating."""
    order = _order_or_404(token)
    if not orders.awaits_3ds(order):
        return _go(".finish", order)
    return render_template(
        "sandbox/payneteasy/three_ds.html",
        order=order,
        amount=display(order.tx_amount, order.currency),
        merchant=current_app.config["SANDBOX_PAYNETEASY_LOGIN"],
        action=url_for(".three_ds_answer", token=token),
        cancel_url=url_for(".cancel", token=token),
        password=THREE_DS_PASSWORD,
    )


@bp.post(f"{FORM}/3ds")
def three_ds_answer(token: str) -> BaseResponse:
    """Check the password: 'hint' approves, anything else declines."""
    order = _order_or_404(token)
    orders.answer_3ds(order, decide_three_ds(request.form.get("password", "")))
    return _go(".finish", order)


@bp.get(f"{FORM}/finish")
def finish(token: str) -> str | BaseResponse:
    """Post the result to the merchant; an order still in progress goes back to its page."""
    order = _order_or_404(token)
    if orders.awaits_card(order):
        return _go(".form_page", order)
    if orders.awaits_3ds(order):
        return _go(".three_ds_page", order)
    return render_template(
        "sandbox/payneteasy/final_redirect.html",
        order=order,
        action=final_target(order),
        fields=redirect_fields(order),
    )


def _parse_card() -> CardInput:
    """Validate the card fields, then the number's Luhn digit."""
    form = request.form
    card = parse_card_form(
        {
            "pan": form.get("pan", ""),
            "expiry": form.get("expiry", ""),
            "cvc": form.get("cvv", ""),
            "cardholder": form.get("cardholder", ""),
        },
        now_s(),
    )
    if not luhn_valid(card.pan):
        raise CardFormError(_("This card number is not valid: check the digits."))
    return card


def _render_form(order: PaynetOrder, error: str | None = None) -> str:
    """Render the form; after an error only expiry and name come back, never number or CVV."""
    return render_template(
        "sandbox/payneteasy/form.html",
        order=order,
        amount=display(order.tx_amount, order.currency),
        merchant=current_app.config["SANDBOX_PAYNETEASY_LOGIN"],
        action=url_for(".submit", token=order.form_token),
        cancel_url=url_for(".cancel", token=order.form_token),
        rules=CVV_RULES,
        wallets=WALLETS,
        wallet_action=url_for(".pay_with_wallet", token=order.form_token),
        error=error,
        expiry=request.form.get("expiry", "") if error else "",
        cardholder=request.form.get("cardholder", "") if error else "",
    )
