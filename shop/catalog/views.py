"""Product list and product pages."""

from flask import Blueprint, render_template

from shop.extensions import db
from shop.models import Product

bp = Blueprint("catalog", __name__)


# The add-to-cart forms are plain HTML around the page's one CSRF token (see the templates);
# AddToCartForm checks them on the POST.
@bp.get("/")
def index():
    products = db.session.execute(db.select(Product).order_by(Product.id)).scalars().all()
    return render_template("catalog/index.html", products=products)


@bp.get("/products/<slug>")
def product(slug: str):
    item = db.first_or_404(db.select(Product).filter_by(slug=slug))
    return render_template("catalog/product.html", product=item)
