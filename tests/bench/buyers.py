"""Scripted buyers: each its own process, making whole purchases over HTTP one after another
(tests.support.Buyer: catalog, add to cart, checkout form, Buy, hosted payment page, card,
back to the shop's verified order page), from a start line until a deadline.

A purchase fails when the buyer never reaches the gateway's payment page, or never reaches
the shop's page showing the payment as paid (an error page, a timeout, "the bank is busy").
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import create_engine, select

from shop.models import Product
from tests.support import CARD_APPROVE, Buyer

SLUG = "ceramic-mug"
PAID = 'data-state="paid"'


@dataclass(frozen=True)
class Shop:
    """What a buyer needs to know of a running shop (the part of LiveShop Buyer uses)."""

    url: str
    gateway: str  # where the shop's payment pages are: a formUrl starts with it
    product: int

    def product_id(self, slug: str) -> int:
        return self.product


def shop_at(url: str, gateway: str, database_url: str) -> Shop:
    """A shop by its address, its product's id read from its database."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        product = connection.execute(select(Product.id).where(Product.slug == SLUG)).scalar_one()
    engine.dispose()
    return Shop(url, gateway, product)


@dataclass(frozen=True)
class Purchase:
    seconds: float
    finished: float  # time.monotonic(), comparable across processes on Linux
    failed_at: str = ""  # "": it reached the end it was sent to


def _attempt(shop: Shop, whole: bool) -> Purchase:
    buyer = Buyer(shop)
    started, stage = time.monotonic(), "payment page"
    try:
        buyer.add(SLUG)
        answer = buyer.checkout()
        form_url = answer.headers.get("Location", "")
        reached = answer.status_code == 303 and form_url.startswith(shop.gateway)
        if reached and whole:
            stage = "paid page"
            reached = PAID in buyer.pay(form_url, CARD_APPROVE).text
    except Exception:  # any error is a failed purchase: counted, never raised
        reached = False
    finally:
        buyer.close()
    now = time.monotonic()
    return Purchase(now - started, now, "" if reached else stage)


def _shopper(job: tuple[Shop, bool, float, float]) -> list[Purchase]:
    shop, whole, start, until = job
    time.sleep(max(0.0, start - time.monotonic()))
    done = []
    while time.monotonic() < until:
        done.append(_attempt(shop, whole))
    return done


@dataclass
class Round:
    """Several buyers at once for a while: what they got done."""

    buyers: int
    start: float
    purchases: list[Purchase] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds used, by whom

    @property
    def ok(self) -> list[Purchase]:
        return [p for p in self.purchases if not p.failed_at]

    @property
    def failed(self) -> int:
        return len(self.purchases) - len(self.ok)

    @property
    def rate(self) -> float:
        """Purchases that reached their end, per second of the round."""
        end = max((p.finished for p in self.purchases), default=self.start)
        return len(self.ok) / max(end - self.start, 1e-9)

    @property
    def p50_ms(self) -> float:
        return statistics.median(p.seconds for p in self.ok) * 1000 if self.ok else float("nan")


class Crowd:
    """`buyers` processes buying from `shop` for `seconds`; `whole=False` stops each attempt
    at the payment page (checkouts only). Use as a context manager, then read .round."""

    def __init__(self, shop: Shop, buyers: int, seconds: float, whole: bool = True) -> None:
        self.buyers = buyers
        self._pool = multiprocessing.get_context("fork").Pool(buyers)
        start = time.monotonic() + 0.2  # every process forked and waiting at the line
        self.round = Round(buyers, start)
        job = (shop, whole, start, start + seconds)
        self._pending = self._pool.map_async(_shopper, [job] * buyers, chunksize=1)

    def __enter__(self) -> Crowd:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                for done in self._pending.get(timeout=600):
                    self.round.purchases.extend(done)
        finally:
            self._pool.terminate()
            self._pool.join()


def _children_cpu() -> float:
    spent = os.times()
    return spent.children_user + spent.children_system


def run_round(shop: Shop, buyers: int, seconds: float, whole: bool = True) -> Round:
    """One round; its .cpu["buyers"] is what the buyers' processes used."""
    before = _children_cpu()
    with Crowd(shop, buyers, seconds, whole) as crowd:
        pass
    crowd.round.cpu["buyers"] = _children_cpu() - before
    return crowd.round
