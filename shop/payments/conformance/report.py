"""What gateway-check found: one line per check, as a table for people and JSON for machines."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from shop.payments.gateways.transport import Exchange


class Verdict(StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"
    SKIP = "skipped"


@dataclass(frozen=True)
class Check:
    """One check's verdict, what it saw (or why it failed or did not run), and the exchanges
    it made with the gateway, secrets already masked by the client that made them."""

    name: str
    verdict: Verdict
    detail: str
    exchanges: tuple[Exchange, ...] = ()


def exchange_json(exchange: Exchange) -> dict[str, object]:
    return {
        "endpoint": exchange.endpoint,
        "request": dict(exchange.request),
        "http_status": exchange.http_status,
        "reply": exchange.response_text,
        "duration_ms": exchange.duration_ms,
        "error": exchange.error,
    }


@dataclass
class Report:
    """Every check of one provider's run, in the order they ran."""

    provider: str
    gateway_url: str
    mode: str  # "demo mode (...)" or "live mode"
    settings: list[tuple[str, str]] = field(default_factory=list)  # as config-check shows them
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def count(self, verdict: Verdict) -> int:
        return sum(check.verdict == verdict for check in self.checks)

    @property
    def ok(self) -> bool:
        """Every check that ran passed (a skipped check is not a failure)."""
        return self.count(Verdict.FAIL) == 0

    def table(self) -> str:
        width = max((len(check.name) for check in self.checks), default=10)
        lines = [f"gateway-check {self.provider} at {self.gateway_url} ({self.mode})"]
        lines += [f"  {key} = {shown}" for key, shown in self.settings]
        for check in self.checks:
            lines.append(f"  {check.verdict.upper():<7} {check.name:<{width}}  {check.detail}")
            if check.verdict == Verdict.FAIL:
                lines += [f"  {'':<7} {'':<{width}}  {line}" for line in _evidence(check)]
        lines.append(
            f"{self.count(Verdict.PASS)} passed, {self.count(Verdict.FAIL)} failed, "
            f"{self.count(Verdict.SKIP)} skipped"
        )
        return "\n".join(lines)

    def as_json(self) -> dict[str, object]:
        return {
            "provider": self.provider,
            "gateway_url": self.gateway_url,
            "mode": self.mode,
            "settings": dict(self.settings),
            "ok": self.ok,
            "passed": self.count(Verdict.PASS),
            "failed": self.count(Verdict.FAIL),
            "skipped": self.count(Verdict.SKIP),
            "checks": [
                {
                    "name": check.name,
                    "verdict": str(check.verdict),
                    "detail": check.detail,
                    "exchanges": [exchange_json(e) for e in check.exchanges],
                }
                for check in self.checks
            ],
        }


def _evidence(check: Check) -> list[str]:
    """The exact requests and replies behind a failure (masked by the clients)."""
    lines = []
    for exchange in check.exchanges:
        answer = exchange.response_text or exchange.error or "(no answer)"
        answer = answer.strip().replace("\n", "\\n")  # one line, even for key=value\n&...
        lines.append(f"request  {exchange.endpoint} {exchange.request_json()}")
        lines.append(f"reply    HTTP {exchange.http_status or '-'} {answer}")
    return lines
