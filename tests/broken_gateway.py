"""A broken RBS gateway for gateway-check's tests: the standard library only, written apart
from the sandbox (no code shared), on a loopback port. Unbroken, it answers register.do and
getOrderStatusExtended.do as rbs.md documents them and sends one signed callback per order;
each fault breaks one thing, the way a misconfigured test stand or a careless gateway would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode
from urllib.request import urlopen

USERNAME = "broken-api"
PASSWORD = "broken-password"
CALLBACK_KEY = "the-shops-callback-key"
FAULTS = frozenset(
    {
        "refuses_credentials",  # errorCode 5 to everyone, the right password too
        "lets_wrong_password_in",  # any password opens the API
        "no_form_url",  # register.do answers an orderId and no formUrl
        "amount_in_major_units",  # status says "amount": "10.00", not 1000
        "callback_wrong_key",  # callbacks signed with another key than the shop's
        "form_url_elsewhere",  # the payment page on a host the shop was not told about
        "amount_differs",  # status reports another amount than was registered
        "no_md_order",  # status does not name the order's id (attributes)
        "no_totals",  # status without paymentAmountInfo (an old getOrderStatusExtended version)
    }
)


class BrokenRbs:
    """Serve until stop(); `faults` picks what is broken (none: a gateway that works)."""

    def __init__(self, *faults: str) -> None:
        unknown = set(faults) - FAULTS
        assert not unknown, f"no such fault: {unknown}"
        self.faults = frozenset(faults)
        self.orders: dict[str, dict[str, str]] = {}
        self.callbacks_sent: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/payment/rest/"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, params: dict[str, str]) -> dict[str, object]:
        if "refuses_credentials" in self.faults or not self._let_in(params):
            return {"errorCode": "5", "errorMessage": "Access denied"}
        if method in {"register", "registerPreAuth"}:
            return self._register(params)
        if method == "getOrderStatusExtended":
            return self._status(params)
        return {"errorCode": "7", "errorMessage": "System error"}

    def _let_in(self, params: dict[str, str]) -> bool:
        user = hmac.compare_digest(params.get("userName", ""), USERNAME)
        word = hmac.compare_digest(params.get("password", ""), PASSWORD)
        return user and (word or "lets_wrong_password_in" in self.faults)

    def _register(self, params: dict[str, str]) -> dict[str, object]:
        order_id = str(uuid.uuid4())
        self.orders[order_id] = params
        if params.get("dynamicCallbackUrl"):
            callback = {"mdOrder": order_id, "orderNumber": params["orderNumber"],
                        "operation": "deposited", "status": "0"}  # fmt: skip
            threading.Thread(target=self._call_back, args=(params["dynamicCallbackUrl"], callback),
                             daemon=True).start()  # fmt: skip
        body: dict[str, object] = {"orderId": order_id}
        host = "https://pay.elsewhere.example" if "form_url_elsewhere" in self.faults else self.url
        if "no_form_url" not in self.faults:
            body["formUrl"] = f"{host}/payment/merchants/broken/payment_en.html?mdOrder={order_id}"
        return body

    def _status(self, params: dict[str, str]) -> dict[str, object]:
        order_id = params.get("orderId") or next(
            (k for k, v in self.orders.items() if v["orderNumber"] == params.get("orderNumber")), ""
        )
        order = self.orders.get(order_id)
        if order is None:
            return {"errorCode": "6", "errorMessage": "Order not found"}
        amount: object = int(order["amount"]) + (1 if "amount_differs" in self.faults else 0)
        if "amount_in_major_units" in self.faults:
            amount = f"{int(order['amount']) // 100}.{int(order['amount']) % 100:02d}"
        body = {
            "errorCode": "0", "errorMessage": "Success", "orderNumber": order["orderNumber"],
            "orderStatus": 0, "actionCode": -100, "actionCodeDescription": "",
            "amount": amount, "currency": order.get("currency", "643"),
            "attributes": [{"name": "mdOrder", "value": order_id}],
            "paymentAmountInfo": {"paymentState": "CREATED", "approvedAmount": 0,
                                  "depositedAmount": 0, "refundedAmount": 0},
        }  # fmt: skip
        if "no_md_order" in self.faults:
            del body["attributes"]
        if "no_totals" in self.faults:
            del body["paymentAmountInfo"]
        return body

    def _call_back(self, url: str, params: dict[str, str]) -> None:
        """GET the callback, checksum as rbs.md 5.1 (sorted name;value;, HMAC-SHA256, upper)."""
        key = "not-the-shops-key" if "callback_wrong_key" in self.faults else CALLBACK_KEY
        text = "".join(f"{name};{params[name]};" for name in sorted(params))
        checksum = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
        target = f"{url}{'&' if '?' in url else '?'}{urlencode({**params, 'checksum': checksum})}"
        try:
            with urlopen(target, timeout=5) as answer:  # noqa: S310 (the test's loopback URL)
                answer.read()
            self.callbacks_sent.append(params["orderNumber"])
        except OSError:
            pass  # nobody listening: a real gateway would try again later


def _handler(gateway: BrokenRbs) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            method = self.path.rsplit("/", 1)[-1].removesuffix(".do")
            body = json.dumps(gateway.answer(method, params)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet tests

    return Handler
