"""`make bench`: how fast a whole purchase goes over loopback, and what it costs in memory.

Prints figures; asserts nothing (timings belong here, never in the test suite).
"""

from __future__ import annotations

import logging
import resource
import statistics
import tempfile
import time
from pathlib import Path

from tests.support import CARD_APPROVE, Buyer, start_live_shop

PURCHASES = 60


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        shop = start_live_shop(Path(folder))
        for name in ("werkzeug", "shop"):  # figures only, not a request log
            logging.getLogger(name).setLevel(logging.WARNING)
        checkout_ms, pay_ms = [], []
        started = time.perf_counter()
        try:
            for _ in range(PURCHASES):
                buyer = Buyer(shop)
                buyer.add("ceramic-mug")
                spent, answer = _timed(buyer.checkout)
                checkout_ms.append(spent)
                spent, page = _timed(
                    lambda a=answer, b=buyer: b.pay(a.headers["Location"], CARD_APPROVE)
                )
                pay_ms.append(spent)
                assert 'data-state="paid"' in page.text
                buyer.close()
        finally:
            shop.stop()
        total = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"purchases: {PURCHASES} in {total:.2f} s ({PURCHASES / total:.1f}/s, one buyer at a time)"
    )
    for name, values in (("checkout -> formUrl (register.do)", checkout_ms),
                         ("pay -> verified order page", pay_ms)):  # fmt: skip
        cuts = statistics.quantiles(values, n=20)
        print(f"{name:36} p50 {statistics.median(values):6.1f} ms   p95 {cuts[18]:6.1f} ms")
    print(f"peak memory (shop + sandbox + client, one process): {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
