"""Time out unpaid orders nobody looks at, so their declinedByTimeout callback goes out.

Lazy expiry on read stays in lifecycle.load; sweep() finds the due orders (an indexed query on
status and expires_ms) at the start of every RBS API call and hosted page hit, and on
POST /payment/sandbox/sweep.
"""

from __future__ import annotations

from shop.sandbox import lifecycle
from shop.sandbox.common.clock import now_ms
from shop.sandbox.common.db import db
from shop.sandbox.models import OPEN_STATUSES, GatewayOrder

BATCH = 100  # at most this many per sweep: a request never waits on a long backlog


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
        closed += order is not None and lifecycle.expire(order)
    return closed


def sweep_before_request() -> None:
    """A before_request hook: sweep, and let the request go on (a hook must return None)."""
    sweep()
