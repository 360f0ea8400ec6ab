"""Client of the PaynetEasy payment form API v2: sale-form / preauth-form, status, SHA-1 controls.

Requests go to <base>/<command>/<ENDPOINTID> (or /group/<GROUPID>), form-encoded; answers are
`key=value\\n&key=value\\n...`. Amounts travel in major units ("10.42") but are signed in minor
units (1042): both are derived from integers here, never through a float.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

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
from shop.payments.gateways.masking import form_redactor
from shop.payments.gateways.transport import UNWIRED, Transport, Wiring

# A control is a hash, not the key: it stays visible where replaying it moves no money
# (sale-form, status), and is masked on capture and return, where a replay would.
MONEY_SIGNATURES = frozenset({"control"})
# What requests and answers say about the payer, kept out of the event log.
PAYER_FIELDS = frozenset(
    {
        "ipaddress",
        "phone",
        "cardholder-name",
        "card-holder-name",
        "card-exp-month",
        "card-exp-year",
        "approval-code",
    }
)
_FAILED = {"declined", "filtered", "error"}
_WAITING = {"processing", "unknown"}
# (transaction-type, status) -> outcome; a failed capture or return leaves the money where it was.
_APPROVED = {
    "sale": Outcome.DEPOSITED,
    "preauth": Outcome.AUTHORIZED,
    "capture": Outcome.DEPOSITED,
    "cancel": Outcome.REVERSED,
    "reversal": Outcome.REFUNDED,
}
_FAILED_FOLLOW_UP = {
    "capture": Outcome.AUTHORIZED,
    "cancel": Outcome.AUTHORIZED,
    "reversal": Outcome.DEPOSITED,
}


# How the payer paid. payneteasy.md names no wallet field: card-type is the card's scheme
# (VISA) whatever carried the card, so a wallet is read from the closest field a real
# status-response was seen to carry, ips-src-payment-type-code (section 4, [OBS] LONA). Its
# values are not documented; these are the embedded sandbox's, matched like RBS paymentWay
# families (the name alone or with a suffix).
_PAYMENT_TYPE_FAMILIES = {
    "CARD": PaidWith.CARD,
    "APPLE_PAY": PaidWith.APPLE_PAY,
    "GOOGLE_PAY": PaidWith.GOOGLE_PAY,
    "SAMSUNG_PAY": PaidWith.SAMSUNG_PAY,
}


def sha1_hex(*parts: str) -> str:
    """Lower-case SHA-1 of the UTF-8 concatenation, as every PaynetEasy control is built."""
    # SHA-1 is the protocol's choice, not ours; the secret key is part of the hashed text.
    return hashlib.sha1("".join(parts).encode()).hexdigest()  # noqa: S324


def form_control(
    signing_id: str, client_orderid: str, amount_minor: int, email: str, key: str
) -> str:
    """sale-form / preauth-form: endpoint (or group) id + client_orderid + minor amount + email."""
    return sha1_hex(signing_id, client_orderid, str(amount_minor), email, key)


def status_control(login: str, client_orderid: str, orderid: str, key: str) -> str:
    """status: login + client_orderid + orderid."""
    return sha1_hex(login, client_orderid, orderid, key)


def operation_control(
    login: str, client_orderid: str, orderid: str, amount_minor: int | None, currency: str, key: str
) -> str:
    """capture / return: amount and currency are signed only when an amount is sent."""
    money = (str(amount_minor), currency) if amount_minor is not None else ()
    return sha1_hex(login, client_orderid, orderid, *money, key)


def redirect_control(status: str, orderid: str, client_orderid: str, key: str) -> str:
    """Final redirect and server callback: status + orderid + client_orderid."""
    return sha1_hex(status, orderid, client_orderid, key)


def major_units(amount_minor: int) -> str:
    """1042 -> '10.42' with integer arithmetic (PaynetEasy amounts always have two decimals)."""
    if amount_minor < 0:
        raise ValueError("amounts are never negative")
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"


def minor_units(text: str) -> int:
    """'10.42' -> 1042, refusing anything that is not a whole number of cents."""
    try:
        cents = Decimal(text.strip()) * 100
    except InvalidOperation as exc:
        raise GatewayProtocolError(f"Unreadable amount {text!r} from the gateway.") from exc
    if cents != cents.to_integral_value() or cents < 0:
        raise GatewayProtocolError(f"Unreadable amount {text!r} from the gateway.")
    return int(cents)


def parse_body(text: str) -> dict[str, str]:
    """Decode `key=value\\n&...`; every value is trimmed (each carries a trailing newline)."""
    return {key.strip(): value.strip() for key, value in parse_qsl(text, keep_blank_values=True)}


def _matches(received: str, expected: str) -> bool:
    return hmac.compare_digest(received.strip().lower().encode(), expected.encode())


def _same(received: str, expected: str) -> bool:
    """Ids from the browser are compared like signatures: in constant time."""
    return hmac.compare_digest(received.encode(), expected.encode())


class PaynetEasyClient:
    """One merchant endpoint (or endpoint group) of one PaynetEasy gateway."""

    name = "payneteasy"

    def __init__(
        self,
        base_url: str,
        *,
        endpoint_id: str,
        login: str,
        control_key: str,
        group_id: str = "",
        wiring: Wiring = UNWIRED,
        callbacks: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # Callbacks are signed with the control key, so they can always be verified.
        self.wants_callbacks = callbacks
        self.endpoint_id = endpoint_id
        self.group_id = group_id
        self.login = login
        self._key = control_key
        self._http = Transport("payneteasy", PAYER_FIELDS, wiring, form_redactor(PAYER_FIELDS))

    @property
    def _signing_id(self) -> str:
        return self.group_id or self.endpoint_id

    def _url(self, command: str) -> str:
        target = f"group/{self.group_id}" if self.group_id else self.endpoint_id
        return f"{self.base_url}/{command}/{target}"

    def register(self, request: RegisterRequest) -> Registration:
        """sale-form (or preauth-form for a hold): the gateway answers with its form's address."""
        command = "preauth-form" if request.two_stage else "sale-form"
        body = self._call(command, _form_params(request, self._signing_id, self._key), False)
        order_id, form_url = body.get("paynet-order-id", ""), body.get("redirect-url", "")
        if body.get("type") != "async-form-response" or not order_id or not form_url:
            raise GatewayProtocolError("The payment gateway did not return an order and a form.")
        return Registration(gateway_order_id=order_id, form_url=form_url)

    def status(self, ref: PaymentRef, operation_ref: str = "") -> GatewayStatus:
        """status by orderid and client_orderid (client_orderid alone while orderid is unknown).

        It describes the order's latest transaction, or with operation_ref (by-request-sn,
        the serial number of our capture or return request) that very one."""
        orderid = ref.gateway_order_id or ""
        data = {"login": self.login, "client_orderid": ref.order_number}
        if orderid:
            data["orderid"] = orderid
        if operation_ref:
            data["by-request-sn"] = operation_ref  # not signed: control covers the order
        data["control"] = status_control(self.login, ref.order_number, orderid, self._key)
        # With no orderid, type=error means the gateway has no such client_orderid.
        body = self._call("status", data, True, error_means_missing=not orderid)
        if body.get("type") != "status-response":
            raise GatewayProtocolError("The payment gateway sent an unexpected status answer.")
        return parse_status(body)

    def capture(self, ref: PaymentRef, amount: int, currency: Currency) -> str:
        """capture of an approved preauth, with the amount always stated."""
        return self._operation("capture", ref, amount, currency.alpha)

    def release(self, ref: PaymentRef) -> str:
        """return without an amount: a cancel for a preauth, a full reversal for a sale."""
        return self._operation("return", ref, None, "")

    def refund(self, ref: PaymentRef, amount: int, currency: Currency) -> str:
        """return with an amount: a (partial) reversal; returns add up at the gateway."""
        return self._operation("return", ref, amount, currency.alpha)

    def _operation(self, command: str, ref: PaymentRef, amount: int | None, currency: str) -> str:
        """Send capture or return; the answer's serial-number names it for status later."""
        orderid = ref.gateway_order_id or ""
        data = {"login": self.login, "client_orderid": ref.order_number, "orderid": orderid}
        if amount is not None:
            data.update(amount=major_units(amount), currency=currency)
        if command == "return":
            data["comment"] = "refund requested by shop staff"
        data["control"] = operation_control(
            self.login, ref.order_number, orderid, amount, currency, self._key
        )
        body = self._call(command, data, False, MONEY_SIGNATURES)
        if body.get("type") != "async-response":
            raise GatewayProtocolError(f"The payment gateway did not accept the {command}.")
        return body.get("serial-number", "")

    def read_return(self, params: Mapping[str, str], ref: PaymentRef) -> bool:
        """The final redirect must be signed and name this very payment."""
        names_it = _same(params.get("client_orderid", ""), ref.order_number) and _same(
            params.get("orderid", ""), ref.gateway_order_id or ""
        )
        return bool(ref.gateway_order_id) and names_it and self._is_signed(params)

    def read_callback(self, params: Mapping[str, str]) -> Notice | None:
        """Callbacks name the payment by client_orderid (ours) and orderid (theirs), and are
        signed as the final redirect is."""
        number = params.get("client_orderid") or params.get("merchant_order") or ""
        if not number:
            return None
        said = f"status={params['status']}" if "status" in params else ""
        return Notice(
            PaymentRef(number, params.get("orderid") or None), self._is_signed(params), said
        )

    def _is_signed(self, params: Mapping[str, str]) -> bool:
        """control = SHA-1(status + orderid + client_orderid + key), compared in constant time."""
        received = params.get("control", "")
        if not received or not self._key:
            return False
        fields = (params.get(name, "") for name in ("status", "orderid", "client_orderid"))
        return _matches(received, redirect_control(*fields, self._key))

    def _call(
        self,
        command: str,
        data: dict[str, str],
        repeatable: bool,
        hidden: frozenset[str] = frozenset(),
        *,
        error_means_missing: bool = False,
    ) -> dict[str, str]:
        response = self._http.post(
            self._url(command), command, data, repeatable=repeatable, also_hidden=hidden
        )
        body = parse_body(response.text)
        kind = body.get("type", "")
        if kind in {"validation-error", "error"}:
            message = body.get("error-message") or kind
            # A validation-error is a refused request (a wrong login or control): never
            # proof that an order does not exist, whatever its error-code.
            missing = error_means_missing and kind == "error"
            error = GatewayOrderNotFound if missing else GatewayRejected
            raise error(message, code=body.get("error-code") or kind)
        if not kind:
            raise GatewayProtocolError("The payment gateway sent an unreadable answer.")
        return body


def _form_params(request: RegisterRequest, signing_id: str, key: str) -> dict[str, str]:
    first, _, last = request.payer.name.strip().partition(" ")
    params = {
        "client_orderid": request.order_number,
        "order_desc": request.description,
        "amount": major_units(request.amount),
        "currency": request.currency.alpha,
        "email": request.payer.email,
        "first_name": first,
        "last_name": last,
        "ipaddress": request.payer.ip or "127.0.0.1",
        "redirect_url": request.return_url,
        "redirect_success_url": request.return_url,
        "redirect_fail_url": request.fail_url,
        "preferred_language": request.language,
        "control": form_control(
            signing_id, request.order_number, request.amount, request.payer.email, key
        ),
    }
    if request.callback_url:
        params["server_callback_url"] = request.callback_url
    return params


def outcome_of(transaction_type: str, status: str) -> Outcome:
    """Map the latest transaction's type and status to the shop's outcome."""
    if status in _WAITING:
        return Outcome.PROCESSING
    if status == "approved" and transaction_type in _APPROVED:
        return _APPROVED[transaction_type]
    if status in _FAILED:
        return _FAILED_FOLLOW_UP.get(transaction_type, Outcome.DECLINED)
    raise GatewayProtocolError(f"Unknown status {transaction_type}/{status} from the gateway.")


def _totals(transaction_type: str, approved: bool, amount: int) -> dict[str, int | None]:
    """What one transaction's status says about the running totals (returns only a delta)."""
    if not approved:
        return {}
    if transaction_type == "sale":
        return {"authorized_amount": amount, "captured_amount": amount}
    if transaction_type == "preauth":
        return {"authorized_amount": amount, "captured_amount": 0}
    if transaction_type == "capture":
        return {"captured_amount": amount}
    return {}


def paid_with(body: Mapping[str, str]) -> str:
    """The wallet the status names; without one, a card-type means a card; else "" (unsaid)."""
    code = body.get("ips-src-payment-type-code", "").strip().upper()
    if not code:
        return PaidWith.CARD if body.get("card-type", "").strip() else ""
    for family, neutral in _PAYMENT_TYPE_FAMILIES.items():
        if code == family or code.startswith(family + "_"):
            return neutral
    return ""


def parse_status(body: Mapping[str, str]) -> GatewayStatus:
    """Normalize a status-response. It describes the latest transaction on the order, so its
    amount is the order's amount only for the first one (sale or preauth)."""
    transaction_type = body.get("transaction-type") or "sale"
    status = body.get("status", "")
    outcome = outcome_of(transaction_type, status)
    amount_text = body.get("amount", "")
    if not amount_text:
        raise GatewayProtocolError("The gateway's status lacks an amount.")
    amount = minor_units(amount_text)
    first = transaction_type in {"sale", "preauth"}
    last_four = body.get("last-four-digits", "")
    return GatewayStatus(
        outcome=outcome,
        order_number=body.get("merchant-order-id", ""),
        amount=amount if first else None,
        currency=body.get("currency", "") if first else "",
        operation_amount=None if first else amount,
        **_totals(transaction_type, status == "approved", amount),
        operation_ref=body.get("by-request-sn", ""),
        operation_failed=not first and status in _FAILED,
        gateway_order_id=body.get("paynet-order-id", ""),
        action_code=body.get("error-code", ""),
        action_description=body.get("error-message", ""),
        masked_pan=f"{body.get('bin', '')}******{last_four}" if last_four else "",
        paid_with=paid_with(body),
    )


def _connect(api_url: str, settings: Mapping[str, object], wiring: Wiring) -> PaynetEasyClient:
    return PaynetEasyClient(
        api_url,
        endpoint_id=str(settings["ENDPOINT_ID"]),
        group_id=str(settings["ENDPOINT_GROUP_ID"] or ""),
        login=str(settings["LOGIN"]),
        control_key=str(settings["CONTROL_KEY"]),
        callbacks=bool(settings["CALLBACKS"]),
        wiring=wiring,
    )


PROVIDER = Provider(
    key="payneteasy",
    label=N_("Bank card (PaynetEasy)"),
    settings={
        "ENDPOINT_ID": "",
        "ENDPOINT_GROUP_ID": "",  # sign and send by endpoint group instead, when set
        "LOGIN": "",
        "CONTROL_KEY": "",  # merchant control key: signs requests, verifies redirects/callbacks
        "TWO_STAGE": False,  # preauth-form (a hold) instead of sale-form
        "CALLBACKS": True,  # ask for server callbacks (server_callback_url)
        "PAYMENT_PAGE_ORIGINS": "",  # hosted forms on other hosts than the API's
    },
    connect=_connect,
    secrets=frozenset({"CONTROL_KEY"}),
    sandbox_path="/paynet/api/v2/",
)
