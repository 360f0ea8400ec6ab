"""The sandbox's clock: SANDBOX_CLOCK (tests set one), read in the units the gateways use."""

from __future__ import annotations

from flask import current_app


def now_s() -> float:
    """Read the configured clock in epoch seconds."""
    return float(current_app.config["SANDBOX_CLOCK"]())


def now_ms() -> int:
    """Read the clock in epoch milliseconds, the RBS gateway's date unit."""
    return int(now_s() * 1000)
