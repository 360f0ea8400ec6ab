"""--pay: real payments on the hosted page, then capture, refund and reverse, each confirmed
by a status call as the shop confirms its own; and, whatever happened, nothing left paid."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from shop.payments.conformance import flow
from shop.payments.conformance.options import Card
from shop.payments.conformance.runner import Fail, Passed, Run, Skip
from shop.payments.conformance.target import Target
from shop.payments.gateways.base import GatewayStatus, Outcome
from shop.payments.gateways.errors import GatewayError, GatewayRejected

CONFIRM_SECS = 10.0  # a gateway may report an operation as processing for a moment
PAID = {Outcome.AUTHORIZED, Outcome.DEPOSITED}
SETTLED = {Outcome.REVERSED, Outcome.REFUNDED}


@dataclass
class Paid:
    """A paid order and what the run did with its money (as the gateway confirmed it)."""

    order: flow.Registered
    captured: int = 0
    refunded: int = 0
    released: bool = False

    @property
    def left(self) -> int:
        return 0 if self.released else self.captured - self.refunded


class Money:
    """The orders this run paid, so none is left holding money."""

    def __init__(self, run: Run, target: Target, orders: flow.Orders, card: Card, browser) -> None:
        self.run, self.target, self.orders, self.card = run, target, orders, card
        self.browser = browser  # (form_url, card, back) -> the URL the buyer was sent back to
        self.paid: list[Paid] = []

    def pay(self, two_stage: bool) -> Passed:
        order = flow.register(self.target, self.orders, two_stage).value
        started = time.monotonic()
        back = self.browser(order.form_url, self.card, self._back)
        if "/gateway-check/fail" in back:
            raise Fail(f"the gateway sent the buyer to failUrl: {self.card.masked} was declined")
        paid = Paid(order)
        self.paid.append(paid)  # from here on, the clean-up looks after it
        status = self.confirm(paid, "", lambda s: s.outcome in PAID, "paid")
        paid.captured = order.request.amount if status.outcome == Outcome.DEPOSITED else 0
        seconds = time.monotonic() - started
        return Passed(
            f"{self.card.masked} paid order {order.ref.gateway_order_id} in "
            f"{seconds:.1f} s: {status.outcome}",
            paid,
        )

    def _back(self, url: str) -> bool:
        return url.startswith(f"{self.target.public_url}/gateway-check/")

    def paid_status(self, paid: Paid | None) -> Passed:
        paid = _needed(paid)
        status = self.target.client.status(paid.order.ref)
        flow.same_order(status, paid.order)
        return Passed(
            f"{status.outcome}, card {status.masked_pan or '(not said)'}, "
            f"authorized {status.authorized_amount}, captured {status.captured_amount}"
        )

    def capture(self, paid: Paid | None) -> Passed:
        paid = _needed(paid)
        if not paid.order.request.two_stage:
            raise Skip(f"{self.target.provider.upper()}_TWO_STAGE is off: a sale has no hold")
        amount = paid.order.request.amount
        operation = self.target.client.capture(paid.order.ref, amount, paid.order.request.currency)
        answer = self._answer("capture")
        self.confirm(
            paid,
            operation,
            lambda s: s.outcome == Outcome.DEPOSITED and s.captured_amount == amount,
            f"deposited {amount}",
        )
        paid.captured = amount
        return Passed(f"captured {amount}; {answer}")

    def refund(self, paid: Paid | None, part: bool) -> Passed:
        paid = _needed(paid)
        amount = paid.left // 2 if part else paid.left
        if amount <= 0:
            raise Skip("nothing captured to refund")
        total = paid.refunded + amount
        operation = self.target.client.refund(paid.order.ref, amount, paid.order.request.currency)
        answer = self._answer("refund")
        self.confirm(paid, operation, self._refunded(amount, total), f"refunded {total}")
        paid.refunded = total
        return Passed(f"refunded {amount} (of {paid.captured} in all: {total}); {answer}")

    def _refunded(self, amount: int, total: int) -> Callable[[GatewayStatus], bool]:
        if self.target.profile.TOTALS:
            return lambda s: s.refunded_amount == total
        return lambda s: s.outcome == Outcome.REFUNDED and s.operation_amount == amount

    def release(self, paid: Paid | None) -> Passed:
        paid = _needed(paid)
        operation = self.target.client.release(paid.order.ref)
        answer = self._answer("release")
        status = self.confirm(paid, operation, _settled, "reversed")
        paid.released = True
        return Passed(f"{status.outcome}; {answer}")

    def _answer(self, step: str) -> str:
        """The operation's reply, its shape checked (errorCode's form is the dialect's)."""
        name = self.target.name(step)
        shape = self.target.profile.operation_shape(self.run.last_exchange(name))
        return f"{name} answered {shape}"

    def confirm(self, paid: Paid, operation: str, accept, want: str) -> GatewayStatus:
        """Ask the status until it shows the operation done (a failed one fails at once)."""
        deadline = time.monotonic() + CONFIRM_SECS
        while True:
            status = self.target.client.status(paid.order.ref, operation)
            if accept(status):
                return status
            if status.operation_failed or status.outcome in {Outcome.DECLINED, Outcome.EXPIRED}:
                raise Fail(f"the status says {status.outcome} (expected {want})")
            if time.monotonic() > deadline:
                raise Fail(
                    f"after {CONFIRM_SECS:g} s the status still says {status.outcome} "
                    f"(expected {want})"
                )
            time.sleep(0.5)

    def leave_nothing_paid(self) -> Passed:
        """Reverse or refund whatever a failed check left paid; say what stays, if anything."""
        if not self.paid:
            raise Skip("nothing was paid")
        done, left = [], []
        for paid in self.paid:
            try:
                done += self._settle(paid)
            except (GatewayError, Fail) as exc:
                left.append(
                    f"{paid.order.ref.order_number} ({paid.order.ref.gateway_order_id}): {exc}"
                )
        if left:
            raise Fail("STILL PAID, reverse or refund by hand: " + "; ".join(left))
        return Passed(
            f"{len(self.paid)} paid order(s), none left holding money"
            + (f" ({', '.join(done)})" if done else "")
        )

    def _settle(self, paid: Paid) -> list[str]:
        status = self.target.client.status(paid.order.ref)
        client, ref = self.target.client, paid.order.ref
        if self.target.profile.TOTALS:
            paid.captured = status.captured_amount or 0
            paid.refunded = status.refunded_amount or 0
        if status.outcome == Outcome.AUTHORIZED and not paid.released:
            self.confirm(paid, client.release(ref), _settled, "released")
            paid.released = True
            return [f"released the hold of {ref.order_number}"]
        if (status.outcome in SETTLED and paid.left <= 0) or paid.released:
            return []
        if status.outcome not in PAID | SETTLED:
            return []  # never paid after all (declined, expired, still waiting)
        amount, total = paid.left, paid.captured
        if paid.refunded == 0 and self._reversed(paid):
            return [f"reversed {ref.order_number}"]
        operation = client.refund(ref, amount, paid.order.request.currency)
        self.confirm(paid, operation, self._refunded(amount, total), f"refunded {total}")
        paid.released = True
        return [f"refunded {amount} of {ref.order_number}"]

    def _reversed(self, paid: Paid) -> bool:
        """Reverse an untouched payment; some gateways allow it only for a while: then refund."""
        try:
            operation = self.target.client.release(paid.order.ref)
        except GatewayRejected:
            return False
        self.confirm(paid, operation, _settled, "reversed")
        paid.released = True
        return True


def _settled(status: GatewayStatus) -> bool:
    return status.outcome in SETTLED and not status.operation_failed


def _needed(paid: Paid | None) -> Paid:
    if paid is None:
        raise Skip("no paid order: the payment step did not pass")
    return paid
