"""Order state changes: register, pay (a card or a wallet), 3-D Secure, cancel, and expiry
(each one notified).

An order past its deadline expires when it is read (load), and sweep() finds the due orders
nobody reads (an indexed query on status and expires_ms) at the start of every API call and
hosted page hit, and on POST /payment/sandbox/sweep, so that their declinedByTimeout callback
goes out.
"""

from __future__ import annotations

import logging
import secrets
import uuid

from flask import current_app

from shop.sandbox.common.card_form import CardInput, mask_pan, payment_system
from shop.sandbox.common.clock import now_ms
from shop.sandbox.common.db import db
from shop.sandbox.common.i18n import N_
from shop.sandbox.common.wallets import WalletPayment
from shop.sandbox.rbs import callbacks
from shop.sandbox.rbs.issuer import (
    APPROVED,
    CHALLENGE,
    RbsDecision,
    RbsOutcome,
    decide,
    decide_challenge,
)
from shop.sandbox.rbs.models import OPEN_STATUSES, CallbackOperation, GatewayOrder, OrderStatus
from shop.sandbox.rbs.request import RegisterCall
from shop.sandbox.rbs.wire import CARD_PAYMENT_WAY, WALLET_PAYMENT_WAYS, ApiError

log = logging.getLogger(__name__)

BATCH = 100  # expired per sweep at most: a request never waits on a long backlog
TIMEOUT = RbsDecision(RbsOutcome.DECLINE, -2007, N_("Card data entry timeout"))
CANCELLED = RbsDecision(RbsOutcome.DECLINE, 341014, N_("Payment cancelled by the payer"))


def register(request: RegisterCall, two_stage: bool) -> GatewayOrder:
    """Create an order, refusing a merchant order number seen before (errorCode 1)."""
    merchant = current_app.config["SANDBOX_MERCHANT"]
    if find_by_number(request.order_number) is not None:
        raise ApiError("1", "Order with this number was already processed")
    created = now_ms()
    order = GatewayOrder(
        md_order=str(uuid.uuid4()),
        merchant=merchant,
        order_number=request.order_number,
        amount=request.amount,
        currency=request.currency,
        return_url=request.return_url,
        fail_url=request.fail_url,
        callback_url=request.callback_url,
        description=request.description,
        language=request.language,
        email=request.email,
        json_params=request.json_params,
        two_stage=two_stage,
        created_ms=created,
        expires_ms=created + request.session_timeout_secs * 1000,
    )
    db.session.add(order)
    db.session.commit()
    log.info(
        "registered mdOrder=%s orderNumber=%s amount=%s",
        order.md_order,
        order.order_number,
        order.amount,
    )
    return order


def find_by_number(order_number: str) -> GatewayOrder | None:
    """Look an order up by the merchant's own number."""
    merchant = current_app.config["SANDBOX_MERCHANT"]
    query = db.select(GatewayOrder).filter_by(merchant=merchant, order_number=order_number)
    return db.session.execute(query).scalar_one_or_none()


def load(md_order: str, *, for_update: bool = False) -> GatewayOrder | None:
    """Fetch an order by mdOrder, expiring it first if its payment window has passed."""
    order = db.session.get(GatewayOrder, md_order, with_for_update=for_update)
    return expire_if_due(order) if order is not None else None


def expire_if_due(order: GatewayOrder) -> GatewayOrder:
    """Decline an open order read after its deadline (actionCode -2007), and persist it."""
    expire(order)
    return order


def expire(order: GatewayOrder) -> bool:
    """Time out a due open order; True only for the one caller that closed it (one callback)."""
    if not (order.is_open and now_ms() > order.expires_ms):
        return False
    closed = db.session.execute(
        db.update(GatewayOrder)
        .where(GatewayOrder.md_order == order.md_order)
        .where(GatewayOrder.status.in_(sorted(OPEN_STATUSES)))
        .values(
            status=OrderStatus.DECLINED,
            action_code=TIMEOUT.action_code,
            action_description=TIMEOUT.description,
        )
    )
    db.session.commit()
    if closed.rowcount != 1:
        return False
    log.info("expired mdOrder=%s", order.md_order)
    callbacks.notify(order, CallbackOperation.DECLINED_BY_TIMEOUT, True)
    return True


def sweep() -> int:
    """Expire the open orders whose payment window has passed; return how many this call closed."""
    due = (
        db.select(GatewayOrder.md_order)
        .where(GatewayOrder.status.in_(sorted(OPEN_STATUSES)))
        .where(GatewayOrder.expires_ms < now_ms())
        .order_by(GatewayOrder.expires_ms)
        .limit(BATCH)
    )
    closed = 0
    for md_order in list(db.session.execute(due).scalars()):
        order = db.session.get(GatewayOrder, md_order, with_for_update=True)
        closed += order is not None and expire(order)
    return closed


def sweep_before_request() -> None:
    """A before_request hook: sweep, and let the request go on (a hook must return None)."""
    sweep()


def pay(order: GatewayOrder, card: CardInput, payer_ip: str | None) -> GatewayOrder:
    """Apply a card attempt to a CREATED order: approve, decline or start 3-D Secure."""
    if order.status != OrderStatus.CREATED:
        return order
    _take_card(order, card.pan, card.expiration, card.cardholder_name, payer_ip)
    order.payment_way = CARD_PAYMENT_WAY
    return _attempt(order, decide(card.pan, card.cvc))


def pay_with_wallet(
    order: GatewayOrder, payment: WalletPayment, payer_ip: str | None
) -> GatewayOrder:
    """Apply a wallet's test token to a CREATED order: approve, or start 3-D Secure first.

    Nothing is typed: the token stands for the wallet's device card, which the status then
    describes as it would a card, with paymentWay naming the wallet."""
    if order.status != OrderStatus.CREATED:
        return order
    wallet = payment.wallet
    _take_card(order, wallet.dpan, wallet.expiration, "", payer_ip)
    order.payment_way = WALLET_PAYMENT_WAYS[wallet.key]
    return _attempt(order, CHALLENGE if payment.three_ds else APPROVED)


def _take_card(
    order: GatewayOrder, pan: str, expiration: str, name: str, payer_ip: str | None
) -> None:
    """Record who paid and with what card, the number masked."""
    order.payer_ip = (payer_ip or "")[:39] or None
    order.masked_pan = mask_pan(pan)
    order.expiration = expiration
    order.cardholder_name = name
    order.payment_system = payment_system(pan)


def _attempt(order: GatewayOrder, decision: RbsDecision) -> GatewayOrder:
    """Apply the issuer's answer (or open the challenge), persist it, then notify."""
    if decision.outcome is RbsOutcome.CHALLENGE:
        order.status = OrderStatus.ACS_STARTED
    else:
        _apply(order, decision)
    db.session.commit()
    if decision.outcome is not RbsOutcome.CHALLENGE:
        notify_payment(order)
    log.info(
        "payment mdOrder=%s way=%s pan=%s outcome=%s",
        order.md_order,
        order.payment_way,
        order.masked_pan,
        decision.outcome,
    )
    return order


def answer_challenge(order: GatewayOrder, code: str) -> GatewayOrder:
    """Finish a 3-D Secure challenge: the published code approves, any other declines."""
    if order.status == OrderStatus.ACS_STARTED:
        _apply(order, decide_challenge(code))
        db.session.commit()
        notify_payment(order)
    return order


def cancel(order: GatewayOrder) -> GatewayOrder:
    """Decline an open order at the payer's request (actionCode 341014)."""
    if order.is_open:
        _decline(order, CANCELLED)
        db.session.commit()
        notify_payment(order)
    return order


def notify_payment(order: GatewayOrder) -> None:
    """The callback of a payment attempt: approved (a hold), deposited, or deposited/0 (failed)."""
    if order.status == OrderStatus.APPROVED:
        callbacks.notify(order, CallbackOperation.APPROVED, True)
    else:
        callbacks.notify(order, CallbackOperation.DEPOSITED, order.is_paid)


def _apply(order: GatewayOrder, decision: RbsDecision) -> None:
    """Record an issuer answer; a one-stage approval is deposited at once."""
    if decision.outcome is not RbsOutcome.APPROVE:
        _decline(order, decision)
        return
    order.status = OrderStatus.APPROVED if order.two_stage else OrderStatus.DEPOSITED
    order.action_code, order.action_description = 0, ""
    order.approved_amount = order.amount
    order.auth_ms = now_ms()
    order.approval_code = f"{secrets.randbelow(10**6):06d}"
    order.auth_ref_num = f"{secrets.randbelow(10**12):012d}"
    if not order.two_stage:
        order.deposited_amount = order.amount
        order.deposited_ms = order.auth_ms


def _decline(order: GatewayOrder, decision: RbsDecision) -> None:
    """Close the order as DECLINED with the decision's actionCode."""
    order.status = OrderStatus.DECLINED
    order.action_code = decision.action_code
    order.action_description = decision.description
