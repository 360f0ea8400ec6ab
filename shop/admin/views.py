"""Back-office pages: sign in, orders, one order with its timeline and its actions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop import orders, payments
from shop.admin import auth
from shop.admin.forms import AmountForm, OrderFilterForm, SignInForm
from shop.cart.forms import EmptyForm
from shop.labels import word
from shop.models import Order
from shop.money import Currency, parse_major
from shop.payments import PaymentError
from shop.templating import notice

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    if not auth.sign_in_enabled():
        return render_template("admin/login.html", form=form, disabled=True), 503
    if form.validate_on_submit():
        if not auth.admit_attempt():
            flash(_("Too many failed attempts. Wait a few minutes."), "error")
            return render_template("admin/login.html", form=form), 429
        if auth.check_credentials(form.username.data, form.password.data):
            auth.sign_in(form.username.data)
            return redirect(_safe_next(), 303)
        flash(_("Wrong username or password."), "error")
        return render_template("admin/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
def logout():
    auth.sign_out()
    return redirect(url_for("admin.login"), 303)


@bp.get("/")
@auth.staff_required
def order_list():
    form = OrderFilterForm(request.args)
    if not form.validate():
        abort(400, _("Unknown filter."))
    found = orders.search_orders(form.q.data or "", form.state.data or "")
    return render_template("admin/orders.html", orders=found, form=form)


@bp.get("/orders/<token>")
@auth.staff_required
def order_detail(token: str):
    order = _order_or_404(token)
    payment = order.decisive_payment
    if payments.gateway_may_change(payment):
        # Staff see the gateway's view, e.g. after an operation whose answer was lost.
        try:
            payments.refresh(payment, staff=True)
        except PaymentError as exc:
            notice(str(exc), "warning")  # not flash(): that would rewrite the session cookie
    return render_template(
        "admin/order.html",
        order=orders.for_page(token, timeline=True, operations=True),
        payment=payment,
        actions=payments.available_actions(payment),
        amount_form=AmountForm(),
        form=EmptyForm(),
        audience="staff",
    )


@bp.post("/orders/<token>/<action>")
@auth.staff_required
def act(token: str, action: str):
    order = _order_or_404(token)
    form = AmountForm()
    payment = _attempt(order, form.payment.data or "")
    if action not in {"capture", "release", "refund"} or payment is None:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Type an amount such as 12.50."), "error")
        return redirect(url_for("admin.order_detail", token=token), 303)
    try:
        _run(action, payment, form.amount.data or "")
    except (PaymentError, ValueError) as exc:
        flash(str(exc), "error")
    else:
        done = _("Done: %(action)s confirmed by the gateway.", action=word(action, "operation"))
        flash(done, "success")
    return redirect(url_for("admin.order_detail", token=token), 303)


def _run(action: str, payment, typed: str) -> None:
    try:
        amount = parse_major(typed, Currency.from_code(payment.currency)) if typed else None
    except ValueError as exc:  # its own words are the developer's, in English
        raise ValueError(_("Type an amount such as 12.50.")) from exc
    if action == "capture":
        payments.capture(payment, amount)
    elif action == "release":
        payments.release(payment)
    else:
        if amount is None:
            raise ValueError(_("Type the amount to refund."))
        payments.refund(payment, amount)


def _attempt(order: Order, payment_token: str):
    """The attempt a form names (an extra one of a double payment), else the decisive one."""
    if not payment_token:
        return order.decisive_payment
    return next((p for p in order.payments if p.token == payment_token), None)


def _order_or_404(token: str) -> Order:
    return orders.find_by_token(token) or abort(404, _("We do not know this order."))


def _safe_next() -> str:
    """Only a path inside the back office: never an open redirect."""
    target = request.args.get("next", "")
    # A path under /admin/ cannot name another host; backslashes, which browsers read as
    # slashes, are refused all the same.
    if (target == "/admin" or target.startswith("/admin/")) and "\\" not in target:
        return target
    return url_for("admin.order_list")
