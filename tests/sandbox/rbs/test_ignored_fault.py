"""The `ignored` fault on RBS: deposit.do, reverse.do and refund.do say Success, nothing moves."""

from __future__ import annotations

import pytest

from tests.sandbox.conftest import UNREACHABLE
from tests.sandbox.rbs.conftest import AUTH, callbacks_of

CARD = "4111111111111111"
ACCEPTED = b'{"errorCode":"0","errorMessage":"Success"}'


@pytest.fixture
def paid(register, pay):
    """A paid order (a hold with registerPreAuth) that owes callbacks; returns its orderId."""

    def make(method: str) -> str:
        answer = register(method, amount="10000", dynamicCallbackUrl=f"{UNREACHABLE}/cb")
        pay(answer["formUrl"], CARD)
        return answer["orderId"]

    return make


def state(client, rbs, order_id: str) -> tuple[dict, list[str]]:
    info = rbs("getOrderStatusExtended", orderId=order_id)["paymentAmountInfo"]
    return info, [note["operation"] for note in callbacks_of(client, order_id)]


@pytest.mark.parametrize(
    ("register_method", "method", "amount"),
    [("registerPreAuth", "deposit", "5000"), ("registerPreAuth", "reverse", ""),
     ("register", "reverse", ""), ("register", "refund", "5000")],
)  # fmt: skip
def test_the_header_answers_success_and_changes_nothing(
    client, rbs, paid, register_method, method, amount
):
    order_id = paid(register_method)
    before = state(client, rbs, order_id)

    answer = client.post(
        f"/payment/rest/{method}.do",
        data={**AUTH, "orderId": order_id, "amount": amount},
        headers={"X-Sandbox-Fault": "ignored"},
    )

    assert answer.status_code == 200
    assert answer.content_type == "application/json;charset=UTF-8"
    assert answer.get_data() == ACCEPTED
    assert state(client, rbs, order_id) == before


def test_an_armed_fault_ignores_the_next_call_only(client, rbs, paid):
    order_id = paid("register")
    rule = {"fault": "ignored", "method": "refund.do"}
    assert client.post("/sandbox-control/faults", json=rule).status_code == 201

    ignored = client.post(
        "/payment/rest/refund.do", data={**AUTH, "orderId": order_id, "amount": "100"}
    )
    after_ignored = state(client, rbs, order_id)
    served = rbs("refund", orderId=order_id, amount="100")

    assert ignored.get_data() == ACCEPTED
    assert after_ignored[0]["refundedAmount"] == 0
    assert after_ignored[1] == ["deposited"]  # the payment's callback, none for the refund
    assert served == {"errorCode": "0", "errorMessage": "Success"}  # the real answer
    assert state(client, rbs, order_id)[0]["refundedAmount"] == 100
