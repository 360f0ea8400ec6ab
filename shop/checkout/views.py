"""Checkout: the Buy form, the return from the payment page, the order page, retry."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from shop import orders, payments
from shop.cart import service as cart
from shop.checkout import keys
from shop.checkout.forms import CheckoutForm
from shop.extensions import csrf
from shop.models import Order, Payment
from shop.payments import (
    ForgedNotification,
    PaymentError,
    PaymentState,
    PaymentUnavailable,
    ReturnMismatch,
    UnknownPayment,
)
from shop.templating import notice

bp = Blueprint("checkout", __name__)


def _checkout_form() -> CheckoutForm:
    form = CheckoutForm()
    choices = payments.checkout_choices()
    form.provider.choices = [SelectChoice(key, label) for key, label in choices]
    if len(choices) == 1 or not form.provider.data:
        form.provider.data = choices[0][0]
    if not form.checkout_key.data:
        form.checkout_key.data = keys.issue(session)
    return form


@bp.route("/checkout", methods=["GET", "POST"])
def start():
    basket = cart.view(session)
    form = _checkout_form()
    if not basket:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("cart.show"), 303)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("checkout/form.html", form=form, cart=basket), status
    if not keys.belongs(session, form.checkout_key.data):
        form.checkout_key.data = keys.issue(session)
        flash(
            _("This form was opened in another browser. Check your details, then buy again."),
            "error",
        )
        return render_template("checkout/form.html", form=form, cart=basket), 400
    order, created = orders.create_order(
        basket, form.name.data, form.email.data, form.checkout_key.data
    )
    cart.clear(session)
    return _to_payment_page(order, form.provider.data if created else None)


def _to_payment_page(order: Order, provider: str | None):
    """Register (only for a new order) and send the buyer to the gateway's page."""
    payment: Payment | None = order.latest_payment
    if provider is not None:
        try:
            payment = payments.start(order, provider, request.remote_addr or "")
        except PaymentError as exc:
            flash(str(exc), "error")
            return redirect(url_for("checkout.order", token=order.token), 303)
    if payment and payment.state == PaymentState.AWAITING_PAYMENT and payment.form_url:
        return redirect(payment.form_url, 303)
    return redirect(url_for("checkout.order", token=order.token), 303)


# No CSRF token: a gateway's final redirect is a cross-site POST, and what makes a return
# count is the gateway's own signature and the status call it triggers, never the session.
@bp.route("/checkout/return/<token>", methods=["GET", "POST"], endpoint="returned")
@bp.route("/checkout/fail/<token>", methods=["GET", "POST"], endpoint="failed")
@csrf.exempt
def returned(token: str):
    via = "failUrl" if request.endpoint == "checkout.failed" else "returnUrl"
    via += " (cross-site POST)" if request.method == "POST" else ""
    try:
        payment = payments.handle_return(token, _params(), via)
    except UnknownPayment as exc:
        abort(404, str(exc))
    except ReturnMismatch as exc:
        abort(403, str(exc))
    except PaymentError as exc:
        flash(str(exc), "warning")
        payment = payments.payment_by_token(token)
    return redirect(url_for("checkout.order", token=payment.order.token), 303)


@bp.route("/payments/<provider>/callback", methods=["GET", "POST"], endpoint="callback")
@csrf.exempt
def callback(provider: str):
    if not payments.is_known_provider(provider):
        abort(404)
    try:
        payments.handle_callback(provider, _params())
    except ForgedNotification as exc:
        return str(exc) + "\n", 403, {"Content-Type": "text/plain; charset=utf-8"}
    except PaymentUnavailable:
        # Not acknowledged: the gateway will deliver it again, by then we may reach its API.
        return "status unavailable, retry later\n", 503, {"Content-Type": "text/plain"}
    return "OK\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


def _params() -> dict[str, str]:
    """Query string and form body as one flat mapping (first value of each name)."""
    return {key: request.values.get(key, "") for key in request.values}


@bp.get("/orders/<token>")
def order(token: str):
    found = orders.find_by_token(token) or abort(404, _("We do not know this order."))
    try:
        payments.check_waiting(found)
    except PaymentError as exc:
        # Shown now, not flashed: a flash would rewrite the session cookie on every reload.
        notice(str(exc), "warning")
    shown = orders.for_page(token, timeline=current_app.config["DEMO_MODE"])
    return render_template("checkout/order.html", order=shown, audience="buyer")


@bp.post("/orders/<token>/retry")
def retry(token: str):
    found = orders.find_by_token(token) or abort(404, _("We do not know this order."))
    try:
        payment = payments.retry(found, request.remote_addr or "")
    except PaymentError as exc:
        flash(str(exc), "error")
        return redirect(url_for("checkout.order", token=token), 303)
    return redirect(payment.form_url or url_for("checkout.order", token=token), 303)
