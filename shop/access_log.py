"""The access log keeps paths, never query strings: gateways' callbacks carry the payer's
name and card details and a signature there (PaynetEasy sends its callback as a GET)."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"\x1b]*")


def without_query(request_line: str) -> str:
    """'GET /payments/x/callback?status=… HTTP/1.1' -> 'GET /payments/x/callback HTTP/1.1'."""
    return _QUERY.sub("", request_line)


class DropQueryStrings(logging.Filter):
    """For werkzeug's request lines (`make run`); gunicorn.conf.py sets a format without them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (without_query(record.args[0]), *record.args[1:])
        return True
