"""The armed fault rules: arm, list, disarm. The JSON control API (faults/control.py) and the
faults page (faults/page.py) both call these, so a rule is the same whichever armed it."""

from __future__ import annotations

from collections.abc import Mapping

from shop.sandbox.common.db import db
from shop.sandbox.faults.behaviours import FAULTS
from shop.sandbox.faults.limits import MAX_MS, MAX_TIMES, LimitError, bounded
from shop.sandbox.faults.models import ArmedFault


class RuleError(ValueError):
    """A rule that cannot be armed; the message says why, for the person who asked."""


def as_dict(row: ArmedFault) -> dict:
    return {"id": row.id, "method": row.method, "fault": row.fault, "ms": row.ms,
            "remaining": row.remaining}  # fmt: skip


def arm(fields: Mapping[str, object]) -> dict:
    """Arm `fault` for the next `times` calls of `method` ("*": every method), `ms` where a
    fault waits; absent fields take their defaults. Raises RuleError past any limit."""
    fault = str(fields.get("fault", ""))
    if fault not in FAULTS:
        raise RuleError(f"fault must be one of {sorted(FAULTS)}")
    try:
        times = bounded(fields.get("times", "1"), "times", MAX_TIMES)
        ms = bounded(fields.get("ms", "0"), "ms", MAX_MS)
    except LimitError as error:
        raise RuleError(str(error)) from error
    method = str(fields.get("method", "*"))[:60] or "*"
    if not method.isprintable():
        raise RuleError("method must be a printable name such as register.do, or *")
    row = ArmedFault(method=method, fault=fault, ms=ms, remaining=max(times, 1))
    db.session.add(row)
    db.session.commit()
    return as_dict(row)


def armed() -> list[dict]:
    """The rules that still have calls to serve, oldest first (the order they are taken in)."""
    query = db.select(ArmedFault).where(ArmedFault.remaining > 0).order_by(ArmedFault.id)
    return [as_dict(row) for row in db.session.execute(query).scalars()]


def disarm(rule_id: int | None = None) -> int:
    """Disarm one rule, or all of them; returns how many armed rules went."""
    if rule_id is None:
        gone = db.session.execute(db.delete(ArmedFault).where(ArmedFault.remaining > 0))
        db.session.execute(db.delete(ArmedFault))  # the spent ones too
    else:
        gone = db.session.execute(
            db.delete(ArmedFault).where(ArmedFault.id == rule_id, ArmedFault.remaining > 0)
        )
    db.session.commit()
    return gone.rowcount
