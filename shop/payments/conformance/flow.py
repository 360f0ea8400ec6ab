"""The checks that need no payment, in the order gateway-check runs them; each returns Passed
(with what the next check needs) or raises Fail or Skip, through runner.Run.check."""

from __future__ import annotations

from dataclasses import dataclass, field

from shop.payments.conformance.runner import Fail, Passed, Run, expect
from shop.payments.conformance.target import Target, new_number
from shop.payments.gateways.base import (
    Currency,
    GatewayStatus,
    Outcome,
    PaymentRef,
    RegisterRequest,
)
from shop.payments.gateways.errors import (
    GatewayOrderNotFound,
    GatewayRejected,
    GatewayUnavailable,
)
from shop.payments.registry import origin_of

# Legacy RBS test stands report roubles as 810 (rbs.md 7); the shop reads it as 643.
_SAME_CURRENCY = {"810": "643"}


@dataclass
class Registered:
    """An order the run registered: how to find it, and what was asked."""

    ref: PaymentRef
    request: RegisterRequest
    form_url: str


@dataclass
class Orders:
    """Every order number the run registered (callbacks are matched on them)."""

    numbers: list[str] = field(default_factory=list)


def credentials(run: Run, target: Target) -> Passed:
    """The API user is let in: a status call for a number nobody registered is answered
    "no such order", not "access denied"."""
    try:
        target.client.status(PaymentRef(new_number()))
    except GatewayOrderNotFound as exc:
        return Passed(
            f"{target.name('status')} of an unknown order number: not found "
            f"({exc.code}), so the credentials were accepted"
        )
    except GatewayUnavailable as exc:
        run.unreachable = f"the gateway at {target.api_url} cannot be reached"
        raise Fail(f"{exc} {target.unreachable_hint}".strip()) from exc
    except GatewayRejected as exc:
        raise Fail(target.profile.refused(exc, run.last_exchange())) from exc
    raise Fail("an order number nobody registered was reported as an order")


def register(target: Target, orders: Orders, two_stage: bool) -> Passed:
    """The order is registered; its payment page is where the shop may send a buyer."""
    request = target.order(two_stage)
    orders.numbers.append(request.order_number)
    registration = target.client.register(request)
    origin = origin_of(registration.form_url)
    expect(
        origin in target.page_origins,
        f"the payment page {registration.form_url} is not on {sorted(target.page_origins)}: "
        f"the shop would refuse to send a buyer there (add {origin} to "
        f"{target.provider.upper()}_PAYMENT_PAGE_ORIGINS)",
    )
    ref = PaymentRef(request.order_number, registration.gateway_order_id)
    return Passed(
        f"order {ref.gateway_order_id} (number {ref.order_number}), payment page on {origin}",
        Registered(ref, request, registration.form_url),
    )


def same_currency(reported: str, sent: Currency) -> bool:
    code = _SAME_CURRENCY.get(reported, reported)
    return code in {sent.alpha, sent.numeric}


def same_order(status: GatewayStatus, order: Registered) -> None:
    """What the shop compares before it believes a status (else: needs review)."""
    request, ref = order.request, order.ref
    expect(
        status.amount == request.amount,
        f"amount {status.amount}, registered {request.amount}: the shop would hold the "
        "payment for review",
    )
    expect(
        same_currency(status.currency, request.currency),
        f"currency {status.currency!r}, registered {request.currency.numeric}",
    )
    expect(
        status.order_number in {"", request.order_number},
        f"order number {status.order_number!r}, registered {request.order_number!r}",
    )
    expect(
        status.gateway_order_id in {"", ref.gateway_order_id},
        f"names order {status.gateway_order_id}, registered as {ref.gateway_order_id}",
    )


def unpaid_status(target: Target, order: Registered) -> Passed:
    status = target.client.status(order.ref)
    expect(
        status.outcome in {Outcome.CREATED, Outcome.PROCESSING},
        f"{status.outcome} for an order nobody paid (expected: created)",
    )
    same_order(status, order)
    return Passed(
        f"{status.outcome}, amount {status.amount} {status.currency}, "
        f"number {status.order_number or '(not said)'}"
    )


def status_by_number(target: Target, order: Registered) -> Passed:
    """What the shop asks when register's answer was lost: by its own number alone."""
    status = target.client.status(PaymentRef(order.ref.order_number))
    expect(
        bool(status.gateway_order_id),
        "the answer does not name the gateway's order id: after a lost register answer "
        "the shop could not adopt the order",
    )
    same_order(status, order)
    return Passed(f"found order {status.gateway_order_id} by number {order.ref.order_number}")


def unknown_order(run: Run, target: Target) -> Passed:
    ref = PaymentRef(new_number(), target.profile.made_up_id())
    try:
        target.client.status(ref)
    except GatewayRejected as exc:
        return Passed(target.profile.unknown_order(exc, run.last_exchange()))
    raise Fail(f"a made-up order id ({ref.gateway_order_id}) was reported as an order")


def wrong_credentials(run: Run, target: Target) -> Passed:
    spoiled = f"{target.provider.upper()}_{target.profile.CREDENTIAL}"
    try:
        target.wrong_client.status(PaymentRef(new_number()))
    except GatewayOrderNotFound as exc:
        raise Fail(
            f"with a wrong {spoiled} the gateway answered 'no such order': it let "
            "the wrong credentials in"
        ) from exc
    except GatewayRejected as exc:
        return Passed(
            f"a wrong {spoiled}: " + target.profile.wrong_credentials(exc, run.last_exchange())
        )
    raise Fail(f"with a wrong {spoiled} the gateway answered a status")


def shape(run: Run, target: Target, step: str, of: str, paid: bool = False) -> Passed:
    """The exact reply `of` that check got from the step's call: the fields the shop reads,
    with their types (it runs on a failed check's reply too: that is where it says most)."""
    exchange = run.answer_of(of, target.name(step))
    if step in {"register", "preauth"}:
        return Passed(target.profile.register_shape(exchange))
    return Passed(target.profile.status_shape(exchange, paid))
