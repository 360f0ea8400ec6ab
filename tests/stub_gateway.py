"""A tiny RBS gateway on loopback that misbehaves in ways the sandbox does not: it forgets
its numbering, and says more than the documentation promises."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, request

from tests.support import serve_on_loopback


@dataclass
class StubRbs:
    """register.do hands out ids from `next_ids` (repeating the last); status answers
    `status_fields` over the order as registered."""

    next_ids: list[str] = field(default_factory=lambda: ["1"])
    status_fields: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    url: str = ""
    stop: object = None

    @property
    def api_url(self) -> str:
        return f"{self.url}/payment/rest/"

    def app(self) -> Flask:
        stub = Flask("stub_rbs")

        @stub.post("/payment/rest/register.do")
        def register():
            order_id = self.next_ids.pop(0) if len(self.next_ids) > 1 else self.next_ids[0]
            self.orders[order_id] = dict(request.form)
            return {"errorCode": "0", "orderId": order_id,
                    "formUrl": f"{self.url}/pay?mdOrder={order_id}"}  # fmt: skip

        @stub.post("/payment/rest/getOrderStatusExtended.do")
        def status():
            registered = self.orders[request.form["orderId"]]
            return {
                "errorCode": "0",
                "orderNumber": registered["orderNumber"],
                "amount": int(registered["amount"]),
                "currency": registered["currency"],
                "orderStatus": 2,
                "actionCode": 0,
                **self.status_fields,
            }

        return stub


def start_stub_rbs(**settings) -> StubRbs:
    stub = StubRbs(**settings)
    stub.url, stub.stop = serve_on_loopback(stub.app())
    return stub
