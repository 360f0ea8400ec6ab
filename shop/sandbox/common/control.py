"""What the sandbox control endpoints of both gateways share (they are not part of either API)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


def answer(body: Any, status: int = 200) -> Response:
    """Answer JSON with the given status."""
    response = jsonify(body)
    response.status_code = status
    return response


def order_not_found() -> Response:
    """The 404 of every control endpoint that names an unknown order."""
    return answer({"error": "Order not found"}, 404)


def attempt_json(row: Any, *extra: str) -> dict[str, Any]:
    """One callback delivery try as JSON: what both gateways' tries record, plus `extra`
    columns of the row (PaynetEasy's `event`)."""
    shared = ("attempt", "trigger", "url", "http_status", "error", "at")
    return {name: getattr(row, name) for name in (*extra, *shared)}
