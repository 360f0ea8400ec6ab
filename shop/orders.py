"""Turning a cart into an order: a price snapshot taken from the database, once per checkout."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from shop.cart.service import CartView
from shop.extensions import db
from shop.models import Order, OrderLine, Payment
from shop.money import Currency

# The staff's filter for orders with a double payment, a review case or an unexplained refund.
NEEDS_ATTENTION = "needs_attention"


def shop_currency() -> Currency:
    """The one currency the shop sells in, from SHOP_CURRENCY."""
    return Currency.from_code(str(current_app.config["SHOP_CURRENCY"]))


def find_by_checkout_key(checkout_key: str) -> Order | None:
    """The order a checkout form already created: how a double submit is recognised."""
    return db.session.execute(
        db.select(Order).filter_by(checkout_key=checkout_key)
    ).scalar_one_or_none()


def find_by_token(token: str) -> Order | None:
    """Look an order up by its public token; sequential ids are never accepted."""
    return db.session.execute(db.select(Order).filter_by(token=token)).scalar_one_or_none()


def for_page(token: str, *, timeline: bool, operations: bool = False) -> Order:
    """The order with what its page shows of every attempt: one query per table, never one
    per attempt. Load it after any status check: that check's commits would expire it."""
    attempts = selectinload(Order.payments)
    shown = [selectinload(Order.lines), attempts]
    if timeline:
        shown.append(attempts.selectinload(Payment.events))
    if operations:
        shown.append(attempts.selectinload(Payment.operations))
    query = db.select(Order).filter_by(token=token).options(*shown)
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()


def create_order(cart: CartView, name: str, email: str, checkout_key: str) -> tuple[Order, bool]:
    """Freeze the cart into an order; (order, False) when this checkout key already made one.

    The checkout view sends an empty cart back to the cart page before it comes here."""
    existing = find_by_checkout_key(checkout_key)
    if existing is not None:
        return existing, False
    order = Order(
        checkout_key=checkout_key,
        name=name,
        email=email,
        currency=shop_currency().numeric,
        total=cart.total,
        lines=[
            OrderLine(
                product_id=line.product.id,
                name=line.product.name,
                unit_price=line.product.price,
                quantity=line.quantity,
            )
            for line in cart.lines
        ],
    )
    db.session.add(order)
    try:
        db.session.commit()
    except IntegrityError:
        # The same form posted twice at once: the other request made the order.
        db.session.rollback()
        existing = find_by_checkout_key(checkout_key)
        if existing is None:
            raise
        return existing, False
    return order, True


def search_orders(query: str = "", state: str = "", limit: int = 200) -> list[Order]:
    """Orders for staff, newest first: by order number, email, or any gateway reference."""
    attempts = selectinload(Order.payments)
    select = (
        db.select(Order)
        .options(attempts.selectinload(Payment.operations))  # the list shows their state
        .order_by(Order.id.desc())
        .limit(limit)
    )
    query = query.strip()
    if query:
        like = f"%{query}%"
        by_payment = db.select(Payment.order_id).where(
            or_(
                Payment.merchant_order_number.ilike(like),
                Payment.gateway_order_id.ilike(like),
            )
        )
        conditions = [Order.email.ilike(like), Order.id.in_(by_payment)]
        number = query.upper().removeprefix("RS")
        if number.isdigit():
            conditions.append(Order.id == int(number))
        select = select.where(or_(*conditions))
    found = list(db.session.execute(select).scalars())
    # The order's state is derived from its payments; filtering here keeps one definition.
    if state == NEEDS_ATTENTION:
        return [order for order in found if order.attention]
    return [order for order in found if not state or order.state == state]
