"""`flask payments sync`: the buyer who never came back, and the payment nobody finished."""

from __future__ import annotations

import pytest

from tests.support import Buyer, start_live_shop


def sync(shop, expect_exit: int = 0) -> str:
    result = shop.app.test_cli_runner().invoke(args=["payments", "sync"])
    assert result.exit_code == expect_exit, result.output
    return result.output


def pay_and_close_the_tab(shop) -> None:
    buyer = Buyer(shop)
    buyer.pay_and_close_the_tab()
    buyer.close()


def test_sync_settles_a_paid_order_whose_buyer_never_returned(live_shop):
    pay_and_close_the_tab(live_shop)
    assert live_shop.only_payment().state == "awaiting_payment"

    assert "asked 1, changed 1, unreachable 0, given up 0" in sync(live_shop)
    assert live_shop.only_payment().state == "paid"
    assert "asked 0, changed 0" in sync(live_shop)  # nothing left to ask about


def test_sync_reports_an_unreachable_gateway_changes_nothing_and_fails(live_shop):
    pay_and_close_the_tab(live_shop)
    live_shop.app.config["RBS_API_URL"] = "http://127.0.0.1:9/payment/rest/"

    assert "asked 1, changed 0, unreachable 1, given up 0" in sync(live_shop, expect_exit=1)
    assert live_shop.only_payment().state == "awaiting_payment"


@pytest.fixture
def payneteasy_shop(tmp_path):
    shop = start_live_shop(
        tmp_path, PAYMENT_PROVIDERS="payneteasy", SANDBOX_PAYNETEASY_CALLBACKS="manual"
    )
    yield shop
    shop.stop()


def test_abandoned_payment_expires_and_a_late_payment_still_counts(payneteasy_shop):
    shop = payneteasy_shop
    buyer = Buyer(shop)
    form_url = buyer.buy()
    shop.app.config["PAYMENT_ABANDON_AFTER_SECS"] = 0

    assert "asked 1, changed 0, unreachable 0, given up 1" in sync(shop)
    assert shop.only_payment().state == "expired"

    # The buyer had the form open all along and pays after all: the money is not lost.
    page = buyer.follow_final_redirect(buyer.pay_payneteasy(form_url, "123"))
    assert 'data-state="paid"' in page.text
    assert shop.only_payment().state == "paid"
    buyer.close()
