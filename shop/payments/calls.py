"""One call to a payment's gateway, the same way everywhere: what led to it committed first,
each exchange on the timeline, the gateway's errors turned into the shop's, and everything
the call decided committed once when it is over."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum

from flask_babel import gettext as _

from shop.extensions import db
from shop.models import Payment
from shop.payments import timeline
from shop.payments.errors import PaymentError, PaymentRefused, PaymentUnavailable
from shop.payments.gateways.base import Gateway
from shop.payments.gateways.errors import GatewayBusy, GatewayError, GatewayRejected
from shop.payments.registry import gateway_for
from shop.payments.timeline import EventKind, Step


class Failure(StrEnum):
    """How a gateway call can fail, in the words the timeline uses."""

    REFUSED = "refused by the gateway"  # it answered no: nothing happened there
    BUSY = "not sent: the gateway is busy"  # no slot in the bulkhead: nothing was sent
    UNKNOWN = "outcome unknown"  # no usable answer: it may or may not have happened


def failure_of(error: GatewayError) -> Failure:
    if isinstance(error, GatewayRejected):
        return Failure.REFUSED
    if isinstance(error, GatewayBusy):
        return Failure.BUSY
    return Failure.UNKNOWN


@contextmanager
def gateway_call(
    payment: Payment,
    step: Step,
    what: str,
    *,
    unknown: str = "",
    refused: str = "",
    busy: str = "",
    on_failure: Callable[[Failure], None] | None = None,
    kind: EventKind = EventKind.NOTE,
    asks_only: bool = False,
) -> Iterator[Gateway]:
    """Yield the payment's gateway client for one call (and whatever follows from its answer).

    A GatewayError becomes PaymentRefused (refused) or PaymentUnavailable (busy, unknown),
    with the given buyer-facing text (`%(code)s` and `%(reason)s` filled in) after
    `on_failure` has settled what the failure means and a timeline note says what happened.
    A PaymentError raised inside is a decision: committed too. Anything else rolls back.
    `asks_only`: a call that moves nothing (a status call), whose refusal only means the
    shop cannot tell yet: every failure is then PaymentUnavailable with the `unknown` text.
    """
    db.session.commit()  # what led to this call is kept, whatever the call does
    try:
        yield gateway_for(payment.provider, timeline.exchange_recorder(payment, step))
    except GatewayError as exc:
        failure = Failure.UNKNOWN if asks_only else failure_of(exc)
        if on_failure is not None:
            on_failure(failure)
        timeline.record(payment, kind, step, f"{what}: {failure}: {exc}")
        db.session.commit()
        raise _shop_error(failure, exc, unknown=unknown, refused=refused, busy=busy) from exc
    except PaymentError:
        db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def _shop_error(failure: Failure, exc: GatewayError, **texts: str) -> PaymentError:
    if failure is Failure.REFUSED:
        text = texts["refused"] or _("The gateway refused: %(reason)s (code %(code)s).")
        return PaymentRefused(text % {"code": exc.code, "reason": exc})
    if failure is Failure.BUSY:
        text = texts["busy"] or _("The bank is busy right now; nothing was sent. Try again.")
        return PaymentUnavailable(text)
    return PaymentUnavailable(texts["unknown"] or _("The gateway did not answer. Try again."))
