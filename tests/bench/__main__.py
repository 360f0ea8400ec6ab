"""Run every measurement in one go and print the figures beside their targets.

BENCH_PAIRS (default 5) pairs of BENCH_SECONDS (default 4) seconds each; a few minutes.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import report, scenarios, servers, wrk
from tests.bench.buyers import Round, run_round, shop_at

PAIRS = int(os.environ.get("BENCH_PAIRS", "5"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
LEVELS = (1, 16, 32)


def machine() -> str:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout  # noqa: S607
    model = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines()
                  if ln.startswith("Model name")), platform.processor())  # fmt: skip
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}"


def measure_serve(folder: Path, out: report.Report) -> None:
    """Everything on `make serve`'s shape, and the bare Flask app beside it."""
    shop, gateway = servers.serve_shaped(folder)
    hello = None
    try:
        at_start = [servers.memory_mib(pid) for pid in shop.worker_pids()]
        hello = servers.hello(folder)
        target = shop_at(shop.url, gateway.url, f"sqlite:///{folder / 'shop.sqlite3'}")
        out.progress("catalog and hello, interleaved")
        out.catalog(scenarios.catalog_vs_hello(shop.url + "/", hello.url + "/", PAIRS, SECONDS))
        hello.stop()  # nothing else of ours runs beside the shop from here on
        out.progress(f"purchases at {', '.join(map(str, LEVELS))} buyers, interleaved")
        cpu = {
            "shop": lambda: servers.cpu_seconds(shop.worker_pids()),
            "gateway": lambda: servers.cpu_seconds(gateway.worker_pids()),
        }
        out.purchases(LEVELS, scenarios.purchases(target, LEVELS, PAIRS, SECONDS, cpu))
        out.progress(f"catalog with a fast gateway, then a {scenarios.SLOW_MS} ms one")
        out.slow_gateway(*scenarios.slow_gateway(target, PAIRS, SECONDS))
        after = [servers.memory_mib(pid) for pid in shop.worker_pids()]
        out.memory(at_start, after, servers.memory_mib(gateway.worker_pids()[0]))
    finally:
        for server in (hello, shop, gateway):
            if server is not None:
                server.stop()


def measure_run(folder: Path, out: report.Report) -> None:
    """`make run`'s shape at 16 buyers: one thread per connection, it must not deadlock."""
    out.progress("make run's dev server at 16 buyers")
    dev = servers.run_shaped(folder / "dev")
    try:
        target = shop_at(dev.url, dev.url + "/sandbox", f"sqlite:///{folder / 'dev/shop.sqlite3'}")
        run_round(target, 1, 1)  # warm
        rounds: list[Round] = [run_round(target, 16, SECONDS) for _ in range(2)]
    finally:
        dev.stop()
    out.dev_server(rounds)


def main() -> None:
    if not wrk.available():
        sys.exit("wrk is missing: `make bench` installs Debian's (apt-get install -y wrk)")
    out = report.Report(machine(), PAIRS, SECONDS)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="redirect-shop-bench-") as folder:
        try:
            measure_serve(Path(folder), out)
            measure_run(Path(folder), out)
        except Exception:
            for log in sorted(Path(folder).rglob("*.log")):
                print(f"--- {log.name} (last lines)\n{log.read_text(errors='replace')[-1500:]}")
            raise
    out.print(time.monotonic() - started)


if __name__ == "__main__":
    main()
