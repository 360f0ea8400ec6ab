"""`flask gateway-check` over real HTTP: it passes against the embedded sandbox in both RBS
dialects and for both providers, the sandbox run alone and a live-mode gateway URL alike."""

from __future__ import annotations

import json
import socket

import pytest

from tests.gateway_check_support import detail, free_port, gateway_check, verdicts
from tests.support import start_sandbox_server

DEMO_PASSWORD = "sandbox-demo-password"
DEMO_CONTROL_KEY = "5A1C7E3B-0D2F-4B8E-9C61-SANDBOX00001"
EVERY_CHECK = [
    "credentials accepted",
    "status of an unpaid order",
    "status by order number",
    "an unknown order",
    "wrong credentials refused",
    "callback checksum: documented vector",
]


@pytest.mark.parametrize(("provider", "dialect"), [("rbs", "sber"), ("rbs", "bpc"),
                                                   ("payneteasy", "sber")])  # fmt: skip
def test_passes_against_the_embedded_sandbox(gateway_check_app, tmp_path, provider, dialect):
    app = gateway_check_app(SANDBOX_RBS_DIALECT=dialect, **{f"{provider.upper()}_TWO_STAGE": True})

    status, output, document = gateway_check(app, tmp_path, provider)

    assert status == 0, output
    assert document["ok"] is True
    found = verdicts(document)
    assert {name: found[name] for name in EVERY_CHECK} == dict.fromkeys(EVERY_CHECK, "pass")
    register, preauth = ("register.do", "registerPreAuth.do") if provider == "rbs" else (
        "sale-form", "preauth-form")  # fmt: skip
    assert found[register] == found[preauth] == found[f"reply shape: {register}"] == "pass"
    assert found["payment steps"] == "skipped"
    if provider == "rbs":
        assert detail(document, "dialect").startswith(f"{dialect} ")
    assert "served by this check" in output
    assert DEMO_PASSWORD not in output + json.dumps(document)
    assert DEMO_CONTROL_KEY not in output + json.dumps(document)


def test_checks_every_enabled_provider_when_none_is_named(gateway_check_app, tmp_path):
    app = gateway_check_app(PAYMENT_PROVIDERS="rbs,payneteasy")

    status, output, document = gateway_check(app, tmp_path)

    assert status == 0, output
    assert [r["provider"] for r in document["reports"]] == ["rbs", "payneteasy"]
    assert output.count("0 failed") == 2


@pytest.mark.parametrize("how", ["SANDBOX_URL", "RBS_API_URL"])
def test_passes_against_the_sandbox_run_alone(gateway_check_app, tmp_path, how):
    """`make serve`'s sandbox (demo mode, by URL), or the same as a bank (live mode)."""
    public_url = f"http://127.0.0.1:{free_port()}"
    alone = start_sandbox_server(tmp_path, SANDBOX_ALLOWED_ORIGINS=public_url)
    try:
        url = alone.url if how == "SANDBOX_URL" else alone.rbs_api_url
        app = gateway_check_app(SHOP_PUBLIC_URL=public_url, **{how: url})

        status, output, document = gateway_check(app, tmp_path, "rbs")
    finally:
        alone.stop()

    assert status == 0, output
    assert ("demo mode: the sandbox run alone" in output) == (how == "SANDBOX_URL")
    assert ("live mode" in output) == (how == "RBS_API_URL")
    assert verdicts(document)["wrong credentials refused"] == "pass"


def test_an_unreachable_sandbox_fails_on_the_first_line_and_skips_the_rest(
    gateway_check_app, tmp_path
):
    app = gateway_check_app(SANDBOX_URL=f"http://127.0.0.1:{free_port()}")

    status, output, document = gateway_check(app, tmp_path, "rbs")

    assert status == 1
    first = next(line for line in output.splitlines() if "credentials accepted" in line)
    assert first.split()[0] == "FAIL"
    assert "could not be reached" in first and "make serve" in first
    found = verdicts(document)
    assert found["register.do"] == found["dialect"] == "skipped"
    assert found["callback checksum: documented vector"] == "pass"  # needs no gateway


def test_a_bad_card_is_refused_before_anything_runs(gateway_check_app, tmp_path):
    app = gateway_check_app()
    result = app.test_cli_runner().invoke(
        args=["gateway-check", "rbs", "--pay"], env={"GATEWAY_CHECK_CARD": "4111,12/30"}
    )

    assert result.exit_code == 2
    assert "GATEWAY_CHECK_CARD" in result.output and "PAN,MM/YY,CVC" in result.output
    assert "4111" not in result.output


def test_pay_without_a_card_is_refused_against_a_real_gateway(gateway_check_app, tmp_path):
    app = gateway_check_app(RBS_API_URL="https://rbs.example/payment/rest/")
    result = app.test_cli_runner().invoke(args=["gateway-check", "rbs", "--pay"])

    assert result.exit_code == 2
    assert "needs its test card: GATEWAY_CHECK_CARD=PAN,MM/YY,CVC" in result.output


def test_pay_without_playwright_says_what_to_install(gateway_check_app, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import now fails
    app = gateway_check_app()
    result = app.test_cli_runner().invoke(args=["gateway-check", "rbs", "--pay"])

    assert result.exit_code == 2
    assert "Playwright, which is not installed: pip install -e '.[test]'" in result.output


def test_a_taken_public_port_skips_the_real_callback_with_the_reason(gateway_check_app, tmp_path):
    """SHOP_PUBLIC_URL served by another process (a running shop): callbacks go there."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        public_url = f"http://127.0.0.1:{taken.getsockname()[1]}"
        alone = start_sandbox_server(tmp_path, SANDBOX_ALLOWED_ORIGINS=public_url)
        try:
            app = gateway_check_app(SHOP_PUBLIC_URL=public_url, SANDBOX_URL=alone.url)
            status, output, document = gateway_check(app, tmp_path, "rbs", "--callback-wait", "0")
        finally:
            alone.stop()

    assert status == 0, output
    assert "is taken" in detail(document, "callback checksum: a real callback")
