"""The v2 API at /paynet/api/v2/<command>/<endpoint> (or /group/<group>): parse, check, dispatch."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, request, url_for

from shop.sandbox.payneteasy import operations, orders
from shop.sandbox.payneteasy.models import PaynetOrder, PaynetTransaction, TxType
from shop.sandbox.payneteasy.request import optional_amount, order_ids, parse_form_request
from shop.sandbox.payneteasy.signing import form_control, matches, status_control, tx_control
from shop.sandbox.payneteasy.wire import (
    BAD_CONTROL,
    ORDER_NOT_FOUND,
    UNKNOWN_ENDPOINT,
    Fields,
    PaynetError,
    error_fields,
    kv_response,
    processing_error,
    status_fields,
    validation_error,
)

bp = Blueprint("sandbox_payneteasy_api", __name__)

Params = dict[str, str]


@dataclass(frozen=True)
class Target:
    """The id in the request URL: an endpoint, or an endpoint group."""

    url_id: str
    group: bool

    @property
    def label(self) -> str:
        """Name it as the URL does."""
        return f"group/{self.url_id}" if self.group else self.url_id


@bp.post("/paynet/api/v2/<command>/<endpoint_id>")
def endpoint_call(command: str, endpoint_id: str) -> Response:
    """Answer a command sent to a single-currency endpoint."""
    return _call(command, Target(endpoint_id, group=False))


@bp.post("/paynet/api/v2/<command>/group/<group_id>")
def group_call(command: str, group_id: str) -> Response:
    """Answer a command sent to an endpoint group."""
    return _call(command, Target(group_id, group=True))


def _call(command: str, target: Target) -> Response:
    """Trim the inputs, check the endpoint, run the command; refusals are HTTP 200 too."""
    handler = COMMANDS.get(command)
    if handler is None:
        return Response("Unknown command\n", status=404, content_type="text/plain; charset=utf-8")
    params: Params = {key: value.strip() for key, value in request.form.items()}
    try:
        if any("\x00" in value for value in params.values()):
            raise validation_error("Invalid characters in the request")
        _check_target(target)
        return kv_response(handler(params, target))
    except PaynetError as error:
        return kv_response(error_fields(error, params.get("client_orderid", "")))


def _check_target(target: Target) -> None:
    """Know only the sandbox's endpoint and endpoint group."""
    setting = "ENDPOINT_GROUP_ID" if target.group else "ENDPOINT_ID"
    if target.url_id != str(current_app.config[f"SANDBOX_PAYNETEASY_{setting}"]):
        raise validation_error(f"Unknown endpoint: {target.label}", UNKNOWN_ENDPOINT)


def _key() -> str:
    """The merchant control key, used verbatim."""
    return str(current_app.config["SANDBOX_PAYNETEASY_CONTROL_KEY"])


def _sale_form(params: Params, target: Target) -> Fields:
    """Open a sale on the hosted form."""
    return _payment_form(params, target, TxType.SALE)


def _preauth_form(params: Params, target: Target) -> Fields:
    """Open a preauth (a hold to capture later) on the hosted form."""
    return _payment_form(params, target, TxType.PREAUTH)


def _payment_form(params: Params, target: Target, tx_type: TxType) -> Fields:
    """Validate, check the control with the URL's id, store the order, point at the form."""
    form = parse_form_request(params)
    expected = form_control(target.url_id, form.client_orderid, form.amount, form.email, _key())
    if not matches(expected, form.control):
        raise validation_error("Control code mismatch", BAD_CONTROL)
    order = orders.create(form, target.label, tx_type)
    form_url = url_for(
        "sandbox_payneteasy_hosted.form_page", token=order.form_token, _external=True
    )
    return [
        *_async_head("async-form-response", order, orders.initial_transaction(order).serial),
        ("status", "processing"),
        ("redirect-url", form_url),
    ]


def _async_head(kind: str, order: PaynetOrder, serial: str) -> Fields:
    """The leading fields of an accepted request, with the serial of the transaction it made."""
    return [
        ("type", kind),
        ("serial-number", serial),
        ("merchant-order-id", order.client_orderid),
        ("paynet-order-id", str(order.paynet_id)),
    ]


def _status(params: Params, target: Target) -> Fields:
    """Report the order's latest transaction, or the one by-request-sn names (not signed);
    orderid may be left out when client_orderid is unique."""
    _check_login(params)
    client_orderid, orderid = order_ids(params, orderid_required=False)
    expected = status_control(params["login"], client_orderid, orderid, _key())
    _check_control(expected, params)
    order = _find_order(client_orderid, orderid)
    latest = orders.latest_transaction(order)
    return status_fields(order, _reported(order, params.get("by-request-sn", ""), latest), latest)


def _reported(order: PaynetOrder, serial: str, latest: PaynetTransaction) -> PaynetTransaction:
    """The transaction made by the request with this serial number; the latest without one."""
    if not serial:
        return latest
    found = orders.find_transaction(order, serial)
    if found is None:
        raise processing_error("Transaction not found", ORDER_NOT_FOUND)
    return found


def _capture(params: Params, target: Target) -> Fields:
    """Capture an approved preauth."""
    order, amount, currency = _money_request(params)
    serial = operations.capture(order, amount, currency)
    return _async_head("async-response", order, serial)


def _return(params: Params, target: Target) -> Fields:
    """Cancel a preauth or reverse a sale or capture."""
    order, amount, currency = _money_request(params)
    serial = operations.refund(order, amount, currency)
    return _async_head("async-response", order, serial)


def _money_request(params: Params) -> tuple[PaynetOrder, int | None, str | None]:
    """Check login, ids, optional amount with its currency, and the control; find the order."""
    _check_login(params)
    client_orderid, orderid = order_ids(params, orderid_required=True)
    amount, currency = optional_amount(params)
    expected = tx_control(params["login"], client_orderid, orderid, amount, currency or "", _key())
    _check_control(expected, params)
    return _find_order(client_orderid, orderid), amount, currency


def _check_login(params: Params) -> None:
    """Compare the merchant login in constant time."""
    login = params.get("login", "")
    if not login:
        raise validation_error("Missing required field: login")
    known = str(current_app.config["SANDBOX_PAYNETEASY_LOGIN"])
    if not hmac.compare_digest(login.encode(), known.encode()):
        raise validation_error("Invalid login", BAD_CONTROL)


def _check_control(expected: str, params: Params) -> None:
    """Refuse a missing or wrong control."""
    given = params.get("control", "")
    if not given:
        raise validation_error("Missing required field: control")
    if not matches(expected, given):
        raise validation_error("Control code mismatch", BAD_CONTROL)


def _find_order(client_orderid: str, orderid: str) -> PaynetOrder:
    """Find the order by both ids (or client_orderid alone); type=error when there is none."""
    order = orders.find(int(orderid)) if orderid else orders.find_by_client_orderid(client_orderid)
    if order is None or order.client_orderid != client_orderid:
        raise processing_error("Order not found", ORDER_NOT_FOUND)
    return order


COMMANDS: dict[str, Callable[[Params, Target], Fields]] = {
    "sale-form": _sale_form,
    "preauth-form": _preauth_form,
    "status": _status,
    "capture": _capture,
    "return": _return,
}
