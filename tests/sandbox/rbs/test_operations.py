"""deposit.do, reverse.do, refund.do against rbs.md §4: amounts, states, error codes."""

from __future__ import annotations

import pytest

CARD = "4111111111111111"


@pytest.fixture
def paid(register, pay, rbs):
    """Pay an order (two_stage chooses registerPreAuth.do); returns its orderId."""

    def make(two_stage: bool = False, amount: str = "10000") -> str:
        answer = register("registerPreAuth" if two_stage else "register", amount=amount)
        pay(answer["formUrl"], CARD)
        return answer["orderId"]

    return make


def amounts(rbs, order_id: str) -> tuple[int, str, int, int, int]:
    body = rbs("getOrderStatusExtended", orderId=order_id)
    info = body["paymentAmountInfo"]
    return (
        body["orderStatus"],
        info["paymentState"],
        info["approvedAmount"],
        info["depositedAmount"],
        info["refundedAmount"],
    )


def test_full_deposit_with_amount_zero(paid, rbs):
    order_id = paid(two_stage=True)
    assert amounts(rbs, order_id) == (1, "APPROVED", 10000, 0, 0)

    assert rbs("deposit", orderId=order_id, amount="0") == {
        "errorCode": "0",
        "errorMessage": "Success",
    }

    assert amounts(rbs, order_id) == (2, "DEPOSITED", 10000, 10000, 0)


def test_partial_deposit_then_no_second_one(paid, rbs):
    order_id = paid(two_stage=True)
    assert rbs("deposit", orderId=order_id, amount="6000")["errorCode"] == "0"
    assert amounts(rbs, order_id) == (2, "DEPOSITED", 10000, 6000, 0)
    assert rbs("deposit", orderId=order_id, amount="100")["errorCode"] == "7"


@pytest.mark.parametrize(("amount", "code"), [("10001", "5"), ("-1", "5"), ("x", "5"), ("", "4")])
def test_deposit_amount_errors_change_nothing(paid, rbs, amount, code):
    order_id = paid(two_stage=True)
    assert rbs("deposit", orderId=order_id, amount=amount)["errorCode"] == code
    assert amounts(rbs, order_id) == (1, "APPROVED", 10000, 0, 0)


def test_deposit_of_a_one_stage_order_is_the_wrong_state(paid, rbs):
    assert rbs("deposit", orderId=paid(), amount="0")["errorCode"] == "7"


def test_reverse_a_hold_once(paid, rbs):
    order_id = paid(two_stage=True)
    assert rbs("reverse", orderId=order_id)["errorCode"] == "0"
    assert amounts(rbs, order_id)[:2] == (3, "REVERSED")
    second = rbs("reverse", orderId=order_id)
    assert second["errorCode"] == "7" and second["errorMessage"]


def test_reverse_after_a_refund_is_refused(paid, rbs):
    order_id = paid()
    rbs("refund", orderId=order_id, amount="100")
    assert rbs("reverse", orderId=order_id)["errorCode"] == "7"


def test_partial_refunds_add_up_and_never_exceed_the_deposit(paid, rbs):
    order_id = paid()
    assert rbs("refund", orderId=order_id, amount="3000")["errorCode"] == "0"
    assert rbs("refund", orderId=order_id, amount="2500")["errorCode"] == "0"
    assert amounts(rbs, order_id) == (4, "REFUNDED", 10000, 4500, 5500)

    too_much = rbs("refund", orderId=order_id, amount="4501")
    assert too_much["errorCode"] == "7"
    assert amounts(rbs, order_id) == (4, "REFUNDED", 10000, 4500, 5500)

    assert rbs("refund", orderId=order_id, amount="0")["errorCode"] == "0"  # the rest
    assert amounts(rbs, order_id) == (4, "REFUNDED", 10000, 0, 10000)
    assert rbs("refund", orderId=order_id, amount="1")["errorCode"] == "7"


def test_refund_before_the_money_is_debited_is_refused(paid, rbs, register):
    assert rbs("refund", orderId=paid(two_stage=True), amount="100")["errorCode"] == "7"
    unpaid = register()["orderId"]
    assert rbs("refund", orderId=unpaid, amount="100")["errorCode"] == "7"


def test_operations_on_an_unknown_order(rbs):
    for method in ("deposit", "reverse", "refund"):
        assert rbs(method, orderId="no-such-order", amount="1")["errorCode"] == "6"


def test_operations_need_the_merchant_credentials(client, paid):
    order_id = paid(two_stage=True)
    body = client.post(
        "/payment/rest/deposit.do",
        data={
            "userName": "redirect-shop-api",
            "password": "wrong",
            "orderId": order_id,
            "amount": "0",
        },
    ).get_json()
    assert body["errorCode"] == "5"


def dates(rbs, order_id: str) -> dict[str, int]:
    body = rbs("getOrderStatusExtended", orderId=order_id)
    names = ("depositedDate", "reversedDate", "refundedDate")
    return {name: body[name] for name in names if name in body}


def test_status_dates_follow_each_operation(paid, rbs, clock):
    order_id = paid(two_stage=True)
    assert dates(rbs, order_id) == {}
    clock.advance(10)
    rbs("deposit", orderId=order_id, amount="0")
    deposited = int(clock.now * 1000)
    assert dates(rbs, order_id) == {"depositedDate": deposited}
    clock.advance(10)
    rbs("refund", orderId=order_id, amount="100")
    refunded = int(clock.now * 1000)
    assert dates(rbs, order_id) == {"depositedDate": deposited, "refundedDate": refunded}


def test_one_stage_payment_reversed_within_the_window(paid, rbs, clock):
    order_id = paid()
    assert amounts(rbs, order_id) == (2, "DEPOSITED", 10000, 10000, 0)

    assert rbs("reverse", orderId=order_id, amount="10000") == {
        "errorCode": "0",
        "errorMessage": "Success",
    }

    assert amounts(rbs, order_id) == (3, "REVERSED", 10000, 0, 0)
    assert dates(rbs, order_id)["reversedDate"] == int(clock.now * 1000)
    assert rbs("refund", orderId=order_id, amount="0")["errorCode"] == "7"
    assert rbs("reverse", orderId=order_id)["errorCode"] == "7"


def test_reverse_after_a_deposit_of_a_hold_and_then_nothing_else(paid, rbs):
    order_id = paid(two_stage=True)
    rbs("deposit", orderId=order_id, amount="4000")
    assert rbs("reverse", orderId=order_id)["errorCode"] == "0"
    assert amounts(rbs, order_id) == (3, "REVERSED", 10000, 0, 0)
    assert rbs("deposit", orderId=order_id, amount="0")["errorCode"] == "7"


def test_reverse_of_an_unpaid_or_declined_order_is_refused(register, pay, rbs):
    unpaid = register()["orderId"]
    declined = register()
    pay(declined["formUrl"], "5168494895055780")
    for order_id in (unpaid, declined["orderId"]):
        body = rbs("reverse", orderId=order_id)
        assert body == {"errorCode": "7", "errorMessage": "Payment must be in a correct state"}


def test_refund_of_a_partial_deposit_is_capped_by_it(paid, rbs):
    order_id = paid(two_stage=True)
    rbs("deposit", orderId=order_id, amount="6000")
    exceeding = rbs("refund", orderId=order_id, amount="6001")
    assert exceeding == {"errorCode": "7", "errorMessage": "Refund amount exceeds deposited amount"}
    assert rbs("refund", orderId=order_id, amount="0")["errorCode"] == "0"
    assert amounts(rbs, order_id) == (4, "REFUNDED", 10000, 0, 6000)


def test_amount_stays_the_registered_amount(paid, rbs):
    order_id = paid(two_stage=True)
    rbs("deposit", orderId=order_id, amount="2500")
    rbs("refund", orderId=order_id, amount="500")
    body = rbs("getOrderStatusExtended", orderId=order_id)
    assert (body["amount"], body["paymentAmountInfo"]["totalAmount"]) == (10000, 10000)
    legacy = rbs("getOrderStatus", orderId=order_id)
    assert (legacy["OrderStatus"], legacy["Amount"], legacy["depositAmount"]) == (4, 10000, 2000)


def test_operations_by_order_number(register, pay, rbs):
    number = "op-by-number-1"
    answer = register("registerPreAuth", orderNumber=number, amount="10000")
    pay(answer["formUrl"], CARD)
    assert rbs("deposit", orderNumber=number, amount="0")["errorCode"] == "0"
    assert amounts(rbs, answer["orderId"])[:2] == (2, "DEPOSITED")
    assert rbs("refund", orderNumber="no-such-number", amount="1")["errorCode"] == "6"


@pytest.mark.parametrize("amount", ["\u00b2", "\uff11\uff10", "1e3", " ", "1234567890123"])
def test_odd_amounts_are_invalid_not_a_crash(paid, rbs, amount):
    order_id = paid(two_stage=True)
    body = rbs("deposit", orderId=order_id, amount=amount)
    assert body["errorCode"] in {"4", "5"}
    assert amounts(rbs, order_id) == (1, "APPROVED", 10000, 0, 0)
