"""The cart: product ids and quantities in a mapping (the signed session); prices from the DB."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm.util import identity_key

from shop.extensions import db
from shop.models import Product

MAX_QUANTITY = 20
_KEY = "cart"


class CartError(ValueError):
    """A cart change the shop refuses; str() is shown to the buyer."""


@dataclass(frozen=True)
class CartLine:
    """One product in the cart, priced from the database at the time of reading."""

    product: Product
    quantity: int

    @property
    def subtotal(self) -> int:
        return self.product.price * self.quantity


@dataclass(frozen=True)
class CartView:
    """The cart as the buyer sees it; the total is always computed here."""

    lines: tuple[CartLine, ...]

    @property
    def total(self) -> int:
        return sum(line.subtotal for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)


def _items(store: MutableMapping) -> dict[str, int]:
    items = store.get(_KEY)
    return dict(items) if isinstance(items, dict) else {}


def _save(store: MutableMapping, items: dict[str, int]) -> None:
    store[_KEY] = items


def _checked_quantity(quantity: int) -> int:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(_("Quantity must be between 1 and %(max)d.", max=MAX_QUANTITY))
    return quantity


def add(store: MutableMapping, product_id: int, quantity: int = 1) -> None:
    """Add quantity of a product, capped at MAX_QUANTITY per line."""
    if db.session.get(Product, product_id) is None:
        raise CartError(_("That product does not exist."))
    items = _items(store)
    items[str(product_id)] = _checked_quantity(items.get(str(product_id), 0) + quantity)
    _save(store, items)


def set_quantity(store: MutableMapping, product_id: int, quantity: int) -> None:
    """Change a line's quantity; the line must already be in the cart."""
    items = _items(store)
    if str(product_id) not in items:
        raise CartError(_("That product is not in your cart."))
    items[str(product_id)] = _checked_quantity(quantity)
    _save(store, items)


def remove(store: MutableMapping, product_id: int) -> None:
    """Drop a line; removing what is not there is not an error."""
    items = _items(store)
    items.pop(str(product_id), None)
    _save(store, items)


def clear(store: MutableMapping) -> None:
    """Empty the cart after an order took its contents."""
    store.pop(_KEY, None)


def view(store: MutableMapping) -> CartView:
    """Read the cart with current database prices, dropping lines that no longer make sense."""
    wanted = {
        int(raw_id): raw_quantity
        for raw_id, raw_quantity in _items(store).items()
        # A bool is an int too.
        if raw_id.isdigit() and type(raw_quantity) is int and 1 <= raw_quantity <= MAX_QUANTITY
    }
    products = _products(list(wanted))
    lines = (CartLine(products[id_], n) for id_, n in wanted.items() if id_ in products)
    return CartView(tuple(lines))


def _products(ids: list[int]) -> dict[int, Product]:
    """The products by id in one query at most, whatever the cart's size: none for those this
    request has loaded already (the catalog page shows them all, the cart page reads twice)."""
    found = {}
    for id_ in ids:
        loaded = db.session.identity_map.get(identity_key(Product, id_))
        if loaded is not None:
            found[id_] = loaded
    missing = [id_ for id_ in ids if id_ not in found]
    if missing:
        query = db.select(Product).where(Product.id.in_(missing))
        found.update((product.id, product) for product in db.session.execute(query).scalars())
    return found
