"""Client of the RBS (BPC) eCommerce API v1: form-encoded POST to <base>/<method>.do, JSON back."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shop.payments.gateways.base import (
    Exchange,
    ExchangeObserver,
    GatewayStatus,
    Outcome,
    RegisterRequest,
    Registration,
    mask,
)
from shop.payments.gateways.errors import (
    GatewayOrderNotFound,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)

log = logging.getLogger(__name__)

SECRET_PARAMS = frozenset({"password", "token"})
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


def _idempotent_session() -> requests.Session:
    """A session that retries connection failures and 502/503/504: only for calls safe to repeat."""
    retry = Retry(
        total=2,
        connect=2,
        read=0,
        status=2,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"POST", "GET"}),
        backoff_factor=0.2,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def error_code(body: Mapping[str, object]) -> int:
    """Normalize errorCode: a string, a number, ErrorCode (legacy) or absent (= 0)."""
    raw = body.get("errorCode", body.get("ErrorCode", 0))
    try:
        return int(str(raw or 0))
    except ValueError as exc:
        raise GatewayProtocolError("The payment gateway sent an unreadable error code.") from exc


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
        timeout: tuple[float, float] = (3.05, 10.0),
        observer: ExchangeObserver | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._credentials = {"userName": username, "password": password}
        self.timeout = timeout
        self.observer = observer
        self._once = requests.Session()
        self._repeatable = _idempotent_session()

    def register(self, request: RegisterRequest) -> Registration:
        """Register an order (register.do or registerPreAuth.do); never retried blindly."""
        method = "registerPreAuth.do" if request.two_stage else "register.do"
        body = self._call(method, _register_params(request), self._once)
        order_id, form_url = body.get("orderId"), body.get("formUrl")
        if not isinstance(order_id, str) or not isinstance(form_url, str) or not order_id:
            raise GatewayProtocolError("The payment gateway did not return an order id and page.")
        return Registration(gateway_order_id=order_id, form_url=form_url)

    def status(self, gateway_order_id: str) -> GatewayStatus:
        """Ask getOrderStatusExtended.do what happened to the gateway's order."""
        return self._status({"orderId": gateway_order_id})

    def status_by_order_number(self, order_number: str) -> GatewayStatus:
        """Look an order up by the shop's own number: how an unknown registration is resolved."""
        return self._status({"orderNumber": order_number})

    def _status(self, params: dict[str, str]) -> GatewayStatus:
        body = self._call("getOrderStatusExtended.do", params, self._repeatable)
        return parse_status(body)

    def _call(
        self, method: str, params: dict[str, str], session: requests.Session
    ) -> Mapping[str, object]:
        url = urljoin(self.base_url, method)
        data = {**self._credentials, **params}
        started = time.monotonic()
        response: requests.Response | None = None
        try:
            response = session.post(url, data=data, timeout=self.timeout)
            body = _decode(response)
            code = error_code(body)
            if code != 0:
                message = str(body.get("errorMessage") or body.get("ErrorMessage") or "")
                error = GatewayOrderNotFound if code == ORDER_NOT_FOUND else GatewayRejected
                raise error(message or f"errorCode {code}", code=str(code))
            return body
        except requests.Timeout as exc:
            raise GatewayUnavailable("The payment gateway did not answer in time.") from exc
        except requests.RequestException as exc:
            raise GatewayUnavailable("The payment gateway could not be reached.") from exc
        finally:
            self._report(method, data, response, started)

    def _report(
        self,
        method: str,
        data: dict[str, str],
        response: requests.Response | None,
        started: float,
    ) -> None:
        duration_ms = int((time.monotonic() - started) * 1000)
        status = response.status_code if response is not None else None
        log.info("rbs call method=%s http_status=%s duration_ms=%s", method, status, duration_ms)
        if self.observer is None:
            return
        self.observer(
            Exchange(
                endpoint=method,
                request=mask(data, SECRET_PARAMS),
                response_text=response.text[:4000] if response is not None else "",
                http_status=status,
                duration_ms=duration_ms,
            )
        )


def _register_params(request: RegisterRequest) -> dict[str, str]:
    return {
        "orderNumber": request.order_number,
        "amount": str(request.amount),
        "currency": request.currency,
        "returnUrl": request.return_url,
        "failUrl": request.fail_url,
        "description": request.description,
        "language": request.language,
        "email": request.email,
        "sessionTimeoutSecs": str(request.session_timeout_secs),
    }


def _decode(response: requests.Response) -> Mapping[str, object]:
    """Turn an HTTP answer into the JSON object the API promises, or raise."""
    if response.status_code >= 500:
        raise GatewayUnavailable(
            f"The payment gateway failed (HTTP {response.status_code}).",
            http_status=response.status_code,
        )
    if response.status_code != 200:
        raise GatewayProtocolError(
            f"The payment gateway answered HTTP {response.status_code}.",
            http_status=response.status_code,
        )
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
    return GatewayStatus(
        outcome=outcome_of(order_status, action_code),
        order_number=str(body.get("orderNumber", "")),
        amount=_int(body, "amount"),
        currency=str(body.get("currency", "")),
        gateway_order_id=_md_order(body),
        action_code=str(action_code),
        action_description=str(body.get("actionCodeDescription") or ""),
        masked_pan=str(card.get("maskedPan") or card.get("pan") or ""),
        approved_amount=_int(amounts, "approvedAmount", 0),
        deposited_amount=_int(amounts, "depositedAmount", 0),
        refunded_amount=_int(amounts, "refundedAmount", 0),
        raw=dict(body),
    )
