"""Callback faults: a gateway's notifications get lost, duplicated, delayed or reordered.

Armed like the API faults, with method `callback`: `lost` (never sent), `duplicated` (sent
twice), `delayed` (the first try waits `ms` more), `out_of_order` (held back and sent only
after the next callback of the same app).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from shop.sandbox.faults.middleware import claim

CALLBACK_FAULTS = frozenset({"lost", "duplicated", "delayed", "out_of_order"})
Send = Callable[[tuple[float, ...]], None]
_HELD = "sandbox_held_callbacks"
_LOCK = threading.Lock()


def schedule(app: Flask, send: Send, delays: tuple[float, ...]) -> None:
    """Send a callback as armed faults say; held ones follow the next callback out."""
    armed = claim(app, "callback", "")
    fault = armed.fault if armed and armed.fault in CALLBACK_FAULTS else None
    if fault == "out_of_order":
        with _LOCK:
            app.extensions.setdefault(_HELD, []).append((send, delays))
        return
    if fault == "delayed" and delays:
        delays = (delays[0] + armed.ms / 1000, *delays[1:])
    if fault != "lost":
        send(delays)
    if fault == "duplicated":
        send(delays)
    with _LOCK:
        held, app.extensions[_HELD] = app.extensions.get(_HELD, []), []
    for late_send, late_delays in held:
        late_send(late_delays)
