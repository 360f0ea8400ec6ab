"""HTTP for gateway clients: timeouts, safe retries, one error hierarchy, each exchange logged."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shop.payments.gateways.bulkhead import Bulkhead
from shop.payments.gateways.errors import GatewayProtocolError, GatewayUnavailable
from shop.payments.gateways.masking import Redactor, mask_params

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exchange:
    """One request/response with the gateway, secrets already masked, for the event log."""

    endpoint: str
    request: Mapping[str, str]
    response_text: str
    http_status: int | None
    duration_ms: int
    error: str = ""

    def request_json(self) -> str:
        return json.dumps(dict(self.request), ensure_ascii=False, sort_keys=True)


ExchangeObserver = Callable[[Exchange], None]


@dataclass(frozen=True)
class Wiring:
    """What the shop hands every client besides its settings: timeouts (connect, read),
    who hears of each exchange, and the process's limit on calls at once."""

    timeout: tuple[float, float] = (3.05, 10.0)
    observer: ExchangeObserver | None = None
    bulkhead: Bulkhead | None = None


UNWIRED = Wiring()  # default timeouts, nobody listening, no limit: a client on its own


def _repeatable_session() -> requests.Session:
    """Retries connection failures and 502/503/504: only for calls that are safe to repeat."""
    retry = Retry(
        total=2,
        connect=2,
        read=0,
        status=2,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"POST", "GET"}),
        backoff_factor=0.2,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def _as_is(text: str) -> str:
    return text


class Transport:
    """Form-encoded POSTs to one gateway, masked before anything is reported: secrets and
    payer data in requests (`hidden_params`), payer data in answers (`redact_response`)."""

    def __init__(
        self,
        gateway: str,
        hidden_params: frozenset[str],
        wiring: Wiring,
        redact_response: Redactor = _as_is,
    ) -> None:
        self.gateway = gateway
        self.hidden_params = hidden_params
        self.timeout = wiring.timeout
        self.observer = wiring.observer
        self.redact_response = redact_response
        self.bulkhead = wiring.bulkhead
        self._once = requests.Session()
        self._repeatable = _repeatable_session()

    def post(
        self,
        url: str,
        endpoint: str,
        data: Mapping[str, str],
        *,
        repeatable: bool,
        also_hidden: frozenset[str] = frozenset(),
    ) -> requests.Response:
        """POST and return a 200 answer, or raise GatewayUnavailable / GatewayProtocolError.

        also_hidden names this call's own values to mask, e.g. the signature of a refund.
        """
        with self.bulkhead.slot() if self.bulkhead else nullcontext():
            return self._post(url, endpoint, data, repeatable, also_hidden)

    def _post(
        self,
        url: str,
        endpoint: str,
        data: Mapping[str, str],
        repeatable: bool,
        also_hidden: frozenset[str],
    ) -> requests.Response:
        session = self._repeatable if repeatable else self._once
        started = time.monotonic()
        response: requests.Response | None = None
        try:
            response = session.post(url, data=dict(data), timeout=self.timeout)
        except requests.Timeout as exc:
            raise GatewayUnavailable("The payment gateway did not answer in time.") from exc
        except requests.RequestException as exc:
            raise GatewayUnavailable("The payment gateway could not be reached.") from exc
        finally:
            shown = mask_params(data, self.hidden_params | also_hidden)
            self._report(endpoint, shown, response, started)
        return _checked(response)

    def _report(
        self,
        endpoint: str,
        data: Mapping[str, str],
        response: requests.Response | None,
        started: float,
    ) -> None:
        duration_ms = int((time.monotonic() - started) * 1000)
        status = response.status_code if response is not None else None
        log.info(
            "gateway=%s call=%s http_status=%s duration_ms=%s",
            self.gateway,
            endpoint,
            status,
            duration_ms,
        )
        if self.observer is not None:
            self.observer(
                Exchange(
                    endpoint=endpoint,
                    request=data,
                    response_text=self._shown_answer(response),
                    http_status=status,
                    duration_ms=duration_ms,
                    error="" if response is not None else "no answer",
                )
            )

    def _shown_answer(self, response: requests.Response | None) -> str:
        """The answer as the event log keeps it: cut to size, then payer data masked."""
        return self.redact_response(response.text[:4000]) if response is not None else ""


def _checked(response: requests.Response) -> requests.Response:
    if response.status_code >= 500:
        raise GatewayUnavailable(
            f"The payment gateway failed (HTTP {response.status_code}).",
            http_status=response.status_code,
        )
    if response.status_code != 200:
        raise GatewayProtocolError(
            f"The payment gateway answered HTTP {response.status_code}.",
            http_status=response.status_code,
        )
    return response
