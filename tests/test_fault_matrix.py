"""Every row of the fault matrix, over real HTTP: arm a fault in the sandbox, run the call,
check what the person sees and the payment's state, then let the shop ask again."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from shop.sandbox.common.db import db as sandbox_db
from shop.sandbox.rbs.models import GatewayOrder
from tests.fault_matrix import EDGE_CASES, MATRIX, Cell, render
from tests.support import CARD_APPROVE, Buyer, Staff, start_live_shop

DOC = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"
TIMEOUT = 1.0  # the shop's read timeout in these tests; a hang outlasts it
DELAYS = {"latency": 200, "hang": 2500, "hang_after": 2500}


@pytest.fixture
def shop(tmp_path, request):
    cell: Cell = request.node.callspec.params["cell"]
    live = start_live_shop(
        tmp_path,
        GATEWAY_TIMEOUT=TIMEOUT,
        RBS_TWO_STAGE=cell.call == "capture",
        SANDBOX_RBS_CALLBACKS="manual",
    )
    yield live
    live.stop()


def arm(shop, method: str, fault: str) -> None:
    answer = requests.post(
        f"{shop.url}/sandbox/sandbox-control/faults",
        json={"method": method, "fault": fault, "times": 1, "ms": DELAYS.get(fault, 0)},
        timeout=5,
    )
    assert answer.status_code == 201, answer.text


def gateway_orders(shop) -> list[GatewayOrder]:
    with shop.sandbox().app_context():
        return list(sandbox_db.session.execute(sandbox_db.select(GatewayOrder)).scalars())


def run_register(shop, cell: Cell) -> None:
    arm(shop, "register.do", cell.fault)
    buyer = Buyer(shop)
    buyer.add("ceramic-mug")
    form = {**buyer.checkout_form(), "name": "Ada", "email": "ada@example.com"}
    page = buyer.http.post(f"{shop.url}/checkout", data=form, timeout=20)
    if cell.fault == "latency":
        assert "/sandbox/payment/merchants/" in page.url
    else:
        assert cell.sees in page.text
    assert shop.only_payment().state == cell.state
    assert bool(gateway_orders(shop)) is cell.gateway_acted

    shop.app.config["PAYMENT_UNKNOWN_AFTER_SECS"] = 0
    buyer.get(f"/orders/{shop.only_order_token()}")
    payment = shop.only_payment()
    assert payment.state == cell.settles
    registers = [e for e in payment.events if e.endpoint == "register.do"]
    assert len(registers) == 1, "registered twice"
    if cell.gateway_acted and cell.fault != "latency":
        # Found by its merchant order number, not registered again.
        assert payment.gateway_order_id == gateway_orders(shop)[0].md_order


def run_status(shop, cell: Cell) -> None:
    buyer = Buyer(shop)
    return_url = buyer.pay_and_close_the_tab()
    arm(shop, "getOrderStatusExtended.do", cell.fault)
    answer = buyer.http.get(return_url, timeout=20, allow_redirects=False)
    assert answer.status_code == 303
    assert shop.only_payment().state == cell.state
    assert cell.sees in buyer.get(answer.headers["Location"]).text
    buyer.get(answer.headers["Location"])
    assert shop.only_payment().state == cell.settles


def run_staff_action(shop, cell: Cell) -> None:
    buyer = Buyer(shop)
    buyer.pay(buyer.buy("desk-lamp"), CARD_APPROVE)
    staff = Staff(shop)
    staff.sign_in()
    token = shop.only_order_token()
    method, amount = ("deposit.do", "") if cell.call == "capture" else ("refund.do", "100.00")
    arm(shop, method, cell.fault)
    answer = staff.act(token, cell.call, amount, follow=False)
    assert answer.status_code == 303
    assert shop.only_payment().state == cell.state
    assert cell.sees in staff.get(answer.headers["Location"]).text
    payment = shop.only_payment()
    assert payment.state == cell.settles
    if cell.gateway_acted is False:  # nothing is counted that the gateway did not do
        assert (payment.captured_amount, payment.refunded_amount) == (
            (0, 0) if cell.call == "capture" else (payment.amount, 0)
        )


RUNNERS = {
    "register": run_register,
    "status": run_status,
    "capture": run_staff_action,
    "refund": run_staff_action,
}


@pytest.mark.parametrize("cell", MATRIX, ids=lambda c: f"{c.call}-{c.fault}")
def test_fault(shop, cell):
    RUNNERS[cell.call](shop, cell)


def test_reliability_doc_is_generated_from_the_matrix():
    assert DOC.read_text() == render(), "run: python -m tests.fault_matrix > docs/reliability.md"


def test_register_timed_out_but_the_gateway_did_register(tmp_path):
    """The answer to register.do never comes; the shop finds the order by its own number."""
    cell = next(c for c in MATRIX if (c.call, c.fault) == ("register", "hang_after"))
    live = start_live_shop(tmp_path, GATEWAY_TIMEOUT=TIMEOUT)
    try:
        run_register(live, cell)
        payment = live.only_payment()
        lookups = [e for e in payment.events if e.endpoint == "getOrderStatusExtended.do"]
        assert '"orderNumber"' in lookups[0].request_body
        assert len(gateway_orders(live)) == 1  # one registration at the gateway, not two
    finally:
        live.stop()


@pytest.mark.parametrize("test", [case[2] for case in EDGE_CASES])
def test_every_edge_case_the_doc_names_is_a_test_that_exists(test):
    path, _, name = test.partition("::")
    source = (Path(__file__).parent / path).read_text()
    assert not name or f"def {name}(" in source
