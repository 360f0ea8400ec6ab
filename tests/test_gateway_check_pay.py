"""gateway-check --pay against the embedded sandbox: Debian's chromium pays on the hosted page
(3-D Secure included), then capture, refund and reverse run for real, each confirmed; nothing
is left paid, which the sandbox's own tables confirm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shop.sandbox.payneteasy.models import PaynetOrder
from shop.sandbox.rbs.models import GatewayOrder, OrderStatus
from tests.gateway_check_support import detail, gateway_check, verdicts

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MONEY_STEPS = ["pay on the hosted page", "status after payment", "pay again, to reverse",
               "nothing left paid", "callback checksum: a real callback"]  # fmt: skip


def held_by_the_sandbox(app, provider: str) -> list[str]:
    """gateway-check's orders that still hold money, as the sandbox itself says."""
    from shop.sandbox.common.db import db

    sandbox = app.wsgi_app.mounts["/sandbox"]
    with sandbox.app_context():
        if provider == "rbs":
            return [o.order_number for o in db.session.execute(db.select(GatewayOrder)).scalars()
                    if _rbs_held(o) > 0]  # fmt: skip
        ids = db.session.execute(db.select(PaynetOrder.paynet_id)).scalars().all()
    client = sandbox.test_client()
    totals = [client.get(f"/paynet/sandbox/orders/{i}/totals").get_json() for i in ids]
    return [str(t) for t in totals if _pne_held(t) > 0]


def _rbs_held(order: GatewayOrder) -> int:
    if order.status == OrderStatus.APPROVED:
        return order.approved_amount
    return (
        order.deposited_amount
        if order.status in (OrderStatus.DEPOSITED, OrderStatus.REFUNDED)
        else 0
    )


def _pne_held(totals: dict) -> int:
    approved = {t["type"] for t in totals["transactions"] if t["status"] == "approved"}
    hold = (
        totals["authorized"]
        if "preauth" in approved and not approved & {"capture", "cancel"}
        else 0
    )
    return hold + totals["captured"] - totals["refunded"]


@pytest.mark.parametrize(
    ("provider", "dialect", "two_stage"),
    [("rbs", "sber", True), ("rbs", "bpc", False), ("rbs", "bpc", True),
     ("payneteasy", "sber", True), ("payneteasy", "sber", False)],
)  # fmt: skip
def test_pays_captures_refunds_reverses_and_leaves_nothing_paid(
    gateway_check_app, tmp_path, provider, dialect, two_stage
):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: `make browser` installs it"
    app = gateway_check_app(
        SANDBOX_RBS_DIALECT=dialect, **{f"{provider.upper()}_TWO_STAGE": two_stage}
    )

    status, output, document = gateway_check(app, tmp_path, provider, "--pay")

    assert status == 0, output
    found = verdicts(document)
    assert {name: found[name] for name in MONEY_STEPS} == dict.fromkeys(MONEY_STEPS, "pass")
    money = [name for name in found if name.startswith(("capture", "refund", "reverse"))]
    assert len(money) == 4
    assert all(found[name] == "pass" for name in money if not name.startswith("capture"))
    assert found[next(n for n in money if n.startswith("capture"))] == (
        "pass" if two_stage else "skipped"
    )
    assert held_by_the_sandbox(app, provider) == []
    if provider == "rbs":
        management = "integer" if dialect == "bpc" else "string"
        assert detail(document, "dialect").startswith(f"{dialect} ")
        assert f"refund.do {management}" in detail(document, "dialect")
    card = "5555555555555599" if provider == "rbs" else "4444555566661111"
    assert card not in output and card[:6] in output  # masked, never whole


def test_what_a_failed_step_left_paid_is_returned_all_the_same(gateway_check_app, tmp_path):
    """refund.do fails twice (the sandbox's fault injection): the clean-up reverses the order."""
    app = gateway_check_app(SANDBOX_RBS_DIALECT="sber")
    rule = {"method": "refund.do", "fault": "http_500", "times": "2"}
    assert app.test_client().post("/sandbox/sandbox-control/faults", data=rule).status_code == 201

    status, _, document = gateway_check(app, tmp_path, "rbs", "--pay")

    assert status == 1
    found = verdicts(document)
    assert found["refund (refund.do, part)"] == found["refund (refund.do, the rest)"] == "fail"
    assert found["nothing left paid"] == "pass"
    assert "reversed GC-" in detail(document, "nothing left paid")
    assert held_by_the_sandbox(app, "rbs") == []


@pytest.mark.parametrize(
    ("card", "failure"),
    [("4000000000009995,12/30,123", "the gateway sent the buyer to failUrl: 400000******9995 "
      "was declined"),
     ("5555555555555599,12/30,123", "the stand asks for a 3-D Secure code: add it to "
      "GATEWAY_CHECK_CARD")],
)  # fmt: skip
def test_a_payment_that_does_not_go_through_fails_its_line(
    gateway_check_app, tmp_path, card, failure
):
    app = gateway_check_app()

    status, output, document = gateway_check(app, tmp_path, "rbs", "--pay", "--card", card)

    assert status == 1
    assert detail(document, "pay on the hosted page") == failure
    assert verdicts(document)["nothing left paid"] in {"pass", "skipped"}
    assert card.split(",")[0] not in output
