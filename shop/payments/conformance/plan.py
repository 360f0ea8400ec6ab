"""The order of gateway-check's checks, one line each in the report."""

from __future__ import annotations

import time

from shop.payments.conformance import flow
from shop.payments.conformance.listener import Listener
from shop.payments.conformance.money import Money
from shop.payments.conformance.options import Card, Options
from shop.payments.conformance.runner import Fail, Passed, Run, Skip
from shop.payments.conformance.target import Target

UNPAID = "status of an unpaid order"
PAID = "status after payment"


def run_checks(
    run: Run, target: Target, options: Options, card: Card | None, listener: Listener, browser
) -> None:
    orders = flow.Orders()
    name, profile = target.name, target.profile
    run.check("credentials accepted", lambda: flow.credentials(run, target))
    sale = run.check(name("register"), lambda: flow.register(target, orders, two_stage=False))
    run.check(
        f"reply shape: {name('register')}",
        lambda: flow.shape(run, target, "register", of=name("register")),
    )
    run.check(name("preauth"), lambda: _preauth(target, orders))
    run.check(UNPAID, lambda: flow.unpaid_status(target, _needed(sale)))
    run.check(f"reply shape: {name('status')}", lambda: flow.shape(run, target, "status", UNPAID))
    run.check("status by order number", lambda: flow.status_by_number(target, _needed(sale)))
    run.check("an unknown order", lambda: flow.unknown_order(run, target))
    run.check("wrong credentials refused", lambda: flow.wrong_credentials(run, target))
    run.check(
        "callback checksum: documented vector",
        lambda: Passed(profile.callback_vector(target.api_url, dict(target.settings))),
        offline=True,
    )
    if options.pay and card is not None:
        _pay_checks(run, target, orders, card, browser)
    else:
        run.check("payment steps", lambda: _skip("run with --pay (and GATEWAY_CHECK_CARD)"))
    run.check(
        "callback checksum: a real callback",
        lambda: real_callbacks(target, listener, orders, options),
    )
    run.check("dialect", lambda: Passed(profile.dialect(run.recorder.exchanges)))


def _pay_checks(run: Run, target: Target, orders: flow.Orders, card: Card, browser) -> None:
    money = Money(run, target, orders, card, browser)
    name = target.name
    try:
        first = run.check("pay on the hosted page", lambda: money.pay(target.two_stage))
        run.check(PAID, lambda: money.paid_status(first))
        run.check(
            f"reply shape: {name('status')} (paid)",
            lambda: flow.shape(run, target, "status", PAID, paid=True),
        )
        run.check(f"capture ({name('capture')})", lambda: money.capture(first))
        run.check(f"refund ({name('refund')}, part)", lambda: money.refund(first, part=True))
        run.check(f"refund ({name('refund')}, the rest)", lambda: money.refund(first, part=False))
        second = run.check("pay again, to reverse", lambda: money.pay(target.two_stage))
        run.check(f"reverse ({name('release')})", lambda: money.release(second))
    finally:
        run.check("nothing left paid", money.leave_nothing_paid)


def _preauth(target: Target, orders: flow.Orders) -> Passed:
    if not target.two_stage:
        raise Skip(f"{target.provider.upper()}_TWO_STAGE is off: the shop never sends it")
    return flow.register(target, orders, two_stage=True)


def _needed(registered: object) -> flow.Registered:
    if registered is None:
        raise Skip("no order: registration did not pass")
    return registered


def _skip(reason: str) -> Passed:
    raise Skip(reason)


def real_callbacks(
    target: Target, listener: Listener, orders: flow.Orders, options: Options
) -> Passed:
    """Callbacks that arrived at SHOP_PUBLIC_URL for this run's orders, each verified."""
    if not target.callback_url:
        prefix = target.provider.upper()
        raise Skip(f"the shop asks for no callbacks ({prefix}_CALLBACK_KEY empty, or turned off)")
    if not listener.listening:
        raise Skip(listener.reason)
    ours = _wait_for_ours(target, listener, orders, options.callback_wait)
    if not ours:
        hint = "" if options.pay else " (gateways send them after a payment: try --pay)"
        raise Skip(
            f"none arrived at {target.callback_url} within {options.callback_wait:g} s{hint}"
        )
    forged = [params for params in ours if not target.client.read_callback(params).genuine]
    if forged:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(forged[0].items()))
        raise Fail(
            f"{len(forged)} of {len(ours)} callbacks do not verify with "
            f"{target.provider.upper()}_CALLBACK_KEY: {shown}"
        )
    return Passed(
        f"{len(ours)} callback(s) verified: "
        + "; ".join(target.client.read_callback(p).summary for p in ours)
    )


def _wait_for_ours(target, listener, orders, seconds: float) -> list[dict[str, str]]:
    def ours() -> list[dict[str, str]]:
        found = []
        for params in listener.callbacks(target.provider):
            notice = target.client.read_callback(params)
            if notice is not None and notice.ref.order_number in orders.numbers:
                found.append(params)
        return found

    deadline = time.monotonic() + seconds
    while not ours() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3 if ours() else 0)  # the callbacks of one payment come close together
    return ours()
