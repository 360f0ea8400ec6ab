"""Control API for faults (tests and workshops; not part of any gateway's API).

- `POST /sandbox-control/faults` with form or JSON fields `fault`, `method` (e.g.
  `register.do`, `getOrderStatusExtended.do`, `sale-form`, `status`, or `*`), `times`
  (default 1) and `ms` (for latency/hang): arms it. Answers 201 with the rule.
- `GET /sandbox-control/faults`: the armed rules.  `DELETE /sandbox-control/faults`: disarm all.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from shop.sandbox.faults.behaviours import FAULTS
from shop.sandbox.faults.models import ArmedFault
from shop.sandbox.models import db

bp = Blueprint("sandbox_faults", __name__, url_prefix="/sandbox-control/faults")


def _rule(row: ArmedFault) -> dict:
    return {"id": row.id, "method": row.method, "fault": row.fault, "ms": row.ms,
            "remaining": row.remaining}  # fmt: skip


@bp.post("")
def arm():
    data = request.get_json(silent=True) or request.form
    fault = str(data.get("fault", ""))
    method = str(data.get("method", "*"))[:60] or "*"
    times, ms = str(data.get("times", "1")), str(data.get("ms", "0"))
    if fault not in FAULTS or not times.isdigit() or not ms.isdigit():
        return jsonify(error=f"fault must be one of {sorted(FAULTS)}; times and ms digits"), 400
    row = ArmedFault(method=method, fault=fault, ms=int(ms), remaining=max(int(times), 1))
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
