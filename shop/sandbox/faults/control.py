"""Control API for faults (tests and workshops; not part of any gateway's API).

- `POST /sandbox-control/faults` with form fields or a JSON object: `fault`, `method` (e.g.
  `register.do`, `getOrderStatusExtended.do`, `sale-form`, `status`, or `*`), `times`
  (default 1, at most 100) and `ms` (for latency/hang, at most 30 000): arms it. Answers 201
  with the rule, 400 with {"error": ...} for anything else.
- `GET /sandbox-control/faults`: the armed rules.  `DELETE /sandbox-control/faults`: disarm all.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, jsonify, request

from shop.sandbox.common.db import db
from shop.sandbox.faults.behaviours import FAULTS
from shop.sandbox.faults.limits import MAX_MS, MAX_TIMES, LimitError, bounded
from shop.sandbox.faults.models import ArmedFault

bp = Blueprint("sandbox_faults", __name__, url_prefix="/sandbox-control/faults")


def _rule(row: ArmedFault) -> dict:
    return {"id": row.id, "method": row.method, "fault": row.fault, "ms": row.ms,
            "remaining": row.remaining}  # fmt: skip


def _refused(message: str) -> tuple[Response, int]:
    """Refuse the request, saying why."""
    return jsonify(error=message), 400


def _fields() -> Mapping[str, object] | None:
    """The JSON object, or the form when the body is not JSON; None for any other JSON."""
    if not request.is_json:
        return request.form
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested too deep for the parser
        return None
    return data if isinstance(data, dict) else None


@bp.post("")
def arm():
    """Arm a fault for the next calls of a method."""
    data = _fields()
    if data is None:
        return _refused("the body must be a JSON object (or form fields)")
    fault = str(data.get("fault", ""))
    if fault not in FAULTS:
        return _refused(f"fault must be one of {sorted(FAULTS)}")
    try:
        times = bounded(data.get("times", "1"), "times", MAX_TIMES)
        ms = bounded(data.get("ms", "0"), "ms", MAX_MS)
    except LimitError as error:
        return _refused(str(error))
    method = str(data.get("method", "*"))[:60] or "*"
    if not method.isprintable():
        return _refused("method must be a printable name such as register.do, or *")
    row = ArmedFault(method=method, fault=fault, ms=ms, remaining=max(times, 1))
    db.session.add(row)
    db.session.commit()
    return jsonify(_rule(row)), 201


@bp.get("")
def armed():
    rows = db.session.execute(db.select(ArmedFault).where(ArmedFault.remaining > 0)).scalars()
    return jsonify([_rule(row) for row in rows])


@bp.delete("")
def disarm():
    db.session.execute(db.delete(ArmedFault))
    db.session.commit()
    return jsonify(disarmed=True)
