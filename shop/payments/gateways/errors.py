"""One error hierarchy for every gateway client; str() of each is safe to show a buyer."""

from __future__ import annotations


class GatewayError(Exception):
    """Base of everything a gateway client raises."""

    def __init__(self, message: str, *, code: str | None = None, http_status: int | None = None):
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class GatewayRejected(GatewayError):
    """The gateway answered and refused the request (a business errorCode)."""


class GatewayOrderNotFound(GatewayRejected):
    """The gateway has no such order: a registration that never happened."""


class GatewayUnavailable(GatewayError):
    """No usable answer: timeout, refused connection, 5xx. The outcome is unknown."""


class GatewayProtocolError(GatewayError):
    """The gateway answered something that is not its documented format."""


class GatewayBusy(GatewayError):
    """No slot for a call within the wait (see bulkhead.py): nothing was sent at all."""
