"""The workshop's pictures: one purchase walked in Debian's chromium, a PNG per page.

    .venv/bin/python -m tests.screenshots [--lang en ru] [--out docs/img]

`make screenshots` runs this and writes docs/img/<lang>/<shot>.png, the images that
docs/workshop.md and docs/workshop.ru.md show. The shop is started the way the browser
tests start it (tests.support.start_live_shop: demo mode, the sandbox mounted, databases of
its own in a temporary directory), so nothing of instance/ is read or written.

The browser suite walks the same path into a temporary directory on every run
(tests/test_screenshots.py), so a page that changes its shape breaks the build, not the
workshop; only `make screenshots` writes into docs/.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from tests.support import (
    CARD_APPROVE,
    CARD_NO_FUNDS,
    LiveShop,
    compile_translations,
    start_live_shop,
)
from tests.test_e2e_browser import CHROMIUM, QUIET_FLAGS

ROOT = Path(__file__).resolve().parent.parent
DOCS_IMG = ROOT / "docs" / "img"
LANGUAGES = ("en", "ru")
# In the order they are taken; each is docs/img/<lang>/<name>.png.
SHOTS = (
    "catalog",
    "payment-page",
    "wallets",
    "paid-order",
    "diagram",
    "staff-order",
    "faults-page",
    "unknown-order",
    "declined-order",
)
VIEWPORT = {"width": 1000, "height": 700}
# A register.do that hangs past the shop's read timeout, after the gateway registered.
TIMEOUT_SECS = 1.0
HANG_MS = 1500


@contextmanager
def browser_page(language: str) -> Iterator[Page]:
    """A fresh chromium page whose browser asks for `language` (Accept-Language)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: `make browser` installs it"
    locale = {"en": "en-GB", "ru": "ru-RU"}[language]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        context = browser.new_context(viewport=VIEWPORT, locale=locale)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


class Camera:
    """Saves the pages of one walk under out/<language>/."""

    def __init__(self, page: Page, out: Path, language: str) -> None:
        self.page = page
        self.dir = out / language
        self.dir.mkdir(parents=True, exist_ok=True)
        self.taken: list[Path] = []

    def _path(self, name: str) -> Path:
        assert name in SHOTS, f"{name} is not in SHOTS"
        path = self.dir / f"{name}.png"
        self.taken.append(path)
        return path

    def page_top(self, name: str) -> None:
        """What the visitor sees first: the viewport, scrolled to the top."""
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(self._path(name)))

    def element(self, name: str, selector: str) -> None:
        """One part of the page, cut to its box."""
        self.page.locator(selector).first.screenshot(path=str(self._path(name)))


def buy(page: Page, shop: LiveShop, slug: str, name: str) -> None:
    """From a product page: add to cart, Buy, fill the form, Pay (selectors, not words, so
    the walk is the same in every language)."""
    page.goto(f"{shop.url}/products/{slug}")
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"{shop.url}/checkout")
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=email]").fill("ada@example.com")
    page.locator("form.checkout button[type=submit]").click()


def pay_with_card(page: Page, pan: str) -> None:
    page.locator("input[name=pan]").fill(pan)
    page.locator("input[name=expiry]").fill("12/30")
    page.locator("input[name=cvc]").fill("123")
    page.locator("form.card-form button[type=submit]").click()


def walk(page: Page, shop: LiveShop, camera: Camera, language: str) -> None:
    """The workshop's walk: a purchase, its diagram, the staff's page, a fault, a decline."""
    page.goto(shop.url)
    page.locator(f"nav.languages a[hreflang={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    camera.page_top("catalog")

    buy(page, shop, "fountain-pen", "Ada Lovelace")
    expect(page).to_have_url(re.compile(rf"/sandbox/payment/merchants/[^/]+/payment_{language}"))
    camera.page_top("payment-page")
    camera.element("wallets", "section.wallets")

    pay_with_card(page, CARD_APPROVE)
    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
    token = page.url.rsplit("/", 1)[1]
    camera.page_top("paid-order")
    camera.element("diagram", "section.diagram svg.sequence")

    page.goto(f"{shop.url}/admin/login")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill("demo-admin")
    page.locator("main form button[type=submit]").click()
    page.goto(f"{shop.url}/admin/orders/{token}")
    page.locator("form.action-refund input[name=amount]").fill("100")
    page.locator("form.action-refund button[type=submit]").click()
    expect(page.locator("h1 .state")).to_have_attribute("data-state", "partially_refunded")
    camera.page_top("staff-order")

    page.goto(f"{shop.url}/sandbox/sandbox-control/faults/page")
    form = page.locator("form.arm-api")
    form.locator("select[name=method]").select_option("register.do")
    form.locator("select[name=fault]").select_option("hang_after")
    form.locator("input[name=ms]").fill(str(HANG_MS))
    form.locator("button[type=submit]").click()
    expect(page.locator("tr[data-fault=hang_after]")).to_be_visible()
    camera.page_top("faults-page")

    buy(page, shop, "ceramic-mug", "Grace Hopper")
    expect(page.locator("section.outcome")).to_have_attribute("data-state", "pending")
    camera.page_top("unknown-order")

    buy(page, shop, "tea-sampler", "Grace Hopper")
    pay_with_card(page, CARD_NO_FUNDS)
    expect(page.locator("section.outcome")).to_have_attribute("data-state", "declined")
    camera.page_top("declined-order")


def take(out: Path, language: str, work: Path) -> list[Path]:
    """Start a shop (databases under work/), walk it in `language`, save PNGs under
    out/<language>/; returns the files written, in SHOTS order."""
    work.mkdir(parents=True, exist_ok=True)
    shop = start_live_shop(
        work,
        GATEWAY_TIMEOUT=TIMEOUT_SECS,
        # The walk's unknown registration stays unknown while the picture is taken.
        PAYMENT_UNKNOWN_AFTER_SECS=3600,
    )
    try:
        with browser_page(language) as page:
            camera = Camera(page, out, language)
            walk(page, shop, camera, language)
            return camera.taken
    finally:
        shop.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--lang", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--out", type=Path, default=DOCS_IMG)
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # the servers' request lines: only the files written matter
    compile_translations()
    for language in args.lang:
        with tempfile.TemporaryDirectory(prefix="screenshots-") as work:
            for path in take(args.out, language, Path(work)):
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
