"""Flask commands: create the database, seed the demo catalog, reconcile payments, check the
configuration and the gateways it points at, staff."""

from __future__ import annotations

import json
from pathlib import Path

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

    @app.cli.command("gateway-check")
    @click.argument("providers", nargs=-1)
    @click.option("--pay", is_flag=True, help="Also pay on the hosted page (headless Chromium), "
                  "then capture, refund and reverse for real; nothing is left paid.")  # fmt: skip
    @click.option("--card", envvar="GATEWAY_CHECK_CARD", default="", show_envvar=True,
                  help="The stand's test card: PAN,MM/YY,CVC[,3-D Secure code].")  # fmt: skip
    @click.option("--json", "json_path", type=click.Path(dir_okay=False),
                  help="Also write the report as JSON to this file.")  # fmt: skip
    @click.option("--callback-wait", default=5.0, show_default=True,
                  help="Seconds to wait for a real callback at SHOP_PUBLIC_URL.")  # fmt: skip
    @click.option("--listen", default="", metavar="HOST:PORT",
                  help="Where SHOP_PUBLIC_URL's traffic arrives, when it is not a free "
                  "loopback port of its own.")  # fmt: skip
    def gateway_check(providers, pay, card, json_path, callback_wait, listen) -> None:
        """Check the configured gateways (the embedded sandbox by default) with the shop's own
        clients: one line per check; exit status 0 only when every check that ran passed."""
        from shop import payments

        try:
            reports = payments.gateway_check(
                providers, pay=pay, card=card, callback_wait=callback_wait, listen=listen
            )
        except payments.GatewayCheckUnusable as exc:
            raise click.UsageError(str(exc)) from exc
        for report in reports:
            click.echo(report.table())
        ok = all(report.ok for report in reports)
        if json_path:
            document = {"ok": ok, "reports": [report.as_json() for report in reports]}
            Path(json_path).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        if not ok:
            raise SystemExit(1)

    @app.cli.command("hash-password")
    @click.password_option()
    def hash_password(password: str) -> None:
        """Print the hash to put in ADMIN_PASSWORD_HASH (the password itself is never stored)."""
        click.echo(generate_password_hash(password))
