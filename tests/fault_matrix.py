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
        # Says yes, does nothing: only a status call can tell, and it does not confirm.
        unconfirmed = "does not confirm it yet"
        rows.append(Cell(call, "ignored", unconfirmed, before_state, before_state, False))
    return rows


MATRIX = _rows()

# Beyond single faults: races, odd gateways, many servers. (case, what happens, the test)
EDGE_CASES = [
    ("ten staff refunds at once", "one is sent, the others are told another operation is in"
     " progress; the ledger equals the gateway's totals",
     "test_parallel_operations.py::test_ten_refunds_at_once_leave_the_ledger_equal_to_the_gateway"),
    ("ten captures at once, a release racing a capture", "exactly one goes through",
     "test_parallel_operations.py::test_release_racing_capture_ends_as_the_gateway_says"),
    ("the gateway says yes to a refund and does nothing (`ignored`)", "unconfirmed, not counted",
     "test_ledger.py::test_a_refund_the_gateway_accepts_but_ignores_is_never_counted"),
    ("a refund made in the gateway's own portal", "counted once, shown as not by the shop",
     "test_ledger.py::test_a_refund_made_outside_the_shop_shows_as_unexplained"),
    ("an older status answer applied after a newer one", "the ledger never goes down",
     "test_ledger.py::test_an_older_answer_applied_late_never_lowers_the_ledger"),
    ("300-character reason, action code or card from the gateway", "cut to the column, whole in"
     " the event log, never a 500",
     "test_odd_gateways.py::test_gateway_text_longer_than_its_columns_is_cut_and_kept_whole_in_the_log"),
    ("a gateway that hands out an order id seen before", "the attempt goes to review, the buyer"
     " tries again",
     "test_odd_gateways.py::test_a_gateway_that_reuses_an_order_id_sends_the_attempt_to_review"),
    ("a buyer who pays two attempts", "paid twice, under needs attention, refunded in one click",
     "test_double_payment.py::test_a_double_payment_is_shown_to_staff_and_refunded_in_one_click"),
    ("a callback while the status API is down", "503 until the status API answers, then 200",
     "test_rbs_callbacks.py::test_a_callback_is_not_acknowledged_until_the_status_api_answers"),
    ("two `payments sync` runs at once over 2,000 waiting payments", "each payment asked once",
     "test_reconcile_scale.py"),
]  # fmt: skip
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
    lines += ["## Money under concurrency, odd gateways and many servers", "",
              "| case | what happens | proved by |", "| --- | --- | --- |"]  # fmt: skip
    lines += [f"| {case} | {happens} | `tests/{test}` |" for case, happens, test in EDGE_CASES]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
