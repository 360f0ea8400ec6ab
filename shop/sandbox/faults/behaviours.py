"""What each fault does to one WSGI call."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote_plus

from werkzeug.exceptions import RequestEntityTooLarge

from shop.sandbox.faults import ignored

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

FAULTS = frozenset(
    {
        "latency",
        "http_500",
        "http_502",
        "http_503",
        "html",
        "invalid",
        "truncated",
        "drop",
        "drop_after",
        "hang",
        "hang_after",
        "system_error",
        "ignored",
        # for callbacks (method "callback"), see faults/callbacks.py
        "lost",
        "duplicated",
        "delayed",
        "out_of_order",
    }
)
_REASONS = {"500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}


def html_error(code: str = "502") -> bytes:
    """The kind of page a proxy in front of a gateway shows: HTML, not the API's format."""
    title = f"{code} {_REASONS.get(code, 'Error')}"
    head = f"<!doctype html><html><head><title>{title}</title></head>"
    return f"{head}<body><h1>{title}</h1><p>nginx</p></body></html>".encode()


@dataclass(frozen=True)
class Armed:
    """One fault to apply now, with its delay in milliseconds where it has one."""

    fault: str
    ms: int
    provider: str


def _run(app: WSGIApp, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    """Call the real handler and collect its whole answer."""
    captured: dict[str, object] = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    body = b"".join(app(environ, start_response))
    return str(captured["status"]), list(captured["headers"]), body


def _answer(start_response, status: str, body: bytes, content_type: str) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(status, headers)
    return [body]


def _drop(environ: dict) -> list[bytes]:
    """Close the client's connection under the server's feet: no status line at all."""
    sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("sandbox fault: connection dropped")


def refuse(start_response, provider: str, status: str, message: str) -> list[bytes]:
    """Answer with the gateway's own error body: RBS errorCode 7, PaynetEasy type=error."""
    if provider == "payneteasy":
        body = f"type=error\n&error-message={quote_plus(message)}\n&error-code=7\n".encode()
        return _answer(start_response, status, body, "text/html;charset=utf-8")
    body = json.dumps({"errorCode": "7", "errorMessage": message}, separators=(",", ":")).encode()
    return _answer(start_response, status, body, "application/json;charset=UTF-8")


def _ignored(armed: Armed, environ: dict, start_response) -> list[bytes]:
    """Say the call was accepted without serving it; a body over the limit is still refused."""
    try:
        body, content_type = ignored.answer(armed.provider, environ)
    except RequestEntityTooLarge as error:
        return refuse(start_response, armed.provider, f"413 {error.name}", error.name)
    return _answer(start_response, "200 OK", body, content_type)


def apply(armed: Armed, app: WSGIApp, environ: dict, start_response) -> Iterable[bytes]:
    """Serve one call with the fault applied around (or instead of) the real handler."""
    fault = armed.fault
    if fault.startswith("http_"):
        code = fault.removeprefix("http_")
        return _answer(start_response, f"{code} Sandbox Fault", html_error(code), "text/html")
    if fault == "html":
        return _answer(start_response, "200 OK", html_error(), "text/html")
    if fault == "invalid":
        return _answer(start_response, "200 OK", b'{"errorCode":', "application/json")
    if fault == "system_error":
        return refuse(start_response, armed.provider, "200 OK", "System error")
    if fault == "ignored":
        return _ignored(armed, environ, start_response)
    if fault == "drop":
        return _drop(environ)
    if fault in {"latency", "hang"}:
        time.sleep((armed.ms or (15000 if fault == "hang" else 1000)) / 1000)
        return app(environ, start_response)
    status, headers, body = _run(app, environ)
    if fault == "drop_after":
        return _drop(environ)
    if fault == "hang_after":
        time.sleep((armed.ms or 15000) / 1000)
    if fault == "truncated":
        body = body[: len(body) // 2]
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(body))))
    start_response(status, headers)
    return [body]
