"""The RBS (BPC) eCommerce API v1 gateway, simulated: REST API, hosted pages, callbacks.

api.py         the REST methods at /payment/rest/<method>.do: authentication and dispatch
request.py     register.do and registerPreAuth.do parameters, validated as the gateway does
wire.py        the JSON bodies as the gateway writes them (status, errors), in either dialect
signing.py     the callback checksum (HMAC-SHA256 with the callback key)
orders.py      order state changes: register, card attempt, 3-D Secure, cancel, expiry
operations.py  deposit.do, reverse.do, refund.do on a paid order
hosted.py      the hosted payment page and the 3-D Secure (ACS) challenge page
redirect.py    where the payer goes back to: returnUrl or failUrl, with orderId and lang
issuer.py      the test cards, what each one does, and the 3-D Secure code
callbacks.py   when a callback is sent, to which URL, with what parameters
control.py     sandbox control endpoints: send or list an order's callbacks, sweep expired ones
models.py      tables: orders, the callbacks they owe, each delivery try
amounts.py     currencies (ISO 4217 numeric) and how the hosted pages show an amount
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Check the RBS settings, register the blueprints and the API's error format."""
    from shop.sandbox.common import errors
    from shop.sandbox.rbs import api, callbacks, control, hosted, wire

    wire.check_dialect(app.config[wire.DIALECT_SETTING])
    callbacks.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(hosted.bp)
    app.register_blueprint(control.bp)
    errors.register_api(app, wire.API_PREFIX, wire.http_error)
