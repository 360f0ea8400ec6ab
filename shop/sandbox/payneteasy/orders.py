"""Order state changes of the payment form: create, card or wallet attempt, 3-D Secure, cancel,
finalize; and every transaction of an order, by the serial number of the request that made it.

The order row keeps the latest transaction's details (what status, callbacks and the final
redirect report) and the running amounts that guard capture and return; the transaction rows
keep each transaction, so that status by-request-sn and the sandbox's totals can name any.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy.exc import IntegrityError

from shop.sandbox.common.card_form import CardInput, payment_system
from shop.sandbox.common.clock import now_s
from shop.sandbox.common.db import db
from shop.sandbox.common.wallets import WalletPayment
from shop.sandbox.payneteasy import callbacks
from shop.sandbox.payneteasy.issuer import APPROVED, THREE_DS, PaynetDecision, PaynetOutcome
from shop.sandbox.payneteasy.models import (
    PaynetOrder,
    PaynetStatus,
    PaynetTransaction,
    TxType,
    stage_of,
)
from shop.sandbox.payneteasy.request import FormRequest
from shop.sandbox.payneteasy.wire import (
    CARD_PAYMENT_TYPE,
    DUPLICATE_ORDER,
    WALLET_PAYMENT_TYPES,
    serial_number,
    validation_error,
)

log = logging.getLogger(__name__)

# 18 random digits: a guessable id would let anyone finalize another buyer's order.
ID_FLOOR, ID_CEILING = 10**17, 10**18
STAGE_3DS = "3d_validating"


def find(paynet_id: int) -> PaynetOrder | None:
    """Fetch an order by the gateway's id (at most 18 digits: a longer one overflows the column)."""
    if not 0 < paynet_id < ID_CEILING:
        return None
    return db.session.get(PaynetOrder, paynet_id)


def find_by_client_orderid(client_orderid: str) -> PaynetOrder | None:
    """Fetch an order by the merchant's id (unique in this sandbox)."""
    query = db.select(PaynetOrder).filter_by(client_orderid=client_orderid)
    return db.session.execute(query).scalar_one_or_none()


def find_by_token(token: str) -> PaynetOrder | None:
    """Fetch the order behind a hosted form URL."""
    query = db.select(PaynetOrder).filter_by(form_token=token)
    return db.session.execute(query).scalar_one_or_none()


def create(request: FormRequest, endpoint: str, tx_type: TxType) -> PaynetOrder:
    """Store a new order in processing/*_init with its sale or preauth transaction; a
    client_orderid seen before is refused."""
    for _ in range(3):
        if find_by_client_orderid(request.client_orderid) is not None:
            break
        order = _new_order(request, endpoint, tx_type)
        db.session.add(order)
        add_transaction(order, tx_type, request.amount, PaynetStatus.PROCESSING)
        try:
            db.session.commit()
        except IntegrityError:  # the id was taken, or a concurrent request took the client_orderid
            db.session.rollback()
            continue
        log.info("form order %s client_orderid=%s", order.paynet_id, order.client_orderid)
        return order
    raise validation_error("Duplicate client_orderid for this endpoint", DUPLICATE_ORDER)


def _new_order(request: FormRequest, endpoint: str, tx_type: TxType) -> PaynetOrder:
    """Build the row of a new order with a fresh random gateway id."""
    return PaynetOrder(
        paynet_id=ID_FLOOR + secrets.randbelow(ID_CEILING - ID_FLOOR),
        endpoint=endpoint,
        client_orderid=request.client_orderid,
        form_token=secrets.token_urlsafe(24),
        initial_type=tx_type,
        amount=request.amount,
        currency=request.currency,
        email=request.email,
        description=request.description,
        phone=request.phone,
        ipaddress=request.ipaddress,
        merchant_data=request.merchant_data,
        redirect_url=request.redirect_url,
        redirect_success_url=request.redirect_success_url,
        redirect_fail_url=request.redirect_fail_url,
        server_callback_url=request.server_callback_url,
        notify_url=request.notify_url,
        language=request.preferred_language,
        created_at=now_s(),
        last_type=tx_type,
        status=PaynetStatus.PROCESSING,
        stage=stage_of(tx_type, "init"),
        tx_amount=request.amount,
    )


def awaits_card(order: PaynetOrder) -> bool:
    """Tell whether the hosted form still takes a card."""
    return order.status == PaynetStatus.PROCESSING and order.stage.endswith("_init")


def awaits_3ds(order: PaynetOrder) -> bool:
    """Tell whether the payer is on the 3-D Secure page."""
    return order.status == PaynetStatus.PROCESSING and order.stage.endswith(STAGE_3DS)


def pay(order: PaynetOrder, card: CardInput, decision: PaynetDecision) -> None:
    """Record the masked card and the acquirer's answer on an order awaiting a card."""
    if not awaits_card(order):
        return
    _take_card(order, card.pan, card.expiration, card.cardholder_name)
    order.payment_type = CARD_PAYMENT_TYPE
    _attempt(order, decision)


def pay_with_wallet(order: PaynetOrder, payment: WalletPayment) -> None:
    """Record a wallet's test token on an order awaiting a card: approved, or the 3-D Secure
    page first. The status describes the wallet's device card and names the wallet."""
    if not awaits_card(order):
        return
    wallet = payment.wallet
    _take_card(order, wallet.dpan, wallet.expiration, "")
    order.payment_type = WALLET_PAYMENT_TYPES[wallet.key]
    _attempt(order, THREE_DS if payment.three_ds else APPROVED)


def _take_card(order: PaynetOrder, pan: str, expiration: str, name: str) -> None:
    """Keep the card's bin, last four digits, scheme, holder and expiry: never the number."""
    order.bin, order.last_four = pan[:6], pan[-4:]
    order.card_type = payment_system(pan)
    order.cardholder_name = name
    order.exp_year, order.exp_month = expiration[:4], expiration[4:]


def _attempt(order: PaynetOrder, decision: PaynetDecision) -> None:
    """Open the 3-D Secure step, or conclude the order with the acquirer's answer."""
    log.info(
        "payment order=%s type=%s bin=%s last4=%s outcome=%s",
        order.paynet_id,
        order.payment_type,
        order.bin,
        order.last_four,
        decision.outcome,
    )
    if decision.outcome is PaynetOutcome.THREE_DS:
        order.stage = stage_of(TxType(order.initial_type), STAGE_3DS)
        db.session.commit()
        return
    conclude(order, decision)


def answer_3ds(order: PaynetOrder, decision: PaynetDecision) -> None:
    """Close the 3-D Secure step with the acquirer's answer."""
    if awaits_3ds(order):
        conclude(order, decision)


def cancel(order: PaynetOrder, decision: PaynetDecision) -> None:
    """Decline an order the payer gave up on, on the form or the 3-D Secure page."""
    if awaits_card(order) or awaits_3ds(order):
        conclude(order, decision)


def finalize(order: PaynetOrder, decision: PaynetDecision) -> bool:
    """Turn an order stuck in unknown final (sandbox control); False if it was not unknown."""
    if order.status != PaynetStatus.UNKNOWN:
        return False
    conclude(order, decision)
    return True


def conclude(order: PaynetOrder, decision: PaynetDecision) -> None:
    """Apply the initial transaction's result, persist it, then send its callback."""
    tx_type = TxType(order.initial_type)
    if decision.outcome is PaynetOutcome.APPROVE:
        order.status, order.approved_amount = PaynetStatus.APPROVED, order.amount
        order.error_message, order.error_code = "", ""
    elif decision.outcome is PaynetOutcome.UNKNOWN:
        order.status = PaynetStatus.UNKNOWN
    else:
        order.status = PaynetStatus.DECLINED
        order.error_message, order.error_code = decision.error_message, decision.error_code
    order.stage = stage_of(tx_type, order.status)
    initial_transaction(order).status = order.status
    db.session.commit()
    log.info("order %s %s/%s", order.paynet_id, tx_type, order.status)
    if order.is_final:
        callbacks.notify(order)


def add_transaction(order: PaynetOrder, tx_type: TxType, amount: int, status: PaynetStatus) -> str:
    """Add a transaction to the session (the caller commits it with the order); its serial."""
    serial = serial_number()
    db.session.add(
        PaynetTransaction(
            paynet_id=order.paynet_id, serial=serial, tx_type=tx_type, amount=amount, status=status
        )
    )
    return serial


def transactions_of(order: PaynetOrder) -> list[PaynetTransaction]:
    """The order's transactions, oldest first."""
    query = (
        db.select(PaynetTransaction)
        .filter_by(paynet_id=order.paynet_id)
        .order_by(PaynetTransaction.id)
    )
    return list(db.session.execute(query).scalars())


def initial_transaction(order: PaynetOrder) -> PaynetTransaction:
    """The sale or preauth that opened the order."""
    return transactions_of(order)[0]


def latest_transaction(order: PaynetOrder) -> PaynetTransaction:
    """The transaction the order's own fields describe."""
    return transactions_of(order)[-1]


def find_transaction(order: PaynetOrder, serial: str) -> PaynetTransaction | None:
    """The order's transaction made by the request with this serial number, if any."""
    query = db.select(PaynetTransaction).filter_by(paynet_id=order.paynet_id, serial=serial)
    return db.session.execute(query).scalar_one_or_none()


def totals(order: PaynetOrder) -> dict[str, Any]:
    """What the approved transactions add up to (minor units), and each transaction."""
    rows = transactions_of(order)

    def total(*types: TxType) -> int:
        return sum(
            r.amount for r in rows if r.status == PaynetStatus.APPROVED and r.tx_type in types
        )

    return {
        "authorized": total(TxType.SALE, TxType.PREAUTH),
        "captured": total(TxType.SALE, TxType.CAPTURE),
        "refunded": total(TxType.REVERSAL),
        "transactions": [
            {"type": r.tx_type, "status": r.status, "amount": r.amount, "serial": r.serial}
            for r in rows
        ],
    }
