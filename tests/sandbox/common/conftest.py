"""The tests of what both gateways share drive the RBS API through its fixtures; the PaynetEasy
side needs none (its helpers are plain functions of tests/sandbox/payneteasy/conftest.py)."""

from tests.sandbox.rbs.conftest import rbs, register

__all__ = ["rbs", "register"]
