"""Gateway clients: pure (requests and the standard library only), one module per gateway.

base.py is the contract, transport.py the HTTP under every client, errors.py the one error
hierarchy. Each gateway module exports PROVIDER; this table is every gateway the shop knows,
and adding a bank is one module plus one line here.
"""

from __future__ import annotations

from shop.payments.gateways import payneteasy, rbs
from shop.payments.gateways.base import Provider

PROVIDERS: dict[str, Provider] = {
    provider.key: provider
    for provider in (
        rbs.PROVIDER,
        payneteasy.PROVIDER,
    )
}
