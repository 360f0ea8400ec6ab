"""A person's purchase in a real browser: Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from shop.payments.conformance.browser import QUIET_FLAGS
from tests.support import start_live_shop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

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


def check_out(page: Page, name: str, email: str, provider_label: str = "") -> None:
    """From the cart: Buy, fill in who is buying, choose a provider if offered, Pay."""
    page.get_by_role("link", name="Buy").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    if provider_label:
        page.get_by_label(provider_label).check()
    page.get_by_role("button", name="Pay").click()


def submit_card(page: Page, pan: str, code: str, code_field: str = "cvc") -> None:
    """Fill the gateway's card form (RBS asks for a CVC, PaynetEasy for a CVV) and pay."""
    page.locator("input[name=pan]").fill(pan)
    page.locator("input[name=expiry]").fill("12/30")
    page.locator(f"input[name={code_field}]").fill(code)
    page.locator("form.card-form button[type=submit]").click()


def answer_challenge(page: Page, field: str, secret: str) -> None:
    page.locator(f"input[name={field}]").fill(secret)
    page.locator("form.card-form button[type=submit]").click()


def test_purchase_with_three_d_secure_in_a_real_browser(live_shop, page: Page):
    page.goto(live_shop.url)
    page.locator(".card", has_text="Fountain pen").get_by_role("button", name="Add to cart").click()
    expect(page.locator(".cart-link")).to_contain_text("(1)")
    check_out(page, "Ada Lovelace", "ada@example.com")

    expect(page).to_have_url(re.compile(r"/sandbox/payment/merchants/"))
    expect(page.get_by_text("4111 1111 1111 1111").first).to_be_visible()
    submit_card(page, "5555 5555 5555 5599", "123")
    answer_challenge(page, "code", "123456")

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
    check_out(page, "Ada Lovelace", "ada@example.com", "Bank card (PaynetEasy)")

    expect(page).to_have_url(re.compile(r"/sandbox/paynet/form/"))
    submit_card(page, "4444 5555 6666 1111", "321", code_field="cvv")
    answer_challenge(page, "password", "hint")

    # The gateway's page posts the signed result back to the shop by itself (external JS).
    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
    expect(page.locator(".timeline")).to_contain_text("sale-form")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "paid-order-payneteasy.png"), full_page=True)


def test_declined_payment_then_retry_in_a_real_browser(live_shop, page: Page):
    page.goto(f"{live_shop.url}/products/tea-sampler")
    page.get_by_role("button", name="Add to cart").click()
    check_out(page, "Grace Hopper", "grace@example.com")
    submit_card(page, "5168 4948 9505 5780", "123")

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "declined")
    page.get_by_role("button", name="Try again").click()
    submit_card(page, "4111 1111 1111 1111", "123")

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")


def test_wallet_button_with_3ds_in_a_real_browser(live_shop, page: Page):
    page.goto(f"{live_shop.url}/products/ceramic-mug")
    page.get_by_role("button", name="Add to cart").click()
    check_out(page, "Ada Lovelace", "ada@example.com")

    expect(page).to_have_url(re.compile(r"/sandbox/payment/merchants/"))
    page.get_by_role("button", name="Google Pay with 3-D Secure").click()
    answer_challenge(page, "code", "123456")

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
    expect(page.locator(".paid-with")).to_have_text("Paid with Google Pay")


def test_a_purchase_in_russian_in_a_real_browser(live_shop, page: Page):
    """RU in the header, then everything in Russian: the shop, the bank's page, the return."""
    page.goto(f"{live_shop.url}/products/fountain-pen")
    page.locator("nav.languages").get_by_role("link", name="RU").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("button", name="В корзину").click()
    expect(page.locator(".cart-link")).to_contain_text("Корзина (1)")
    page.get_by_role("link", name="Купить").click()
    page.get_by_label("Имя").fill("Ада Лавлейс")
    page.get_by_label("Эл. почта").fill("ada@example.com")
    page.get_by_role("button", name="Оплатить").click()

    expect(page).to_have_url(re.compile(r"/sandbox/payment/merchants/[^/]+/payment_ru\.html"))
    expect(page.get_by_role("heading", name="Оплата картой")).to_be_visible()
    expect(page.locator(".test-cards")).to_contain_text("Одобрено без 3-D Secure")
    submit_card(page, "5555 5555 5555 5599", "123")
    expect(page.get_by_role("heading", name="Проверка 3-D Secure")).to_be_visible()
    answer_challenge(page, "code", "123456")

    expect(page.locator("section.outcome")).to_have_attribute("data-state", "paid")
    expect(page.get_by_role("heading", name="Оплачено. Спасибо!")).to_be_visible()
    expect(page.locator("section.outcome")).to_contain_text("3\xa0790,00\xa0₽")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "paid-order-ru.png"), full_page=True)
