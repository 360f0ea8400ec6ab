"""The fault matrix: what a person sees, and the payment's state, for each gateway call and
each fault the sandbox can inject. tests/test_fault_matrix.py proves every row over real
HTTP; docs/reliability.md is rendered from this table (`python -m tests.fault_matrix`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

BEFORE = ["http_500", "http_502", "http_503", "html", "invalid", "drop"]  # gateway did nothing
AFTER = ["truncated", "drop_after", "hang_after"]  # gateway did the work, the answer was lost


@dataclass(frozen=True)
class Cell:
    """One row: the call, the fault, then what happens."""

    call: str
    fault: str
    sees: str  # a phrase on the page the buyer (or staff) lands on
    state: str  # the payment's state right after
    settles: str  # its state once the shop asks the gateway again
    gateway_acted: bool | None  # None: a status call, which changes nothing at the gateway


def _rows() -> list[Cell]:
    waiting, failed = "awaiting_payment", "registration_failed"
    rows = [Cell("register", "latency", "payment page", waiting, waiting, True)]
    for fault in BEFORE + AFTER:
        rows.append(Cell("register", fault, "did not answer", "pending", failed, fault in AFTER))
    refused = "refused this payment (code 7)"
    rows.append(Cell("register", "system_error", refused, failed, failed, False))
    for fault in ["latency", "http_502", "http_503"]:  # 502/503 on status: retried
        rows.append(Cell("status", fault, "Paid. Thank you!", "paid", "paid", None))
    for fault in ["http_500", "html", "invalid", "drop", *AFTER, "system_error"]:
        rows.append(Cell("status", fault, "could not confirm", waiting, "paid", None))
    for call, done, before_state, after_state in [
        ("capture", "capture confirmed", "authorized", "paid"),
        ("refund", "refund confirmed", "paid", "partially_refunded"),
    ]:
        rows.append(Cell(call, "latency", done, after_state, after_state, True))
        for fault in BEFORE:
            rows.append(Cell(call, fault, "did not answer", before_state, before_state, False))
        for fault in AFTER:
            rows.append(Cell(call, fault, "did not answer", before_state, after_state, True))
        rows.append(Cell(call, "system_error", "refused", before_state, before_state, False))
    return rows


MATRIX = _rows()
CALLS = {
    "register": "register.do (checkout)",
    "status": "getOrderStatusExtended.do (return page)",
    "capture": "deposit.do (staff capture of a hold)",
    "refund": "refund.do (staff refund of 100.00)",
}


def render() -> str:
    """docs/reliability.md, from MATRIX."""
    lines = [
        "# Reliability: what each gateway fault does",
        "",
        "Generated from `tests/fault_matrix.py` (`python -m tests.fault_matrix >"
        " docs/reliability.md`); `tests/test_fault_matrix.py` proves every row over real HTTP"
        " against the sandbox's fault injection, and fails when this file is stale.",
        "",
        "*Sees*: a phrase on the page the person lands on. *Right after*: the payment's state."
        " *Settles*: its state once the shop asks again (order page reload, staff page reload"
        " or `flask payments sync`). A timeout or a 5xx never marks a payment failed.",
        "",
    ]
    for call, title in CALLS.items():
        lines += [f"## {title}", "", "| fault | gateway acted | sees | right after | settles |",
                  "| --- | --- | --- | --- | --- |"]  # fmt: skip
        for cell in (c for c in MATRIX if c.call == call):
            acted = {True: "yes", False: "no", None: "n/a"}[cell.gateway_acted]
            lines.append(
                f"| `{cell.fault}` | {acted} | {cell.sees} | `{cell.state}` | `{cell.settles}` |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
