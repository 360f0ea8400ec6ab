"""The REST methods at /payment/rest/<method>.do: authentication, then dispatch to a handler."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from shop.sandbox.rbs import hosted, operations, orders
from shop.sandbox.rbs.request import parse_register
from shop.sandbox.rbs.wire import (
    ApiError,
    error_body,
    extended_status,
    json_response,
    legacy_status,
    registered,
)

bp = Blueprint("sandbox_rbs_api", __name__)

Params = dict[str, str]
NOT_FOUND_EXTRA: dict[str, Any] = {"merchantOrderParams": [], "attributes": []}


@bp.route("/payment/rest/<method>.do", methods=["GET", "POST"])
def call(method: str) -> Response:
    """Answer one API call; business errors are HTTP 200 with an errorCode."""
    handler = METHODS.get(method)
    if handler is None:
        abort(404)
    params: Params = {**request.args.to_dict(), **request.form.to_dict()}
    try:
        _check_text(params)
        _authenticate(params)
        orders.sweep()  # time-outs happen (and are notified) even when nobody looks
        return json_response(handler(params))
    except ApiError as error:
        return json_response(error_body(error, method))


def _check_text(params: Params) -> None:
    """Refuse NUL bytes up front: no database column can hold them."""
    if any("\x00" in value for value in params.values()):
        raise ApiError("5", "Invalid parameter value")


def _authenticate(params: Params) -> None:
    """Check the API user in constant time; anything else is 'Access denied'."""
    config = current_app.config
    user_ok = hmac.compare_digest(
        params.get("userName", "").encode(), str(config["SANDBOX_RBS_USERNAME"]).encode()
    )
    password_ok = hmac.compare_digest(
        params.get("password", "").encode(), str(config["SANDBOX_RBS_PASSWORD"]).encode()
    )
    if not (user_ok and password_ok):
        raise ApiError("5", "Access denied")


def _register(params: Params, two_stage: bool = False) -> dict[str, Any]:
    """Register an order and point the payer at its hosted payment page."""
    order = orders.register(parse_register(params), two_stage=two_stage)
    return registered(order.md_order, hosted.page_url(order))


def _register_preauth(params: Params) -> dict[str, Any]:
    """Register a two-stage order: a successful payment only holds the money."""
    return _register(params, two_stage=True)


def _status_extended(params: Params) -> dict[str, Any]:
    """Report an order by orderId (which wins) or orderNumber."""
    md_order, number = params.get("orderId", ""), params.get("orderNumber", "")
    if not md_order and not number:
        raise ApiError("1", "Expected [orderId] or [orderNumber]")
    if md_order:
        order = orders.load(md_order)
    else:
        found = orders.find_by_number(number)
        order = orders.expire_if_due(found) if found is not None else None
    if order is None:
        raise ApiError("6", "Order not found", **NOT_FOUND_EXTRA)
    return extended_status(order)


def _status_legacy(params: Params) -> dict[str, Any]:
    """Report an order by orderId in the old capitalized format."""
    md_order = params.get("orderId", "")
    if not md_order:
        raise ApiError("5", "[orderId] is empty")
    order = orders.load(md_order)
    if order is None:
        raise ApiError("6", "Order not found")
    return legacy_status(order)


METHODS: dict[str, Callable[[Params], dict[str, Any]]] = {
    "register": _register,
    "registerPreAuth": _register_preauth,
    "getOrderStatusExtended": _status_extended,
    "getOrderStatus": _status_legacy,
    "deposit": operations.deposit,
    "reverse": operations.reverse,
    "refund": operations.refund,
}
