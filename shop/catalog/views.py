"""Product list and product pages."""

from flask import Blueprint, render_template

from shop.cart.forms import AddToCartForm
from shop.extensions import db
from shop.models import Product

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    products = db.session.execute(db.select(Product).order_by(Product.id)).scalars().all()
    return render_template("catalog/index.html", products=products, form=AddToCartForm())


@bp.get("/products/<slug>")
def product(slug: str):
    item = db.first_or_404(db.select(Product).filter_by(slug=slug))
    return render_template("catalog/product.html", product=item, form=AddToCartForm())
