"""Adding a bank is one module exporting PROVIDER plus one line in the table: proven with a
throwaway provider defined here, which the shop then configures, offers, and pays through.

"Acme" speaks the RBS protocol (so the embedded sandbox can play it) but is its own
provider: its own key, label, settings (ACME_*), callback route and payments.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from shop.config import SANDBOX_DEMO_PASSWORD, SANDBOX_DEMO_USERNAME
from shop.payments.gateways import PROVIDERS
from shop.payments.gateways.base import Provider
from shop.payments.gateways.rbs import RbsClient
from shop.payments.gateways.transport import Wiring
from tests.support import CARD_APPROVE, Buyer, start_live_shop


def _connect(api_url: str, settings: Mapping[str, object], wiring: Wiring) -> RbsClient:
    return RbsClient(
        api_url,
        str(settings["LOGIN"]),
        str(settings["SECRET"]),
        wiring=wiring,
    )


ACME = Provider(
    key="acme",
    label="Bank card (Acme)",
    settings={"LOGIN": "", "SECRET": "", "TWO_STAGE": False, "PAYMENT_PAGE_ORIGINS": ""},
    connect=_connect,
    secrets=frozenset({"SECRET"}),
    sandbox_path="/payment/rest/",
)


@pytest.fixture
def shop(tmp_path, monkeypatch):
    monkeypatch.setitem(PROVIDERS, "acme", ACME)  # the one line
    live = start_live_shop(
        tmp_path,
        PAYMENT_PROVIDERS="rbs,acme",
        ACME_LOGIN=SANDBOX_DEMO_USERNAME,
        ACME_SECRET=SANDBOX_DEMO_PASSWORD,
    )
    yield live
    live.stop()


def test_a_provider_defined_in_one_module_is_offered_and_paid_through(shop):
    buyer = Buyer(shop)
    buyer.add("ceramic-mug")
    form = buyer.get("/checkout").text
    assert 'value="acme"' in form and "Bank card (Acme)" in form

    answer = buyer.checkout(provider="acme")
    assert answer.status_code == 303, answer.text
    page = buyer.pay(answer.headers["Location"], CARD_APPROVE)

    assert 'data-state="paid"' in page.text
    payment = shop.only_payment()
    assert (payment.provider, payment.state) == ("acme", "paid")
    assert payment.gateway_url.endswith("/sandbox/payment/rest/")


def test_its_callback_route_exists_and_refuses_what_it_cannot_verify(shop):
    # Acme has no callback key: a callback naming an order is refused, never trusted.
    answer = Buyer(shop).get("/payments/acme/callback?orderNumber=X-1&mdOrder=m&status=1")
    assert answer.status_code == 403
    assert Buyer(shop).get("/payments/zeta/callback?orderNumber=X-1").status_code == 404


def test_its_secret_is_masked_by_config_check(shop):
    from shop import config_check

    with shop.app.app_context():
        shown = dict(config_check.effective(shop.app.config))
    assert "ACME_SECRET" in shown and SANDBOX_DEMO_PASSWORD not in shown["ACME_SECRET"]
