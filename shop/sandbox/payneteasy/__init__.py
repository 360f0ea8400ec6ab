"""The PaynetEasy "payment form" API v2 (SHA-1 control), simulated: API, hosted form, callbacks.

api.py         the commands at /paynet/api/v2/<command>/<endpoint or group>: checks, dispatch
request.py     sale-form and preauth-form fields, order ids, amounts: validated as the gateway does
wire.py        the key=value bodies as the gateway writes them (status-response, refusals)
signing.py     the SHA-1 controls of requests and results, with the merchant control key
orders.py      order state changes: create, card attempt, 3-D Secure, cancel, finalize; transactions
operations.py  capture and return on an approved order
hosted.py      the hosted payment form, its 3-D Secure page and the final redirect page
redirect.py    where the payer goes back to: the merchant URL and the fields of the final POST
issuer.py      what the CVV of a test card decides, and the 3-D Secure password
callbacks.py   when a server callback is sent, to which URL, with what parameters
control.py     sandbox control endpoints: send or list callbacks, finalize, money totals
models.py      tables: orders, their transactions, each callback delivery try
amounts.py     amounts as the wire writes them (major units) and as the hosted pages show them
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Check the PaynetEasy settings, register the blueprints and the API's error format."""
    from shop.sandbox.common import errors
    from shop.sandbox.payneteasy import api, callbacks, control, hosted, wire

    callbacks.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(hosted.bp)
    app.register_blueprint(control.bp)
    errors.register_api(app, wire.API_PREFIX, wire.http_error)
