"""The servers a bench run loads, started the way `make serve` and `make run` start them, on
free loopback ports, with fresh databases in a temporary folder (instance/ is never touched).

gunicorn reads the project's own settings (`-c gunicorn.conf.py`, the sandbox's module), so
a change there is measured by the next `make bench`; only the address is overridden.
BENCH_GUNICORN_ARGS (e.g. "--workers 3 --threads 16") is handed to the shop's and the hello
app's gunicorn as GUNICORN_CMD_ARGS, to try settings before writing them down.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from shop import config as shop_config
from shop.sandbox import DEFAULTS as SANDBOX_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Knobs of the shop that a run may set from outside, to try a value before writing it down.
PASSED_THROUGH = ("GATEWAY_CONCURRENCY", "GATEWAY_QUEUE_SECS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """One server process (a gunicorn master, or the dev server) that this run started."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def memory_mib(pid: int) -> tuple[float, float, float]:
    """(RSS, peak RSS, PSS) of a process in MiB. RSS counts every page the process maps,
    shared or not; PSS splits each shared page among the processes that share it."""

    def fields(name: str) -> dict[str, str]:
        lines = Path(f"/proc/{pid}/{name}").read_text().splitlines()
        return dict(line.split(":", 1) for line in lines if ":" in line)

    status, rollup = fields("status"), fields("smaps_rollup")
    kib = [status["VmRSS"], status["VmHWM"], rollup["Pss"]]
    return tuple(int(value.split()[0]) / 1024 for value in kib)


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def _environment(**settings: str) -> dict[str, str]:
    """This environment without any of the shop's or the sandbox's settings, then ours."""
    ours = {*shop_config.DEFAULTS, *SANDBOX_DEFAULTS, "SANDBOX_DATABASE_URL", "FLASK_DEBUG"}
    kept = {k: v for k, v in os.environ.items() if k not in ours or k in PASSED_THROUGH}
    return {**kept, "SECRET_KEY": "bench-secret-key", "PYTHONUNBUFFERED": "1", **settings}


def _init_db(env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run(  # noqa: S603  (our own argv)
            [BIN / "flask", "--app", "shop", "init-db"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=True,
        )  # fmt: skip


def _start(name: str, argv: list, env: dict, url: str, folder: Path, ready: str) -> Server:
    log = folder / f"{name}.log"
    out = log.open("ab")
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    out.close()
    server = Server(name, url, process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url + ready, timeout=2).status_code < 500:
                return server
        except requests.RequestException:
            time.sleep(0.1)
    server.stop()
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"{name} did not start on {url}; its log ends with:\n{tail}")


def _gunicorn(config: str, port: int, *app: str) -> list:
    return [BIN / "gunicorn", "-c", config, "--bind", f"127.0.0.1:{port}", *app]


def _tuned(env: dict[str, str]) -> dict[str, str]:
    extra = os.environ.get("BENCH_GUNICORN_ARGS", "")
    return {**env, "GUNICORN_CMD_ARGS": extra} if extra else env


def serve_shaped(folder: Path) -> tuple[Server, Server]:
    """`make serve`: the sandbox alone (a remote gateway), the shop reaching it by URL."""
    shop_port, gateway_port = free_port(), free_port()
    shop_url, gateway_url = f"http://127.0.0.1:{shop_port}", f"http://127.0.0.1:{gateway_port}"
    env = _environment(
        DATABASE_URL=f"sqlite:///{folder / 'shop.sqlite3'}",
        SANDBOX_DATABASE_URL=f"sqlite:///{folder / 'sandbox.sqlite3'}",
        SHOP_PUBLIC_URL=shop_url,
        SANDBOX_URL=gateway_url,
        SANDBOX_ALLOWED_ORIGINS=shop_url,
        # Sixteen checkouts held 2 s at the gateway at once: above the workshop's cap of 4.
        SANDBOX_FAULT_MAX_DELAYED="64",
    )
    _init_db(env, folder / "init-db.log")
    sandbox_argv = _gunicorn("python:shop.sandbox.gunicorn_conf", gateway_port)
    sandbox = _start("sandbox", sandbox_argv, env, gateway_url, folder, "/sandbox-control/faults")
    try:
        shop = _start("shop", _gunicorn("gunicorn.conf.py", shop_port), _tuned(env),
                      shop_url, folder, "/")  # fmt: skip
    except BaseException:
        sandbox.stop()
        raise
    return shop, sandbox


def hello(folder: Path) -> Server:
    """The bare Flask app under the shop's own gunicorn settings."""
    port = free_port()
    argv = _gunicorn("gunicorn.conf.py", port, "tests.bench.hello:app")
    return _start("hello", argv, _tuned(_environment()), f"http://127.0.0.1:{port}", folder, "/")


def run_shaped(folder: Path) -> Server:
    """`make run`: the threaded dev server, the sandbox mounted at /sandbox."""
    folder.mkdir(exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = _environment(
        DATABASE_URL=f"sqlite:///{folder / 'shop.sqlite3'}",
        SANDBOX_DATABASE_URL=f"sqlite:///{folder / 'sandbox.sqlite3'}",
        SHOP_PUBLIC_URL=url,
    )
    _init_db(env, folder / "init-db.log")
    argv = [BIN / "flask", "--app", "shop", "run", "--host", "127.0.0.1", "--port", str(port),
            "--with-threads"]  # fmt: skip
    return _start("dev-server", argv, env, url, folder, "/")
