"""`flask config-check`: the verdict, secrets masked, and every live-mode problem, mirrored
point by point by README's "Going live" checklist."""

from __future__ import annotations

import re
from pathlib import Path

from werkzeug.security import generate_password_hash

from shop import config_check, create_app
from shop.config import DEFAULTS
from tests.support import make_config

README = Path(__file__).resolve().parent.parent / "README.md"
WORST = {
    "PAYMENT_PROVIDERS": "rbs,payneteasy",
    "RBS_API_URL": "http://bank.example/payment/rest/",
    "SHOP_PUBLIC_URL": "http://shop.example",
    "DATABASE_URL": "sqlite:///shop.sqlite3",
}
GOOD = {
    "PAYMENT_PROVIDERS": "rbs",
    "RBS_API_URL": "https://bank.example/payment/rest/",
    "RBS_USERNAME": "shop-api",
    "RBS_PASSWORD": "a-real-password",
    "RBS_CALLBACK_KEY": "a-real-callback-key",
    "ADMIN_PASSWORD_HASH": generate_password_hash("staff", method="pbkdf2:sha256:1000"),
    "SHOP_PUBLIC_URL": "https://shop.example",
    "DATABASE_URL": "postgresql+psycopg://shop:db-password@db.example/shop",
}


def run(tmp_path, **settings):
    app = create_app(make_config(tmp_path, **settings))
    return app.test_cli_runner().invoke(args=["config-check"])


def test_the_demo_is_a_demo_and_its_secrets_are_masked_anyway(tmp_path):
    result = run(tmp_path)

    assert result.exit_code == 0, result.output
    assert "demo mode" in result.output and "0 problem(s)" in result.output
    assert "RBS_PASSWORD = ******** (set)" in result.output
    for secret in ["sandbox-demo-password", "test-secret-key", "SANDBOX00001"]:
        assert secret not in result.output


def test_a_live_configuration_with_demo_leftovers_is_flagged(tmp_path):
    result = run(tmp_path, **WORST)

    assert result.exit_code == 1
    assert "live mode: real gateway (RBS_API_URL)" in result.output
    for expected in [
        "PAYNETEASY_API_URL is not set",
        "RBS_API_URL is not https",
        "RBS_PASSWORD is still the sandbox's demo value",
        "PAYNETEASY_CONTROL_KEY is still the sandbox's demo value",
        "RBS_CALLBACK_KEY is empty",
        "ADMIN_PASSWORD_HASH is empty",
        "SHOP_PUBLIC_URL is not https",
        "note: DATABASE_URL is SQLite",
    ]:
        assert expected in result.output, expected


def test_a_ready_live_configuration_passes_with_its_secrets_masked(tmp_path):
    result = run(tmp_path, **GOOD)

    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output
    assert "postgresql+psycopg://shop:***@db.example/shop" in result.output
    for secret in ["a-real-password", "a-real-callback-key", "db-password", "pbkdf2"]:
        assert secret not in result.output


def worst_generated_key(demo: bool) -> dict:
    return {**DEFAULTS, **WORST, "DEMO_MODE": demo, "SECRET_KEY_GENERATED": True}


def test_a_generated_secret_key_is_a_problem_only_live():
    live = config_check.findings(worst_generated_key(demo=False))
    assert "SECRET_KEY is not set" in {finding.message[:21] for finding in live}
    demo = {**worst_generated_key(demo=True), "SHOP_PUBLIC_URL": "http://127.0.0.1:5000"}
    assert config_check.findings(demo) == []


def going_live_points() -> list[str]:
    text = README.read_text()
    section = text.split("## Going live", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\d+\. \*\*([^*]+)\*\*", section, flags=re.M)


def test_readme_going_live_is_the_checklist_config_check_runs():
    assert going_live_points() == list(config_check.CHECKLIST)
    worst = worst_generated_key(demo=False)
    assert {finding.point for finding in config_check.findings(worst)} == set(
        config_check.CHECKLIST
    )
