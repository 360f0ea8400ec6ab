"""The figures of one run, side by side, each beside its target (printed, never asserted)."""

from __future__ import annotations

import os
import runpy
import shlex
import sys

from gunicorn.config import Config

from shop.config import DEFAULTS
from tests.bench.buyers import Round
from tests.bench.scenarios import SLOW_MS, WAITING, Pairs, Spread, ratios
from tests.bench.servers import ROOT

# (what, the bound, higher is better)
TARGET_FAILED_32 = 0
TARGET_P50_GROWTH = 3.0
TARGET_SLOW_P99 = 2.0
TARGET_VS_HELLO = 0.25
TARGET_RSS_MIB = 80.0


def _x(spread: Spread) -> str:
    return f"{spread.median:5.2f}x [{spread.low:.2f}-{spread.high:.2f}]"


def _n(spread: Spread, unit: str, digits: int = 0) -> str:
    return f"{spread.median:.{digits}f} {unit} [{spread.low:.{digits}f}-{spread.high:.{digits}f}]"


def _verdict(reached: bool) -> str:
    return "reached" if reached else "NOT reached"


def settings() -> str:
    """The gunicorn settings and the bulkhead this run measured."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    extra = os.environ.get("BENCH_GUNICORN_ARGS", "")
    given = vars(Config().parser().parse_args(shlex.split(extra))) if extra else {}
    value = {k: given.get(k) or conf.get(k) for k in ("worker_class", "workers", "threads")}
    slots = os.environ.get("GATEWAY_CONCURRENCY", DEFAULTS["GATEWAY_CONCURRENCY"])
    source = f"gunicorn.conf.py + {extra}" if extra else "gunicorn.conf.py"
    shape = f"{value['worker_class']}, {value['workers']} workers x {value['threads']} threads"
    return f"shop: {shape} ({source}); bulkhead {slots} gateway calls per process"


class Report:
    def __init__(self, machine: str, pairs: int, seconds: float) -> None:
        method = f"{pairs} pairs of {seconds:g} s; ratio = median [min-max] of the pairs"
        self.head = [f"machine: {machine}", settings(), method]
        self.rows: list[tuple[str, str, str]] = []

    def progress(self, what: str) -> None:
        print(f"... {what}", file=sys.stderr, flush=True)

    def row(self, figure: str, value: str, target: str = "") -> None:
        self.rows.append((figure, value, target))

    def catalog(self, pairs: Pairs) -> None:
        ratio = ratios([p.rps for p in pairs.a], [p.rps for p in pairs.b])
        failed = sum(p.failed for p in pairs.a + pairs.b)
        self.row("catalog / bare Flask hello (req/s, wrk)", _x(ratio),
                 f">= {TARGET_VS_HELLO}x {_verdict(ratio.median >= TARGET_VS_HELLO)}")  # fmt: skip
        self.row("  catalog", _n(Spread.of([p.rps for p in pairs.a]), "req/s")
                 + f", p99 {_n(Spread.of([p.p99_ms for p in pairs.a]), 'ms', 1)}")  # fmt: skip
        self.row("  hello", _n(Spread.of([p.rps for p in pairs.b]), "req/s")
                 + (f"; {failed} requests failed" if failed else ""))  # fmt: skip

    def purchases(self, levels: tuple[int, ...], rounds: list[list[Round]]) -> None:
        for buyers, found in zip(levels, rounds, strict=True):
            failed = sum(r.failed for r in found)
            target = ""
            if buyers == 32:
                target = f"{TARGET_FAILED_32} failed {_verdict(failed <= TARGET_FAILED_32)}"
            rate = Spread.of([r.rate for r in found])
            p50 = Spread.of([r.p50_ms for r in found])
            value = f"{_n(rate, '/s', 1)}, p50 {_n(p50, 'ms')}, {failed} failed"
            self.row(f"purchases, {buyers} buyer{'s' * (buyers > 1)}", value, target)
        self._cpu(rounds[1])
        growth = ratios([r.p50_ms for r in rounds[1]], [r.p50_ms for r in rounds[0]])
        verdict = _verdict(growth.median <= TARGET_P50_GROWTH)
        self.row(f"purchase p50, {levels[1]} buyers / 1", _x(growth),
                 f"<= {TARGET_P50_GROWTH:g}x {verdict}")  # fmt: skip

    def _cpu(self, rounds: list[Round]) -> None:
        """CPU per purchase, by process: what caps purchases/s on this machine's cores."""
        done = sum(len(r.ok) for r in rounds) or 1
        spent = {name: sum(r.cpu[name] for r in rounds) / done for name in rounds[0].cpu}
        cap = (os.cpu_count() or 1) / sum(spent.values())
        each = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in spent.items())
        self.row(f"  CPU per purchase ({rounds[0].buyers} buyers)",
                 f"{each} ms: at most {cap:.1f} purchases/s on {os.cpu_count()} cores")  # fmt: skip

    def slow_gateway(self, pairs: Pairs, checkouts: list[Round]) -> None:
        ratio = ratios([p.p99_ms for p in pairs.b], [p.p99_ms for p in pairs.a])
        self.row(f"catalog p99, {SLOW_MS / 1000:g} s gateway / fast", _x(ratio),
                 f"<= {TARGET_SLOW_P99}x {_verdict(ratio.median <= TARGET_SLOW_P99)}")  # fmt: skip
        for name, side in (("fast gateway", pairs.a), (f"{WAITING} checkouts waiting", pairs.b)):
            p99 = Spread.of([p.p99_ms for p in side])
            rps = Spread.of([p.rps for p in side])
            self.row(f"  catalog, {name}", f"p99 {_n(p99, 'ms', 1)}, {_n(rps, 'req/s')}")
        reached = sum(len(r.ok) for r in checkouts)
        self.row("  those checkouts", f"{reached} reached the payment page, "
                 f"{sum(r.failed for r in checkouts)} did not (bank busy)")  # fmt: skip

    def memory(self, at_start: list, after: list, sandbox: tuple) -> None:
        """Each as (RSS, peak RSS, PSS) in MiB, one per shop worker."""

        def each(figures: list, index: int) -> str:
            return ", ".join(f"{worker[index]:.0f}" for worker in figures)

        worst = max(worker[0] for worker in after)
        self.row("RSS per shop worker after the load",
                 f"{each(after, 0)} MiB (peak {each(after, 1)}; PSS {each(after, 2)})",
                 f"<= {TARGET_RSS_MIB:g} MiB {_verdict(worst <= TARGET_RSS_MIB)}")  # fmt: skip
        self.row("  RSS per shop worker at start", f"{each(at_start, 0)} MiB (one page served)")
        self.row("  sandbox worker", f"{sandbox[0]:.0f} MiB (peak {sandbox[1]:.0f})")

    def dev_server(self, rounds: list[Round]) -> None:
        failed = sum(r.failed for r in rounds)
        rate = Spread.of([r.rate for r in rounds])
        p50 = Spread.of([r.p50_ms for r in rounds])
        self.row("make run (dev server), 16 buyers",
                 f"{_n(rate, '/s', 1)}, p50 {_n(p50, 'ms')}, {failed} failed",
                 "finishes (no deadlock) reached")  # fmt: skip

    def print(self, elapsed: float) -> None:
        print("\n".join(self.head))
        width = max(len(figure) for figure, _, _ in self.rows)
        value_width = max(len(value) for _, value, _ in self.rows)
        for figure, value, target in self.rows:
            print(f"{figure:{width}}  {value:{value_width}}  {target}".rstrip())
        print(f"({elapsed:.0f} s)")
