"""Control API for faults (tests and workshops; not part of any gateway's API).

- `POST /sandbox-control/faults` with form fields or a JSON object: `fault`, `method` (e.g.
  `register.do`, `getOrderStatusExtended.do`, `sale-form`, `status`, or `*`), `times`
  (default 1, at most 100) and `ms` (for latency/hang, at most 30 000): arms it. Answers 201
  with the rule, 400 with {"error": ...} for anything else.
- `GET /sandbox-control/faults`: the armed rules.  `DELETE /sandbox-control/faults`: disarm all;
  `DELETE /sandbox-control/faults/<id>`: disarm one (404 when it is not armed).

The same rules as the faults page (faults/page.py): both call faults/rules.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, jsonify, request

from shop.sandbox.faults import rules

bp = Blueprint("sandbox_faults", __name__, url_prefix="/sandbox-control/faults")


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
    try:
        return jsonify(rules.arm(data)), 201
    except rules.RuleError as error:
        return _refused(str(error))


@bp.get("")
def armed():
    return jsonify(rules.armed())


@bp.delete("")
def disarm():
    rules.disarm()
    return jsonify(disarmed=True)


@bp.delete("/<int(max=2147483647):rule_id>")  # a bigger id is a 404, not an overflow
def disarm_one(rule_id: int):
    if not rules.disarm(rule_id):
        return jsonify(error=f"fault {rule_id} is not armed"), 404
    return jsonify(disarmed=rule_id)
