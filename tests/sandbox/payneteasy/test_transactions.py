"""Every transaction of an order kept under its request's serial number: status by-request-sn
and the sandbox's totals endpoint."""

from __future__ import annotations

from shop.sandbox.payneteasy import callbacks
from tests.sandbox.payneteasy.conftest import money_params, status_params


def totals_of(client, order: dict[str, str]) -> dict:
    answer = client.get(f"/paynet/sandbox/orders/{order['paynet-order-id']}/totals")
    assert answer.status_code == 200
    return answer.get_json()


def by_serial(call, order: dict[str, str], serial: str) -> dict[str, str]:
    # by-request-sn is not signed: the control is the order's, as without it.
    return call("status", {**status_params(order), "by-request-sn": serial})


def test_each_request_serial_reports_its_own_transaction(open_order, pay, call, client):
    order = open_order("preauth-form", amount="100")
    pay(order, cvv="123")
    capture = call("capture", money_params(order, amount="60"))
    first = call("return", money_params(order, amount="20"))
    second = call("return", money_params(order, amount="10.5"))
    serials = [order, capture, first, second]
    expected = [
        ("preauth", "approved", "100.00", "auth_approved"),
        ("capture", "approved", "60.00", "capture_approved"),
        ("reversal", "approved", "20.00", "reversal_approved"),
        ("reversal", "approved", "10.50", "reversal_approved"),
    ]

    reports = [by_serial(call, order, answer["serial-number"]) for answer in serials]

    assert len({answer["serial-number"] for answer in serials}) == 4
    for report, answer, (tx_type, status, amount, stage) in zip(
        reports, serials, expected, strict=True
    ):
        assert report["type"] == "status-response"
        assert report["by-request-sn"] == answer["serial-number"]
        assert report["serial-number"] != answer["serial-number"]  # the status request's own
        assert (report["transaction-type"], report["status"]) == (tx_type, status)
        assert (report["amount"], report["order-stage"]) == (amount, stage)
        assert (report["bin"], report["email"]) == ("444455", "john.smith@example.com")
    latest = call("status", status_params(order))
    assert latest == {**reports[-1], "serial-number": latest["serial-number"]}


def test_status_names_the_serial_of_the_latest_transaction(open_order, pay, call):
    order = open_order()

    waiting = call("status", status_params(order))
    pay(order, cvv="116")
    declined = by_serial(call, order, order["serial-number"])

    assert waiting["by-request-sn"] == order["serial-number"]
    assert (waiting["status"], waiting["order-stage"]) == ("processing", "sale_init")
    assert (declined["status"], declined["order-stage"]) == ("declined", "sale_declined")
    assert (declined["error-message"], declined["error-code"]) == ("Insufficient funds", "116")


def test_an_unknown_serial_is_an_error(open_order, pay, call):
    order = open_order()
    other = open_order()
    pay(order, cvv="123")

    for serial in ("00000000-0000-0000-0000-0000deadbeef", other["serial-number"]):
        fields = by_serial(call, order, serial)
        assert fields["type"] == "error"
        assert (fields["error-message"], fields["error-code"]) == ("Transaction not found", "5")


def tx(tx_type: str, status: str, amount: int, answer: dict[str, str]) -> dict:
    return {"type": tx_type, "status": status, "amount": amount, "serial": answer["serial-number"]}


def test_totals_add_up_the_approved_transactions(open_order, pay, call, client):
    sale = open_order(amount="890")
    pay(sale, cvv="123")
    first, second = (call("return", money_params(sale, amount=a)) for a in ("100", "0.5"))
    declined = open_order(amount="5")
    pay(declined, cvv="116")
    hold = open_order("preauth-form", amount="30")
    pay(hold, cvv="123")
    cancel = call("return", money_params(hold))

    assert totals_of(client, sale) == {
        "authorized": 89000,
        "captured": 89000,
        "refunded": 10050,
        "transactions": [
            tx("sale", "approved", 89000, sale),
            tx("reversal", "approved", 10000, first),
            tx("reversal", "approved", 50, second),
        ],
    }
    assert totals_of(client, declined) == {
        "authorized": 0,
        "captured": 0,
        "refunded": 0,
        "transactions": [tx("sale", "declined", 500, declined)],
    }
    assert totals_of(client, hold) == {
        "authorized": 3000,
        "captured": 0,
        "refunded": 0,  # a cancel releases the hold: nothing was taken, nothing refunded
        "transactions": [
            tx("preauth", "approved", 3000, hold),
            tx("cancel", "approved", 3000, cancel),
        ],
    }
    assert client.get("/paynet/sandbox/orders/42/totals").status_code == 404


def test_a_callback_reports_its_own_return_when_another_lands_first(
    open_order, pay, call, receiver, monkeypatch
):
    order = open_order(amount="10", notify_url=receiver.url)
    pay(order, cvv="123")
    receiver.wait_for(1)
    send = callbacks.notify

    def another_return_first(paynet_order) -> None:
        monkeypatch.setattr(callbacks, "notify", send)
        assert call("return", money_params(order, amount="2"))["type"] == "async-response"
        send(paynet_order)

    monkeypatch.setattr(callbacks, "notify", another_return_first)
    assert call("return", money_params(order, amount="1"))["type"] == "async-response"

    hits = receiver.wait_for(3)
    assert sorted((hit["type"], hit["amount"]) for hit in hits[1:]) == [
        ("reversal", "1.00"),
        ("reversal", "2.00"),
    ]
