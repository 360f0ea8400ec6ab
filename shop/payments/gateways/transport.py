"""HTTP for gateway clients: timeouts, safe retries, one error hierarchy, each exchange logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from shop.payments.gateways.base import Exchange, ExchangeObserver, mask
from shop.payments.gateways.errors import GatewayProtocolError, GatewayUnavailable

log = logging.getLogger(__name__)


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


class Transport:
    """Form-encoded POSTs to one gateway, with secrets masked before anything is reported."""

    def __init__(
        self,
        gateway: str,
        secret_params: frozenset[str],
        timeout: tuple[float, float],
        observer: ExchangeObserver | None,
    ) -> None:
        self.gateway = gateway
        self.secret_params = secret_params
        self.timeout = timeout
        self.observer = observer
        self._once = requests.Session()
        self._repeatable = _repeatable_session()

    def post(
        self, url: str, endpoint: str, data: Mapping[str, str], *, repeatable: bool
    ) -> requests.Response:
        """POST and return a 200 answer, or raise GatewayUnavailable / GatewayProtocolError."""
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
            self._report(endpoint, data, response, started)
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
                    request=mask(data, self.secret_params),
                    response_text=response.text[:4000] if response is not None else "",
                    http_status=status,
                    duration_ms=duration_ms,
                    error="" if response is not None else "no answer",
                )
            )


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
