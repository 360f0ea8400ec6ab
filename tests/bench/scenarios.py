"""The measurements, each interleaved: A B A B ... so that a machine getting slower or faster
half-way (it does, here: a bare Flask page swings 2x from one minute to the next) moves both
sides of a pair, and a ratio is taken within each pair, never across the run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from tests.bench import wrk
from tests.bench.buyers import Crowd, Round, Shop, run_round

SLOW_MS = 2000  # register.do made this slow for the slow-gateway pairs
WAITING = 16  # checkouts held at the slow gateway while the catalog is measured


@dataclass(frozen=True)
class Spread:
    """The median of some values, with their min and max."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))


def ratios(a: list[float], b: list[float]) -> Spread:
    """a / b within each pair."""
    return Spread.of([x / y for x, y in zip(a, b, strict=True)])


@dataclass
class Pairs:
    """Both sides of every pair, in the order they ran."""

    a: list = field(default_factory=list)
    b: list = field(default_factory=list)


def catalog_vs_hello(catalog: str, hello: str, pairs: int, seconds: float) -> Pairs:
    """Requests/s of the catalog page, then of a bare Flask page: `pairs` times."""
    wrk.hammer(catalog, 2)  # warm: templates compiled, connections pooled, in every worker
    wrk.hammer(hello, 2)
    found = Pairs()
    for _ in range(pairs):
        found.a.append(wrk.hammer(catalog, seconds))
        found.b.append(wrk.hammer(hello, seconds))
    return found


def purchases(
    shop: Shop, levels: tuple[int, ...], pairs: int, seconds: float, cpu: dict[str, Callable]
) -> list[list]:
    """Whole purchases at each number of buyers, the levels one after another, `pairs` times.

    `cpu` names a probe of each server's CPU seconds, to know what a purchase costs where.
    """
    run_round(shop, 1, 1)  # warm
    rounds: list[list[Round]] = [[] for _ in levels]
    for _ in range(pairs):
        for found, buyers in zip(rounds, levels, strict=True):
            before = {name: probe() for name, probe in cpu.items()}
            found.append(run_round(shop, buyers, seconds))
            found[-1].cpu.update({name: probe() - before[name] for name, probe in cpu.items()})
    return rounds


def _faults(gateway: str, verb: str, **rule: object) -> None:
    url = f"{gateway}/sandbox-control/faults"
    answer = requests.request(verb, url, json=rule or None, timeout=5)
    answer.raise_for_status()


def slow_gateway(shop: Shop, pairs: int, seconds: float) -> tuple[Pairs, list[Round]]:
    """Catalog latency with a fast gateway (A), then while WAITING checkouts wait on a
    register.do made SLOW_MS slow (B); B's checkouts are returned too."""
    catalog = shop.url + "/"
    found, checkouts = Pairs(), []
    ramp = SLOW_MS / 1000 + 0.5  # every buyer has a checkout waiting before wrk starts
    for _ in range(pairs):
        _faults(shop.gateway, "DELETE")
        found.a.append(wrk.hammer(catalog, seconds))
        # 100 (the cap) is more than a pair uses: 16 buyers start about 8 checkouts a second.
        _faults(shop.gateway, "POST", method="register.do", fault="latency", ms=SLOW_MS,
                times=100)  # fmt: skip
        with Crowd(shop, WAITING, ramp + seconds, whole=False) as crowd:
            time.sleep(ramp)
            found.b.append(wrk.hammer(catalog, seconds))
        checkouts.append(crowd.round)
    _faults(shop.gateway, "DELETE")
    return found, checkouts
