"""Helpers of gateway-check's tests: a shop whose SHOP_PUBLIC_URL nobody serves yet (the
command serves it), the command run as a terminal would, and its JSON report read back."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from flask import Flask

from shop import create_app
from shop.sandbox.common import delivery
from tests.support import make_config, prepare_database, release_database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_app(tmp_path: Path, **overrides: object) -> Flask:
    settings = {
        "SHOP_PUBLIC_URL": f"http://127.0.0.1:{free_port()}",
        "SANDBOX_RBS_CALLBACKS": "auto",
        "SANDBOX_RBS_CALLBACK_DELAYS": "0,0.2,0.5",
        "SANDBOX_PAYNETEASY_CALLBACK_DELAYS": "0,0.2,0.5",
    }
    app = create_app(make_config(tmp_path, **{**settings, **overrides}))
    prepare_database(app)
    return app


def close_app(app: Flask) -> None:
    if app.config["SANDBOX_MOUNTED"]:
        delivery.shutdown(app.wsgi_app.mounts["/sandbox"])
    release_database(app)


def gateway_check(app: Flask, tmp_path: Path, *args: str) -> tuple[int, str, dict]:
    """Run the command as a terminal would: (exit status, its output, its JSON report)."""
    report = tmp_path / f"report-{free_port()}.json"
    result = app.test_cli_runner().invoke(args=["gateway-check", *args, "--json", str(report)])
    document = json.loads(report.read_text()) if report.exists() else {}
    return result.exit_code, result.output, document


def verdicts(document: dict, provider: str = "") -> dict[str, str]:
    report = next(r for r in document["reports"] if not provider or r["provider"] == provider)
    return {check["name"]: check["verdict"] for check in report["checks"]}


def detail(document: dict, name: str) -> str:
    return next(c["detail"] for r in document["reports"] for c in r["checks"] if c["name"] == name)
