"""Cart pages: show, add, change quantity, remove. Every change is POST + redirect."""

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from shop.cart import service as cart
from shop.cart.forms import AddToCartForm, EmptyForm, QuantityForm

bp = Blueprint("cart", __name__, url_prefix="/cart")


@bp.get("/")
def show():
    # The forms are plain HTML around the page's one CSRF token; the POST views check it.
    return render_template("cart/show.html", cart=cart.view(session))


@bp.post("/add")
def add():
    form = AddToCartForm()
    if not (form.validate_on_submit() and str(form.product_id.data).isdigit()):
        flash(_("Choose a quantity between 1 and %(max)d.", max=cart.MAX_QUANTITY), "error")
        return redirect(url_for("catalog.index"), 303)
    try:
        cart.add(session, int(form.product_id.data), form.quantity.data)
    except cart.CartError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Added to your cart."), "success")
    return redirect(url_for("cart.show"), 303)


@bp.post("/<int:product_id>/quantity")
def update(product_id: int):
    form = QuantityForm()
    if not form.validate_on_submit():
        flash(_("Choose a quantity between 1 and %(max)d.", max=cart.MAX_QUANTITY), "error")
        return redirect(url_for("cart.show"), 303)
    try:
        cart.set_quantity(session, product_id, form.quantity.data)
    except cart.CartError as exc:
        flash(str(exc), "error")
    return redirect(url_for("cart.show"), 303)


@bp.post("/<int:product_id>/remove")
def remove(product_id: int):
    if EmptyForm().validate_on_submit():
        cart.remove(session, product_id)
    return redirect(url_for("cart.show"), 303)
