"""Flask commands: create the database and seed the demo catalog."""

from __future__ import annotations

import click
from flask import Flask

from shop.catalog.demo import seed_products
from shop.extensions import db


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Create the shop's tables (idempotent) and seed the demo catalog."""
        db.create_all()
        added = seed_products()
        click.echo(f"database ready; {added} demo products added")
