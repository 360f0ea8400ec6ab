"""A person's purchase in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support import start_live_shop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Without these, chromium tries Google's hosts and the closed network refuses it at length.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(tmp_path):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: `make browser` installs Debian's chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        context = browser.new_context()
        yield context.new_page()
        context.close()
        browser.close()


def test_purchase_with_three_d_secure_in_a_real_browser(live_shop, page: Page):
    page.goto(live_shop.url)
    page.locator(".card", has_text="Fountain pen").get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-link")).to_contain_text("(1)")
    page.get_by_role("link", name="Buy").click()
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_role("button", name="Pay").click()

    expect(page).to_have_url(re.compile(r"/sandbox/payment/merchants/"))
    expect(page.get_by_text("4111 1111 1111 1111").first).to_be_visible()
    page.locator("input[name=pan]").fill("5555 5555 5555 5599")
    page.locator("input[name=expiry]").fill("12/30")
    page.locator("input[name=cvc]").fill("123")
    page.locator("form.card-form button[type=submit]").click()
    page.locator("input[name=code]").fill("123456")
    page.locator("form.card-form button[type=submit]").click()

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
    expect(page.get_by_role("heading", name="Paid. Thank you!")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("getOrderStatusExtended.do")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "paid-order.png"), full_page=True)


@pytest.fixture
def two_provider_shop(tmp_path):
    shop = start_live_shop(tmp_path, PAYMENT_PROVIDERS="rbs,payneteasy")
    yield shop
    shop.stop()


def test_payneteasy_final_redirect_auto_submits_in_a_real_browser(two_provider_shop, page: Page):
    page.goto(f"{two_provider_shop.url}/products/oak-board")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Buy").click()
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Bank card (PaynetEasy)").check()
    page.get_by_role("button", name="Pay").click()

    expect(page).to_have_url(re.compile(r"/sandbox/paynet/form/"))
    page.locator("input[name=pan]").fill("4444 5555 6666 1111")
    page.locator("input[name=expiry]").fill("12/30")
    page.locator("input[name=cvv]").fill("321")
    page.locator("form.card-form button[type=submit]").click()
    page.locator("input[name=password]").fill("hint")
    page.locator("form.card-form button[type=submit]").click()

    # The gateway's page posts the signed result back to the shop by itself (external JS).
    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
    expect(page.locator(".timeline")).to_contain_text("sale-form")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "paid-order-payneteasy.png"), full_page=True)


def test_declined_payment_then_retry_in_a_real_browser(live_shop, page: Page):
    page.goto(f"{live_shop.url}/products/tea-sampler")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_role("link", name="Buy").click()
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_role("button", name="Pay").click()
    page.locator("input[name=pan]").fill("5168 4948 9505 5780")
    page.locator("input[name=expiry]").fill("12/30")
    page.locator("input[name=cvc]").fill("123")
    page.locator("form.card-form button[type=submit]").click()

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "declined")
    page.get_by_role("button", name="Try again").click()
    page.locator("input[name=pan]").fill("4111 1111 1111 1111")
    page.locator("input[name=expiry]").fill("12/30")
    page.locator("input[name=cvc]").fill("123")
    page.locator("form.card-form button[type=submit]").click()

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
