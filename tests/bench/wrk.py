"""Pages under load from wrk, a real load generator in another process (Debian's `wrk`).

wrk keeps CONNECTIONS keep-alive connections busy (a closed loop: each sends its next
request when the last is answered), so requests/s is what the server can give, and the
latency percentiles include the time a request waits for a free thread.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

THREADS = 1  # one wrk thread outruns these servers and leaves the second core to them
CONNECTIONS = 16
_MARK = "BENCH-WRK "
# Print the figures as one JSON line when the run is over (wrk's Lua `done` hook).
_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "us": %d, "p50": %d, "p99": %d, "errors": %d, "bad_status": %d}\\n',
    "MARK", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
""".replace("MARK", _MARK)


@dataclass(frozen=True)
class Load:
    """What wrk saw: requests/s, latency percentiles in ms, failed requests."""

    rps: float
    p50_ms: float
    p99_ms: float
    failed: int


def available() -> bool:
    return shutil.which("wrk") is not None


def hammer(url: str, seconds: float, connections: int = CONNECTIONS) -> Load:
    """Run wrk against one URL for `seconds`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_SCRIPT)
    try:
        argv = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
                "-s", script.name, url]  # fmt: skip
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout  # noqa: S603
    finally:
        Path(script.name).unlink()
    line = next(line for line in out.splitlines() if line.startswith(_MARK))
    figures = json.loads(line.removeprefix(_MARK))
    return Load(
        rps=figures["requests"] / (figures["us"] / 1e6),
        p50_ms=figures["p50"] / 1000,
        p99_ms=figures["p99"] / 1000,
        failed=figures["errors"] + figures["bad_status"],
    )
