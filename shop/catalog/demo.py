"""The demo catalog: a dozen products priced in minor units, images shipped in static/."""

from __future__ import annotations

from shop.extensions import db
from shop.models import Product

# (slug, name, price in minor units, description)
DEMO_PRODUCTS: tuple[tuple[str, str, int, str], ...] = (
    ("ceramic-mug", "Ceramic mug", 89000, "Stoneware mug, 350 ml, glazed by hand."),
    ("linen-apron", "Linen apron", 249000, "Washed linen apron with two deep pockets."),
    ("pour-over-kettle", "Pour-over kettle", 459900, "Gooseneck kettle for slow coffee."),
    ("paper-notebook", "Dot-grid notebook", 54950, "A5, 120 pages of 100 g/m² paper."),
    ("fountain-pen", "Fountain pen", 379000, "Steel nib, converter included."),
    ("wool-socks", "Wool socks", 79000, "Merino blend, knitted in a small mill."),
    ("tea-sampler", "Tea sampler", 129000, "Six loose-leaf teas in tins."),
    ("oak-board", "Oak cutting board", 319000, "Edge-grain oak, oiled."),
    ("canvas-tote", "Canvas tote", 99000, "Heavy cotton canvas, 20 litres."),
    ("desk-lamp", "Desk lamp", 689000, "Warm LED lamp with a weighted base."),
    ("plant-pot", "Terracotta pot", 45000, "Unglazed terracotta with a saucer."),
    ("playing-cards", "Playing cards", 35000, "Linen-finish deck, 54 cards."),
)


def seed_products() -> int:
    """Insert the demo products that are missing; returns how many were added."""
    existing = set(db.session.execute(db.select(Product.slug)).scalars())
    added = 0
    for slug, name, price, description in DEMO_PRODUCTS:
        if slug in existing:
            continue
        db.session.add(
            Product(
                slug=slug,
                name=name,
                price=price,
                description=description,
                image=f"img/products/{slug}.svg",
            )
        )
        added += 1
    db.session.commit()
    return added
