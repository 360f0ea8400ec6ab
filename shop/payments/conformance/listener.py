"""A stand-in for the shop at SHOP_PUBLIC_URL while gateway-check runs: it records the
gateway's callbacks, answers the buyer's return, and (in demo mode) serves the embedded
sandbox mounted in this very app, so the check reaches it over real HTTP as a bank."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_CALLBACK = re.compile(r"^/payments/([a-z0-9_-]+)/callback/?$")
BACK_AT_THE_SHOP = b"gateway-check: back at the shop\n"

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class Listener:
    """Listens where SHOP_PUBLIC_URL points, when that is a free loopback port (or --listen)."""

    def __init__(self, public_url: str, listen: str, mount: tuple[str, WSGIApp] | None) -> None:
        self.public_url = public_url.rstrip("/")
        self._listen = listen
        self._mount = mount  # (path, the shop's WSGI app with the sandbox under it), demo only
        self._lock = threading.Lock()
        self._callbacks: list[tuple[str, dict[str, str]]] = []
        self._server: BaseWSGIServer | None = None
        self.reason = ""  # why nothing listens, when nothing does

    def start(self) -> Listener:
        where = self._address()
        if where is None:
            return self
        host, port = where
        taken = _taken(host, port)
        if taken:
            self.reason = (
                f"{host}:{port} is taken ({taken}; a running shop?): callbacks sent to "
                f"{self.public_url} go to that process, not to this check"
            )
            return self
        self._server = make_server(host, port, self._wsgi, threaded=True)
        serve = self._server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    @property
    def listening(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def callbacks(self, provider: str) -> list[dict[str, str]]:
        """The parameters of every callback that arrived for provider, in order."""
        with self._lock:
            return [params for key, params in self._callbacks if key == provider]

    def _address(self) -> tuple[str, int] | None:
        if self._listen:
            host, _, port = self._listen.rpartition(":")
            return host or "127.0.0.1", int(port)
        parts = urlsplit(self.public_url)
        if parts.scheme == "http" and parts.hostname in LOOPBACK and parts.port:
            host = "127.0.0.1" if parts.hostname == "localhost" else parts.hostname
            return host, parts.port
        self.reason = (
            f"SHOP_PUBLIC_URL ({self.public_url}) is not a loopback http address with a port "
            "this command can listen on; pass --listen HOST:PORT where its traffic arrives"
        )
        return None

    def _wsgi(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if self._mount and (path == self._mount[0] or path.startswith(self._mount[0] + "/")):
            return self._mount[1](environ, start_response)
        found = _CALLBACK.match(path)
        if found:
            params = {k: v for k, v in Request(environ).values.items()}
            with self._lock:
                self._callbacks.append((found.group(1), params))
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"OK"]
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [BACK_AT_THE_SHOP]


def _taken(host: str, port: int) -> str:
    """Why the address cannot be listened on ("" when it can): werkzeug would exit instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return ""
