"""Pay on a gateway's hosted page in a headless Chromium, as a buyer would.

Playwright is a test extra (pyproject's [test]), imported only when --pay asks for it. The
page is read by the usual field names and autocomplete hints, in every frame; a 3-D Secure
page is answered with the card's code. The buyer's way back to the shop is answered in the
browser itself, so the shop needs not be reachable from here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shop.payments.conformance.options import Card, GatewayCheckUnusable
from shop.payments.conformance.runner import Fail

# Without these, chromium tries Google's hosts, which a closed network refuses at length.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAN = (
    "input[name=pan]",
    "input[autocomplete=cc-number]",
    "input[name*=pan i]",
    "input[id*=pan i]",
    "input[name*=cardnumber i]",
    "input[name*=card_number i]",
)
EXPIRY = (
    "input[name=expiry]",
    "input[autocomplete=cc-exp]",
    "input[name*=expir i]",
    "input[id*=expir i]",
)
MONTH = ("[autocomplete=cc-exp-month]", "select[name*=month i]", "input[name*=month i]")
YEAR = ("[autocomplete=cc-exp-year]", "select[name*=year i]", "input[name*=year i]")
CVC = (
    "input[name=cvc]",
    "input[name=cvv]",
    "input[autocomplete=cc-csc]",
    "input[name*=cvc i]",
    "input[name*=cvv i]",
    "input[id*=cvc i]",
    "input[id*=cvv i]",
)
HOLDER = ("input[name=cardholder]", "input[autocomplete=cc-name]", "input[name*=holder i]")
CODE = (
    "input[name=code]",
    "input[name=password]",
    "input[autocomplete=one-time-code]",
    "input[name*=otp i]",
    "input[type=password]",
)
SUBMIT = "button[type=submit], input[type=submit]"


def ensure_available(chromium: str) -> None:
    """Refuse --pay at once, with what to install, when Playwright or Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise GatewayCheckUnusable(
            "--pay drives Chromium through Playwright, which is not installed: "
            "pip install -e '.[test]' (make install does it)"
        ) from exc
    if not Path(chromium).exists():
        raise GatewayCheckUnusable(
            f"--pay needs Chromium at {chromium}: `make browser` installs Debian's chromium, "
            "or set CHROMIUM_PATH"
        )


def pay(form_url: str, card: Card, back: Callable[[str], bool], options: Any) -> str:
    """Fill the card form behind form_url and answer 3-D Secure until the browser is sent back
    (back(url) is true); returns that URL. Fails with where the page got stuck."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium, args=QUIET_FLAGS)
        try:
            context = browser.new_context()
            context.route(back, lambda route: route.fulfill(status=200, body="back at the shop"))
            page = context.new_page()
            page.goto(form_url)
            _fill_card(page, card)
            return _until_back(page, card, back, time.monotonic() + options.pay_timeout)
        finally:
            browser.close()


def _first(page: Any, selectors: tuple[str, ...]) -> Any:
    """The first visible field matching one of selectors, in any frame; None if there is none."""
    for frame in page.frames:
        for selector in selectors:
            found = frame.locator(selector)
            for index in range(found.count()):
                if found.nth(index).is_visible():
                    return found.nth(index)
    return None


def _fill_card(page: Any, card: Card) -> None:
    pan = _first(page, PAN)
    if pan is None:
        raise Fail(f"no card number field on the payment page {page.url}")
    pan.fill(card.pan)
    expiry = _first(page, EXPIRY)
    if expiry is not None:
        expiry.fill(card.expiry)
    else:
        _fill_or_select(_first(page, MONTH), card.month, "month")
        _fill_or_select(_first(page, YEAR), card.year, "year")
    cvc = _first(page, CVC)
    if cvc is None:
        raise Fail(f"no CVC field on the payment page {page.url}")
    cvc.fill(card.cvc)
    holder = _first(page, HOLDER)
    if holder is not None:
        holder.fill("GATEWAY CHECK")
    _submit(page, cvc)


def _fill_or_select(field: Any, value: str, what: str) -> None:
    if field is None:
        raise Fail(f"no expiry {what} field on the payment page")
    if field.evaluate("element => element.tagName") == "SELECT":
        for label in (value, "20" + value if what == "year" else value):
            if field.locator(f"option[value='{label}']").count():
                field.select_option(label)
                return
        raise Fail(f"the expiry {what} {value} is not offered by the payment page")
    field.fill(value)


def _submit(page: Any, field: Any) -> None:
    """Click the submit button of the field's own form (not a wallet's), or press Enter."""
    button = field.locator("xpath=ancestor::form[1]").locator(SUBMIT)
    with page.expect_navigation(wait_until="commit"):
        if button.count():
            button.first.click()
        else:
            field.press("Enter")


def _until_back(page: Any, card: Card, back: Callable[[str], bool], deadline: float) -> str:
    answered: set[str] = set()
    while not back(page.url):
        if time.monotonic() > deadline:
            raise Fail(f"not sent back to the shop in time; the browser is at {page.url}")
        code = _first(page, CODE)
        if code is not None and page.url not in answered:
            if not card.code:
                raise Fail("the stand asks for a 3-D Secure code: add it to GATEWAY_CHECK_CARD")
            answered.add(page.url)
            code.fill(card.code)
            _submit(page, code)
        page.wait_for_timeout(200)
    return page.url
