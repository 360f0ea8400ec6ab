"""The cart service on a plain dict: what a session holds, prices from the database."""

import pytest

from shop.cart import service as cart
from shop.extensions import db
from shop.models import Product


def product(slug: str) -> Product:
    return db.session.execute(db.select(Product).filter_by(slug=slug)).scalar_one()


def test_add_change_remove_and_total(app_ctx):
    store: dict = {}
    mug, pen = product("ceramic-mug"), product("fountain-pen")
    cart.add(store, mug.id, 2)
    cart.add(store, pen.id)
    cart.add(store, mug.id)
    assert cart.view(store).total == 3 * mug.price + pen.price

    cart.set_quantity(store, pen.id, 4)
    cart.remove(store, mug.id)
    view = cart.view(store)
    assert [(line.product.slug, line.quantity) for line in view.lines] == [("fountain-pen", 4)]
    assert view.total == 4 * pen.price


@pytest.mark.parametrize("quantity", [0, -1, cart.MAX_QUANTITY + 1])
def test_quantities_out_of_range_are_refused(app_ctx, quantity):
    store: dict = {}
    with pytest.raises(cart.CartError):
        cart.add(store, product("ceramic-mug").id, quantity)
    assert cart.view(store).count == 0


def test_unknown_product_is_refused(app_ctx):
    with pytest.raises(cart.CartError):
        cart.add({}, 999_999)


def test_total_uses_current_database_prices(app_ctx):
    store: dict = {}
    mug = product("ceramic-mug")
    cart.add(store, mug.id, 2)
    mug.price = 1000
    db.session.commit()
    assert cart.view(store).total == 2000


@pytest.mark.parametrize(
    ("key", "quantity"),
    [("abc", 1), ("mug", 10_000), ("mug", "two"), ("mug", 0), ("mug", True), ("99999", 1)],
)
def test_a_tampered_session_is_read_safely(app_ctx, key, quantity):
    raw_id = str(product("ceramic-mug").id) if key == "mug" else key
    store = {"cart": {raw_id: quantity, str(product("tea-sampler").id): 1}}
    assert [line.product.slug for line in cart.view(store).lines] == ["tea-sampler"]
