"""Server callbacks over real loopback HTTP: retries until 200, control, manual mode, notify_url."""

from __future__ import annotations

from tests.sandbox.conftest import deliveries_done
from tests.sandbox.payneteasy.conftest import KEY, money_params, sha1, wait_attempts

CALLBACK_KEYS = [
    "status",
    "merchant_order",
    "client_orderid",
    "orderid",
    "type",
    "amount",
    "descriptor",
    "error_code",
    "error_message",
    "processor-tx-id",
    "last-four-digits",
    "bin",
    "card-type",
    "card-holder-name",
    "merchantdata",
    "control",
]


def test_callback_retries_until_200_and_is_signed(open_order, pay, client, receiver, app):
    receiver.fail_first = 2
    order = open_order(server_callback_url=receiver.url, merchant_data="VIP customer")

    pay(order, cvv="123")

    hits = receiver.wait_for(3)
    rows = wait_attempts(client, order["paynet-order-id"], 3)
    assert len(hits) == 3
    assert [row["http_status"] for row in rows] == [500, 500, 200]
    assert [row["attempt"] for row in rows] == [1, 2, 3]
    assert {row["event"] for row in rows} == {"sale/approved"}
    assert {row["trigger"] for row in rows} == {"auto"}
    assert {row["url"] for row in rows} == {receiver.url.split("?")[0]}  # no query, no token
    hit = hits[-1]
    assert [key for key in hit if key != "_query"] == ["shop_token", *CALLBACK_KEYS]
    assert hit["shop_token"] == "s3cr3t"  # the merchant's own query string is kept
    paynet_id, client_id = order["paynet-order-id"], order["merchant-order-id"]
    assert hit["control"] == sha1("approved", paynet_id, client_id, KEY)
    assert (hit["status"], hit["type"], hit["amount"]) == ("approved", "sale", "10.42")
    assert hit["orderid"] == paynet_id and hit["merchant_order"] == client_id
    assert hit["merchantdata"] == "VIP customer"
    assert (hit["bin"], hit["last-four-digits"], hit["card-type"]) == ("444455", "1111", "VISA")
    assert hit["processor-tx-id"] == f"PNTEST-{paynet_id}"
    deliveries_done(app)
    assert len(receiver.hits) == 3  # no attempt after the 200


def test_callback_gives_up_after_the_last_delay(open_order, pay, client, receiver, app):
    receiver.fail_first = 99
    order = open_order(server_callback_url=receiver.url)

    pay(order, cvv="116")

    rows = wait_attempts(client, order["paynet-order-id"], 3)
    deliveries_done(app)
    assert len(receiver.hits) == 3  # one attempt per entry of "0,0.05,0.05"
    assert [row["http_status"] for row in rows] == [500, 500, 500]
    assert receiver.hits[0]["status"] == "declined"
    assert receiver.hits[0]["error_message"] == "Insufficient funds"
    assert receiver.hits[0]["error_code"] == "116"
    assert "merchantdata" not in receiver.hits[0]


def test_unreachable_callback_is_recorded_as_an_error(open_order, pay, client, app):
    app.config["SANDBOX_PAYNETEASY_CALLBACK_DELAYS"] = "0"
    order = open_order(server_callback_url="http://127.0.0.1:9/cb")

    pay(order, cvv="123")

    rows = wait_attempts(client, order["paynet-order-id"], 1)
    assert len(rows) == 1
    assert rows[0]["http_status"] is None and rows[0]["error"] == "ConnectionError"


def test_no_callback_for_non_final_statuses(open_order, pay, client, receiver, app):
    unknown = open_order(server_callback_url=receiver.url)
    three_ds = open_order(server_callback_url=receiver.url)

    pay(unknown, cvv="217")
    pay(three_ds, cvv="321")

    deliveries_done(app)
    assert receiver.hits == []
    client.post(
        f"/paynet/sandbox/orders/{unknown['paynet-order-id']}/finalize",
        data={"status": "declined"},
    )
    hits = receiver.wait_for(1)
    assert [(hit["status"], hit["orderid"]) for hit in hits] == [
        ("declined", unknown["paynet-order-id"])
    ]


def test_manual_mode_sends_only_when_asked(open_order, pay, client, receiver, app):
    app.config["SANDBOX_PAYNETEASY_CALLBACKS"] = "manual"
    order = open_order(server_callback_url=receiver.url)
    paynet_id = order["paynet-order-id"]

    pay(order, cvv="123")
    deliveries_done(app)
    assert receiver.hits == []
    assert client.get(f"/paynet/sandbox/orders/{paynet_id}/callbacks").get_json() == []

    first = client.post(f"/paynet/sandbox/orders/{paynet_id}/callback")
    assert first.status_code == 202
    assert first.get_json() == {"queued": True, "url": receiver.url.split("?")[0]}
    assert len(receiver.wait_for(1)) == 1
    client.post(f"/paynet/sandbox/orders/{paynet_id}/callback")
    hits = receiver.wait_for(2)
    rows = wait_attempts(client, paynet_id, 2)
    assert len(hits) == 2 and hits[1]["status"] == "approved"
    assert [(row["trigger"], row["attempt"]) for row in rows] == [("manual", 1), ("manual", 1)]


def test_manual_send_is_one_attempt_even_on_failure(open_order, pay, client, receiver, app):
    app.config["SANDBOX_PAYNETEASY_CALLBACKS"] = "manual"
    receiver.fail_first = 5
    order = open_order(server_callback_url=receiver.url)
    pay(order, cvv="123")

    client.post(f"/paynet/sandbox/orders/{order['paynet-order-id']}/callback")

    rows = wait_attempts(client, order["paynet-order-id"], 1)
    deliveries_done(app)
    assert len(receiver.hits) == 1 and [row["http_status"] for row in rows] == [500]


def test_manual_callback_refusals(open_order, pay, client):
    without_url = open_order()
    pay(without_url, cvv="123")

    no_url = client.post(f"/paynet/sandbox/orders/{without_url['paynet-order-id']}/callback")
    missing = client.post("/paynet/sandbox/orders/42/callback")
    listing = client.get("/paynet/sandbox/orders/42/callbacks")

    assert no_url.status_code == 409
    assert missing.status_code == listing.status_code == 404


def test_notify_url_gets_the_initial_result_when_no_server_callback_url(open_order, pay, receiver):
    order = open_order(notify_url=receiver.url)

    pay(order, cvv="123")

    assert [hit["type"] for hit in receiver.wait_for(1)] == ["sale"]


def test_capture_and_return_notify_notify_url_only(open_order, pay, call, client, receiver, app):
    app.config["SANDBOX_PAYNETEASY_CALLBACK_DELAYS"] = "0"
    order = open_order(
        "preauth-form", server_callback_url=receiver.url, notify_url=receiver.url + "&n=1"
    )
    pay(order, cvv="123")
    assert receiver.wait_for(1)[0].get("n") is None  # the preauth went to server_callback_url

    call("capture", money_params(order, amount="6.00"))
    receiver.wait_for(2)
    call("return", money_params(order, amount="1.50"))

    hits = receiver.wait_for(3)
    assert [(hit["type"], hit["amount"], hit.get("n")) for hit in hits] == [
        ("preauth", "10.42", None),
        ("capture", "6.00", "1"),
        ("reversal", "1.50", "1"),
    ]
    assert all(hit["status"] == "approved" for hit in hits)
    assert hits[2]["control"] == sha1(
        "approved", order["paynet-order-id"], order["merchant-order-id"], KEY
    )


def test_capture_without_notify_url_sends_no_callback(open_order, pay, call, client, receiver, app):
    order = open_order("preauth-form", server_callback_url=receiver.url)
    pay(order, cvv="123")
    receiver.wait_for(1)

    fields = call("capture", money_params(order))
    deliveries_done(app)

    assert fields["type"] == "async-response"
    assert [hit["type"] for hit in receiver.hits] == ["preauth"]
    manual = client.post(f"/paynet/sandbox/orders/{order['paynet-order-id']}/callback")
    assert manual.status_code == 409
