"""gateway-check against a broken gateway (tests/broken_gateway.py, the standard library only,
no code shared with the sandbox): each fault fails its own line, precisely, with the exact
request and reply, secrets masked, and the exit status is 1."""

from __future__ import annotations

import json

import pytest

from tests.broken_gateway import CALLBACK_KEY, PASSWORD, USERNAME, BrokenRbs
from tests.gateway_check_support import gateway_check, verdicts


@pytest.fixture
def broken(gateway_check_app, tmp_path):
    """Run gateway-check against a gateway with these faults, in live mode as a bank's stand."""
    started: list[BrokenRbs] = []

    def run(*faults: str) -> tuple[int, str, dict]:
        gateway = BrokenRbs(*faults)
        started.append(gateway)
        credentials = {"RBS_USERNAME": USERNAME, "RBS_PASSWORD": PASSWORD}
        app = gateway_check_app(
            RBS_API_URL=gateway.api_url, RBS_CALLBACK_KEY=CALLBACK_KEY, **credentials
        )
        return gateway_check(app, tmp_path, "rbs", "--callback-wait", "3")

    yield run
    for gateway in started:
        gateway.stop()


def line(output: str, name: str) -> str:
    """The table line of the check `name`, and the evidence lines under it."""
    lines = output.splitlines()
    start = next(i for i, text in enumerate(lines) if text[10:].startswith(name + " "))
    evidence = [text for text in lines[start + 1 :] if text.split()[0] in {"request", "reply"}]
    return "\n".join([lines[start], *evidence[:2]])


def test_the_unbroken_gateway_passes(broken):
    status, output, document = broken()

    assert status == 0, output
    assert verdicts(document)["callback checksum: a real callback"] == "pass"
    assert "live mode" in output


def test_refused_credentials(broken):
    status, output, document = broken("refuses_credentials")

    assert status == 1
    found = line(output, "credentials accepted")
    assert found.startswith("  FAIL ")
    assert "errorCode 5 (Access denied): the gateway refused RBS_USERNAME / RBS_PASSWORD" in found
    assert '"password": "********"' in found and '"userName": "broken-api"' in found
    assert 'reply    HTTP 200 {"errorCode": "5", "errorMessage": "Access denied"}' in found
    assert PASSWORD not in output + json.dumps(document)


def test_a_wrong_password_let_in(broken):
    status, output, _ = broken("lets_wrong_password_in")

    assert status == 1
    found = line(output, "wrong credentials refused")
    assert found.startswith("  FAIL ")
    assert "with a wrong RBS_PASSWORD the gateway answered 'no such order'" in found
    assert PASSWORD not in output  # neither the password nor the spoiled one


def test_a_register_without_form_url(broken):
    status, output, document = broken("no_form_url")

    assert status == 1
    found = line(output, "register.do")
    assert "GatewayProtocolError: The payment gateway did not return an order id and page." in found
    assert "request  register.do {" in found and '"orderNumber": "GC-' in found
    assert 'reply    HTTP 200 {"orderId": "' in found and "formUrl" not in found.split("reply")[1]
    shape = line(output, "reply shape: register.do")
    assert (
        "register.do: formUrl is absent (absent); the shop needs an absolute http(s) URL" in shape
    )
    assert verdicts(document)["status of an unpaid order"] == "skipped"


def test_a_status_with_a_non_integer_amount(broken):
    status, output, _ = broken("amount_in_major_units")

    assert status == 1
    found = line(output, "status of an unpaid order")
    assert "GatewayProtocolError: The gateway's status lacks a valid amount." in found
    assert '"amount": "10.00"' in found
    shape = line(output, "reply shape: getOrderStatusExtended.do")
    assert (
        'getOrderStatusExtended.do: amount is "10.00" (string); the shop needs an integer '
        "(minor units)" in shape
    )


def test_a_callback_key_that_does_not_verify(broken):
    status, output, _ = broken("callback_wrong_key")

    assert status == 1
    found = line(output, "callback checksum: a real callback")
    assert found.startswith("  FAIL ")
    assert "callbacks do not verify with RBS_CALLBACK_KEY: checksum=" in found
    assert "operation=deposited" in found
    assert CALLBACK_KEY not in output


def test_a_payment_page_on_a_host_the_shop_was_not_told_about(broken):
    status, output, _ = broken("form_url_elsewhere")

    assert status == 1
    found = line(output, "register.do")
    assert "the payment page https://pay.elsewhere.example/payment/merchants/" in found
    assert "add https://pay.elsewhere.example to RBS_PAYMENT_PAGE_ORIGINS" in found


def test_a_status_of_another_amount(broken):
    status, output, _ = broken("amount_differs")

    assert status == 1
    found = line(output, "status of an unpaid order")
    assert "amount 1001, registered 1000: the shop would hold the payment for review" in found


def test_a_status_that_does_not_name_the_order(broken):
    status, output, _ = broken("no_md_order")

    assert status == 1
    assert "does not name the gateway's order id" in line(output, "status by order number")
    shape = line(output, "reply shape: getOrderStatusExtended.do")
    assert "attributes is absent (absent); the shop needs a list naming mdOrder" in shape


def test_a_status_without_running_totals(broken):
    status, output, document = broken("no_totals")

    assert status == 1
    shape = line(output, "reply shape: getOrderStatusExtended.do")
    assert "paymentAmountInfo is absent (absent)" in shape and "version 3 or later" in shape
    assert verdicts(document)["status of an unpaid order"] == "pass"  # the shop still reads it
