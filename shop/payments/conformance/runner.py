"""How one check runs: it passes with a detail, fails with a reason, or is skipped with one;
whatever the gateway said meanwhile is kept with the verdict, already masked by the client."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from shop.payments.conformance.report import Check, Report, Verdict
from shop.payments.gateways.errors import GatewayError, GatewayUnavailable
from shop.payments.gateways.transport import Exchange

log = logging.getLogger(__name__)
T = TypeVar("T")


class Fail(Exception):
    """The check ran and the gateway (or the shop's reading of it) is wrong; str() says how."""


class Skip(Exception):
    """The check cannot run here; str() says why."""


class Passed:
    """A passing check's one-line detail, and what later checks need from it."""

    def __init__(self, detail: str, value: object = None) -> None:
        self.detail = detail
        self.value = value


class Recorder:
    """The Wiring observer: every exchange of every client of the run, in order."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def __call__(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def since(self, mark: int) -> list[Exchange]:
        return self.exchanges[mark:]


class Run:
    """One provider's checks, run one after the other into its report."""

    def __init__(self, report: Report, recorder: Recorder) -> None:
        self.report = report
        self.recorder = recorder
        self.unreachable = ""  # set once the gateway cannot be reached: the rest is skipped

    def check(self, name: str, body: Callable[[], Passed], offline: bool = False) -> object:
        """Run body as the check `name`; returns what it passed on, None if it did not pass.
        Once the gateway is unreachable, only offline checks (no call to it) still run."""
        mark = len(self.recorder.exchanges)
        try:
            if self.unreachable and not offline:
                raise Skip(self.unreachable)
            passed = body()
        except Skip as reason:
            self._add(name, Verdict.SKIP, str(reason), mark)
        except Fail as reason:
            self._add(name, Verdict.FAIL, str(reason), mark)
        except GatewayUnavailable as exc:
            self._add(name, Verdict.FAIL, f"{type(exc).__name__}: {exc}", mark)
        except GatewayError as exc:
            code = f" (code {exc.code})" if exc.code else ""
            self._add(name, Verdict.FAIL, f"{type(exc).__name__}{code}: {exc}", mark)
        except Exception as exc:  # a check must never stop the run (and its clean-up)
            log.exception("gateway-check: %s", name)
            self._add(name, Verdict.FAIL, f"unexpected {type(exc).__name__}: {exc}", mark)
        else:
            self._add(name, Verdict.PASS, passed.detail, mark)
            return passed.value
        return None

    def _add(self, name: str, verdict: Verdict, detail: str, mark: int) -> None:
        exchanges = tuple(self.recorder.since(mark))
        self.report.add(Check(name, verdict, detail, exchanges))

    def answer_of(self, check: str, endpoint: str) -> Exchange:
        """The latest answer to endpoint within the check of that name; Skip if it got none."""
        for done in self.report.checks:
            if done.name == check:
                found = [e for e in done.exchanges if e.endpoint == endpoint and e.http_status]
                if found:
                    return found[-1]
        raise Skip(f"no {endpoint} answer in '{check}'")

    def last_exchange(self, endpoint: str = "") -> Exchange | None:
        """The latest exchange (with that endpoint), for checks of a reply's exact shape."""
        for exchange in reversed(self.recorder.exchanges):
            if not endpoint or exchange.endpoint == endpoint:
                return exchange
        return None


def expect(condition: bool, failure: str) -> None:
    """Fail the running check with `failure` unless condition holds."""
    if not condition:
        raise Fail(failure)
