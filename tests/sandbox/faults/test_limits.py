"""Fault limits: ms and times are capped (the cap on faults asleep at once is proven over real
sockets in tests/sandbox/common/test_hardening.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sandbox.payneteasy.conftest import ENDPOINT, parse_body
from tests.sandbox.rbs.conftest import AUTH

FAULTS = "/sandbox-control/faults"
STATUS = "/payment/rest/getOrderStatusExtended.do"


@pytest.mark.parametrize("as_json", [True, False])
@pytest.mark.parametrize(
    ("fields", "status", "error"),
    [
        ({"ms": "30000"}, 201, None),
        ({"ms": "30001"}, 400, "ms must be at most 30000, not 30001"),
        ({"times": "100"}, 201, None),
        ({"times": "101"}, 400, "times must be at most 100, not 101"),
        ({"times": "99999999999999999999"}, 400, "times must be a whole number from 0 to 100"),
        ({"ms": "1e9"}, 400, "ms must be a whole number from 0 to 30000"),
        ({"ms": "\u00b2"}, 400, "ms must be a whole number from 0 to 30000"),
        ({"times": "-1"}, 400, "times must be a whole number from 0 to 100"),
        ({"method": "register.do\x00"}, 400, "method must be a printable name"),
    ],
)
def test_control_api_caps_ms_and_times(client, as_json, fields, status, error):
    rule = {"fault": "latency", "method": "register.do", **fields}

    answer = client.post(FAULTS, json=rule) if as_json else client.post(FAULTS, data=rule)

    assert answer.status_code == status
    if error:
        assert answer.get_json()["error"].startswith(error)
        assert client.get(FAULTS).get_json() == []


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '["fault", "latency"]',
        '"latency"',
        "[" * 20_000 + "]" * 20_000,
        '{"fault": ' + "[" * 20_000 + "]" * 20_000 + "}",
        '{"fault": "latency", "times": 99999999999999999999999999}',
        '{"fault": "latency", "ms": 1.5}',
        '{"fault": "latency", "ms": true}',
        "{not json",
    ],
)
def test_control_api_refuses_malformed_json_with_400(client, body):
    answer = client.post(FAULTS, data=body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.get_json()["error"]


@pytest.mark.parametrize("fault", ["latency;ms=30001", "hang;ms=40000", "hang_after;ms=abc"])
def test_header_over_the_cap_is_refused_before_the_call_runs(client, fault):
    order = {**AUTH, "orderNumber": "capped", "amount": "100", "returnUrl": "https://shop.example/"}

    rbs = client.post("/payment/rest/register.do", data=order, headers={"X-Sandbox-Fault": fault})
    pne = client.post(f"/paynet/api/v2/status/{ENDPOINT}", headers={"X-Sandbox-Fault": fault})

    assert rbs.status_code == 400
    assert rbs.get_json()["errorCode"] == "7"
    assert rbs.get_json()["errorMessage"].startswith("X-Sandbox-Fault: ms must be")
    assert pne.status_code == 400
    fields = dict(parse_body(pne.get_data(as_text=True)))
    assert fields["type"] == "error" and fields["error-message"].startswith("X-Sandbox-Fault: ms")
    status = client.post(STATUS, data={**AUTH, "orderNumber": "capped"}).get_json()
    assert status["errorCode"] == "6"  # register.do never ran


def test_header_at_the_cap_is_taken(client):
    answer = client.post(STATUS, data=AUTH, headers={"X-Sandbox-Fault": "system_error;ms=30000"})

    assert answer.status_code == 200 and answer.get_json()["errorMessage"] == "System error"


def test_a_bad_limit_fails_at_startup(tmp_path: Path):
    from shop.sandbox import create_app

    config = {"SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    with pytest.raises(ValueError, match="SANDBOX_FAULT_MAX_DELAYED"):
        create_app({**config, "SANDBOX_FAULT_MAX_DELAYED": "lots"})
