"""Client of the RBS (BPC) eCommerce API v1: form-encoded POST to <base>/<method>.do, JSON back."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from urllib.parse import urljoin

import requests

from shop.payments.gateways.base import (
    N_,
    Currency,
    GatewayStatus,
    Notice,
    Outcome,
    PaidWith,
    PaymentRef,
    Provider,
    RegisterRequest,
    Registration,
)
from shop.payments.gateways.errors import (
    GatewayOrderNotFound,
    GatewayProtocolError,
    GatewayRejected,
)
from shop.payments.gateways.masking import json_redactor
from shop.payments.gateways.transport import UNWIRED, Transport, Wiring

SECRET_PARAMS = frozenset({"password", "token"})
# What status answers say about the payer, kept out of the event log (maskedPan stays).
PAYER_FIELDS = frozenset({"ip", "Ip", "expiration", "cardholderName", "approvalCode"})
EXPIRED_ACTION_CODE = -2007
ORDER_NOT_FOUND = 6
_SIMPLE_OUTCOMES = {
    0: Outcome.CREATED,
    1: Outcome.AUTHORIZED,
    2: Outcome.DEPOSITED,
    3: Outcome.REVERSED,
    4: Outcome.REFUNDED,
    5: Outcome.PROCESSING,
    7: Outcome.PROCESSING,
    8: Outcome.PROCESSING,
}


# paymentWay (rbs.md 3.2, getOrderStatusExtended.do v9+): "CARD, CARD_BINDING, APPLE_PAY,
# GOOGLE_PAY_*, ...". Each family is its name alone or with a suffix (GOOGLE_PAY_TOKENIZED).
_PAYMENT_WAY_FAMILIES = {
    "CARD": PaidWith.CARD,
    "APPLE_PAY": PaidWith.APPLE_PAY,
    "GOOGLE_PAY": PaidWith.GOOGLE_PAY,
    "SAMSUNG_PAY": PaidWith.SAMSUNG_PAY,
}


def error_code(body: Mapping[str, object]) -> int:
    """Normalize errorCode: a string, a number, ErrorCode (legacy) or absent (= 0)."""
    raw = body.get("errorCode", body.get("ErrorCode", 0))
    try:
        return int(str(raw or 0))
    except ValueError as exc:
        raise GatewayProtocolError("The payment gateway sent an unreadable error code.") from exc


def paid_with(body: Mapping[str, object]) -> str:
    """paymentWay in the shop's words; "" when absent (older versions) or of another family."""
    way = body.get("paymentWay")
    way = way.strip().upper() if isinstance(way, str) else ""
    for family, neutral in _PAYMENT_WAY_FAMILIES.items():
        if way == family or way.startswith(family + "_"):
            return neutral
    return ""


def outcome_of(order_status: int, action_code: int) -> Outcome:
    """Map orderStatus (and actionCode, for expiry) to the shop's outcome."""
    if order_status == 6:
        return Outcome.EXPIRED if action_code == EXPIRED_ACTION_CODE else Outcome.DECLINED
    try:
        return _SIMPLE_OUTCOMES[order_status]
    except KeyError as exc:
        raise GatewayProtocolError(f"Unknown orderStatus {order_status} from the gateway.") from exc


class RbsClient:
    """One merchant's connection to one RBS gateway; holds configuration, no globals."""

    name = "rbs"

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        wiring: Wiring = UNWIRED,
        callback_key: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._credentials = {"userName": username, "password": password}
        self._callback_key = callback_key
        # Callbacks are asked for only when they can be verified: no key, no callbacks.
        self.wants_callbacks = bool(callback_key)
        self._http = Transport("rbs", SECRET_PARAMS, wiring, json_redactor(PAYER_FIELDS))

    def register(self, request: RegisterRequest) -> Registration:
        """Register an order (register.do or registerPreAuth.do); never retried blindly."""
        method = "registerPreAuth.do" if request.two_stage else "register.do"
        body = self._call(method, _register_params(request), repeatable=False)
        order_id, form_url = body.get("orderId"), body.get("formUrl")
        if not isinstance(order_id, str) or not isinstance(form_url, str) or not order_id:
            raise GatewayProtocolError("The payment gateway did not return an order id and page.")
        return Registration(gateway_order_id=order_id, form_url=form_url)

    def status(self, ref: PaymentRef, operation_ref: str = "") -> GatewayStatus:
        """getOrderStatusExtended.do by orderId, or by orderNumber while the id is unknown.

        The answer carries running totals, which is how an operation is confirmed here."""
        if ref.gateway_order_id:
            params = {"orderId": ref.gateway_order_id}
        else:
            params = {"orderNumber": ref.order_number}
        body = self._call("getOrderStatusExtended.do", params, repeatable=True)
        return parse_status(body)

    def capture(self, ref: PaymentRef, amount: int, currency: Currency) -> str:
        """deposit.do with the exact amount (never 0, which would mean "everything")."""
        self._call("deposit.do", {**_order(ref), "amount": str(amount)}, repeatable=False)
        return ""

    def release(self, ref: PaymentRef) -> str:
        """reverse.do: the gateway allows it once, for a hold or a fresh one-stage payment."""
        self._call("reverse.do", _order(ref), repeatable=False)
        return ""

    def refund(self, ref: PaymentRef, amount: int, currency: Currency) -> str:
        """refund.do; the gateway refuses more than what is still deposited."""
        self._call("refund.do", {**_order(ref), "amount": str(amount)}, repeatable=False)
        return ""

    def read_return(self, params: Mapping[str, str], ref: PaymentRef) -> bool:
        """The return carries only orderId: it must be this payment's (it proves nothing else)."""
        returned, expected = params.get("orderId", ""), ref.gateway_order_id or ""
        return bool(expected) and hmac.compare_digest(returned.encode(), expected.encode())

    def read_callback(self, params: Mapping[str, str]) -> Notice | None:
        """Callbacks name the order by mdOrder and orderNumber, signed with HMAC-SHA256."""
        number, md_order = params.get("orderNumber", ""), params.get("mdOrder", "")
        if not number and not md_order:
            return None
        said = ", ".join(f"{k}={params[k]}" for k in ("operation", "status") if k in params)
        return Notice(PaymentRef(number, md_order or None), self._is_signed(params), said)

    def _is_signed(self, params: Mapping[str, str]) -> bool:
        """HMAC-SHA256 checksum over every other parameter; no key configured, no trust."""
        received = params.get("checksum", "")
        if not self._callback_key or not received:
            return False
        expected = callback_checksum(params, self._callback_key)
        return hmac.compare_digest(received.upper().encode(), expected.encode())

    def _call(self, method: str, params: dict[str, str], *, repeatable: bool) -> Mapping:
        """POST one API method; a non-zero errorCode becomes GatewayRejected."""
        data = {**self._credentials, **params}
        response = self._http.post(
            urljoin(self.base_url, method), method, data, repeatable=repeatable
        )
        body = _decode(response)
        code = error_code(body)
        if code != 0:
            message = str(body.get("errorMessage") or body.get("ErrorMessage") or "")
            error = GatewayOrderNotFound if code == ORDER_NOT_FOUND else GatewayRejected
            raise error(message or f"errorCode {code}", code=str(code))
        return body


def _order(ref: PaymentRef) -> dict[str, str]:
    if ref.gateway_order_id:
        return {"orderId": ref.gateway_order_id}
    return {"orderNumber": ref.order_number}


def callback_checksum(params: Mapping[str, str], key: str) -> str:
    """name;value; for every parameter but checksum and sign_alias, sorted, HMAC-SHA256, hex."""
    signed = {k: v for k, v in params.items() if k not in {"checksum", "sign_alias"}}
    text = "".join(f"{name};{signed[name]};" for name in sorted(signed))
    digest = hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()
    return digest.upper()


def _register_params(request: RegisterRequest) -> dict[str, str]:
    params = {
        "orderNumber": request.order_number,
        "amount": str(request.amount),
        "currency": request.currency.numeric,
        "returnUrl": request.return_url,
        "failUrl": request.fail_url,
        "description": request.description,
        "language": request.language,
        "email": request.payer.email,
        "sessionTimeoutSecs": str(request.page_lifetime_secs),
    }
    if request.callback_url:
        params["dynamicCallbackUrl"] = request.callback_url
    return params


def _decode(response: requests.Response) -> Mapping[str, object]:
    """Turn a 200 answer into the JSON object the API promises, or raise."""
    try:
        body = json.loads(response.text)
    except ValueError as exc:
        raise GatewayProtocolError("The payment gateway sent an unreadable answer.") from exc
    if not isinstance(body, dict):
        raise GatewayProtocolError("The payment gateway sent an unexpected answer.")
    return body


def _int(body: Mapping[str, object], key: str, default: int | None = None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or value is None:
        raise GatewayProtocolError(f"The gateway's status lacks a valid {key}.")
    try:
        return int(str(value))
    except ValueError as exc:
        raise GatewayProtocolError(f"The gateway's status lacks a valid {key}.") from exc


def _md_order(body: Mapping[str, object]) -> str:
    """The gateway's own order id, which status answers carry in attributes[mdOrder]."""
    attributes = body.get("attributes")
    for attribute in attributes if isinstance(attributes, list) else []:
        if isinstance(attribute, dict) and attribute.get("name") == "mdOrder":
            return str(attribute.get("value") or "")
    return ""


def parse_status(body: Mapping[str, object]) -> GatewayStatus:
    """Normalize a getOrderStatusExtended.do body into a GatewayStatus."""
    order_status = _int(body, "orderStatus")
    action_code = _int(body, "actionCode", 0)
    amounts = body.get("paymentAmountInfo")
    amounts = amounts if isinstance(amounts, dict) else {}
    card = body.get("cardAuthInfo")
    card = card if isinstance(card, dict) else {}
    deposited = _int(amounts, "depositedAmount", 0)
    refunded = _int(amounts, "refundedAmount", 0)
    return GatewayStatus(
        outcome=outcome_of(order_status, action_code),
        order_number=str(body.get("orderNumber", "")),
        amount=_int(body, "amount"),
        currency=str(body.get("currency", "")),
        gateway_order_id=_md_order(body),
        action_code=str(action_code),
        action_description=str(body.get("actionCodeDescription") or ""),
        masked_pan=str(card.get("maskedPan") or card.get("pan") or ""),
        paid_with=paid_with(body),
        authorized_amount=_int(amounts, "approvedAmount", 0),
        # Refunds lower depositedAmount (BPC), so what was captured is both together.
        captured_amount=deposited + refunded,
        refunded_amount=refunded,
    )


def _connect(api_url: str, settings: Mapping[str, object], wiring: Wiring) -> RbsClient:
    return RbsClient(
        api_url,
        str(settings["USERNAME"]),
        str(settings["PASSWORD"]),
        callback_key=str(settings["CALLBACK_KEY"]),
        wiring=wiring,
    )


PROVIDER = Provider(
    key="rbs",
    label=N_("Bank card (RBS)"),
    settings={
        "USERNAME": "",
        "PASSWORD": "",
        "CALLBACK_KEY": "",  # HMAC key of signed callbacks; empty: no callbacks are trusted
        "TWO_STAGE": False,  # registerPreAuth.do (a hold) instead of register.do
        "PAYMENT_PAGE_ORIGINS": "",  # hosted pages on other hosts than the API's
    },
    connect=_connect,
    secrets=frozenset({"PASSWORD", "CALLBACK_KEY"}),
    sandbox_path="/payment/rest/",
)
