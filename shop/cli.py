"""Flask commands: create the database, seed the demo catalog, reconcile payments, staff."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from shop.catalog.demo import seed_products


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Bring the schema up to date (Alembic migrations) and seed the demo catalog."""
        upgrade()
        added = seed_products()
        click.echo(f"database ready; {added} demo products added")

    payments = AppGroup("payments", help="Payment maintenance.")
    app.cli.add_command(payments)

    @payments.command("sync")
    def sync() -> None:
        """Ask the gateway about waiting payments in batches; safe from cron on every host.

        Exits 1 when the gateway answered none of the payments asked about, for cron to tell.
        """
        from shop import payments

        report = payments.sync()
        click.echo(report.summary())
        if report.gateway_down:
            click.echo("payments sync: the gateway answered none of them", err=True)
            raise SystemExit(1)

    @app.cli.command("config-check")
    def config_check() -> None:
        """Print the effective configuration (secrets masked), the verdict and every problem."""
        from shop import config_check as check

        for key, shown in check.effective(app.config):
            click.echo(f"{key} = {shown}")
        click.echo(f"\n{check.verdict(app.config)}")
        found = check.findings(app.config)
        for finding in found:
            click.echo(f"{'PROBLEM' if finding.problem else 'note'}: {finding.message}")
        problems = sum(finding.problem for finding in found)
        click.echo(f"{problems} problem(s)")
        if problems:
            raise SystemExit(1)

    @app.cli.command("hash-password")
    @click.password_option()
    def hash_password(password: str) -> None:
        """Print the hash to put in ADMIN_PASSWORD_HASH (the password itself is never stored)."""
        click.echo(generate_password_hash(password))
