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
