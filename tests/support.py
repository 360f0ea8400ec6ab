"""Test helpers: a live shop on a loopback port, and a buyer that drives it over HTTP."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests
from flask import Flask
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from shop import create_app
from shop.catalog.demo import seed_products
from shop.extensions import db
from shop.models import Order, Payment, Product
from shop.sandbox.common import delivery

CARD_APPROVE = "4111 1111 1111 1111"
CARD_3DS = "5555 5555 5555 5599"
CARD_NO_3DS = "4444 5555 1111 3333"
CARD_DECLINE = "5168 4948 9505 5780"
CARD_NO_FUNDS = "4000 0000 0000 9995"
PNE_CARD = "4444 5555 6666 1111"
LIVE_STAFF_PASSWORD = "live-staff-password"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


class Clock:
    """A sandbox clock the test moves by hand, so expiry needs no sleeping: running with the
    wall clock plus what the test advanced, or frozen (tests that compare exact times)."""

    def __init__(self, frozen: bool = False) -> None:
        self.start = time.time()
        self.frozen = frozen
        self.offset = 0.0

    @property
    def now(self) -> float:
        return (self.start if self.frozen else time.time()) + self.offset

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def make_config(tmp_path: Path, **overrides: object) -> dict[str, object]:
    """A complete config for one test: its own databases and secret, nothing from instance/."""
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        # `make test-postgres` runs the same suite against PostgreSQL.
        "DATABASE_URL": os.environ.get("TEST_DATABASE_URL")
        or f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.sqlite3'}",
        # Nothing listens there: an app without a live server never reaches a stray one.
        "SHOP_PUBLIC_URL": "http://127.0.0.1:9",
        "SANDBOX_CLOCK": Clock(),
        # Tests that want the sandbox's RBS callbacks switch them on; the rest stay exact.
        "SANDBOX_RBS_CALLBACKS": "manual",
        "GATEWAY_TIMEOUT": 5.0,
        # Every reload asks the gateway, so tests see news at once; the limit has its own tests.
        "STATUS_REFRESH_MIN_SECS": 0,
    }
    config.update(overrides)
    return config


def compile_translations() -> None:
    """Compile each .po whose .mo is missing or older, as `make` does (a bare `pytest` too)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_suffix(f".{os.getpid()}.tmp")  # another run may compile at once
        with partial.open("wb") as target:
            write_mo(target, catalog)  # fuzzy entries left out, as pybabel compile does
        partial.replace(mo)


def prepare_database(app: Flask) -> None:
    """A clean schema for each test, on SQLite (a new file) as on PostgreSQL (tables dropped)."""
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        seed_products()


def release_database(app: Flask) -> None:
    """Close pooled connections so the next test can drop the tables."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass
class LiveShop:
    """The shop (with the sandbox mounted) serving on a real loopback socket."""

    app: Flask
    url: str
    clock: Clock
    _server: object = field(repr=False, default=None)

    def product_id(self, slug: str) -> int:
        with self.app.app_context():
            return db.session.execute(db.select(Product.id).filter_by(slug=slug)).scalar_one()

    def only_payment(self) -> Payment:
        """The one payment a test made, with its events and order loaded for assertions."""
        with self.app.app_context():
            payment = db.session.execute(db.select(Payment)).scalar_one()
            _ = payment.events, payment.order
            return payment

    def only_order_token(self) -> str:
        """The public token of the one order a test made."""
        with self.app.app_context():
            return db.session.execute(db.select(Order.token)).scalar_one()

    def sandbox(self) -> Flask:
        """The mounted sandbox app (its own config and tables); demo mode only."""
        return self.app.wsgi_app.mounts["/sandbox"]

    def stop(self) -> None:
        # Stop the sandbox's callback threads first: they call this very server.
        if self.app.config["SANDBOX_MOUNTED"]:
            delivery.shutdown(self.sandbox())
        self._server.shutdown()
        self._server.server_close()
        release_database(self.app)

    def wait_for(self, predicate, seconds: float = 5.0) -> bool:
        """Poll a condition on the shop's database (a callback arrives on its own time)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.app.app_context():
                if predicate():
                    return True
            time.sleep(0.05)
        return False


class _Late:
    """A WSGI app filled in after the socket is bound, so the app knows its own URL."""

    app: Flask | None = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@dataclass
class _Port:
    """A bound loopback port whose app is built later (two servers can know each other)."""

    server: object
    late: _Late

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def serve(self, app: Flask) -> Flask:
        self.late.app = app
        # A short poll: stop() returns at once, not after half a second per server.
        serve = self.server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return app


def _bind() -> _Port:
    late = _Late()
    return _Port(make_server("127.0.0.1", 0, late, threaded=True), late)


def serve_on_loopback(app: Flask) -> tuple[str, Callable[[], None]]:
    """Serve any WSGI app (a stub gateway, say) on a loopback port: (its URL, stop)."""
    port = _bind()
    port.serve(app)

    def stop() -> None:
        port.server.shutdown()
        port.server.server_close()

    return port.url, stop


def _shop_app(tmp_path: Path, url: str, overrides: dict) -> tuple[Flask, dict]:
    config = make_config(tmp_path, **overrides)
    app = create_app({**config, "SHOP_PUBLIC_URL": url})
    prepare_database(app)
    return app, config


def start_live_shop(tmp_path: Path, **overrides: object) -> LiveShop:
    """The shop on a loopback port; demo mode (sandbox mounted) unless a gateway URL is set."""
    port = _bind()
    app, config = _shop_app(tmp_path, port.url, overrides)
    port.serve(app)
    return LiveShop(app=app, url=port.url, clock=config["SANDBOX_CLOCK"], _server=port.server)


@dataclass
class SandboxServer:
    """The sandbox run alone on its own loopback port, as a remote gateway would be."""

    app: Flask
    url: str
    _server: object = field(repr=False, default=None)

    @property
    def rbs_api_url(self) -> str:
        return f"{self.url}/payment/rest/"

    @property
    def payneteasy_api_url(self) -> str:
        return f"{self.url}/paynet/api/v2/"

    def stop(self) -> None:
        delivery.shutdown(self.app)
        self._server.shutdown()
        self._server.server_close()


def _sandbox_config(tmp_path: Path, overrides: dict) -> dict[str, object]:
    return {
        "TESTING": True,
        "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'standalone-sandbox.sqlite3'}",
        "SANDBOX_CLOCK": Clock(),
        "SANDBOX_RBS_CALLBACKS": "manual",
        **overrides,
    }


def start_shop_with_both_gateways(tmp_path: Path) -> LiveShop:
    """Both gateways offered at checkout, PaynetEasy's callbacks retried within a tenth of a
    second, so callback tests wait on deliveries, not on the sandbox's real retry delays."""
    return start_live_shop(
        tmp_path,
        PAYMENT_PROVIDERS="rbs,payneteasy",
        SANDBOX_PAYNETEASY_CALLBACK_DELAYS="0,0.05,0.1",
    )


def start_sandbox_server(tmp_path: Path, **overrides: object) -> SandboxServer:
    """A standalone sandbox with its own database under tmp_path."""
    from shop.sandbox import create_app as create_sandbox

    port = _bind()
    app = port.serve(create_sandbox(_sandbox_config(tmp_path, overrides)))
    return SandboxServer(app=app, url=port.url, _server=port.server)


def start_shop_and_sandbox(
    tmp_path: Path, shop_settings: Callable[[str], dict], **overrides: object
) -> tuple[LiveShop, SandboxServer]:
    """The shop and a sandbox running alone, each on its own port, each knowing the other."""
    from shop.sandbox import create_app as create_sandbox

    shop_port, gateway_port = _bind(), _bind()
    sandbox_overrides = {"SANDBOX_ALLOWED_ORIGINS": shop_port.url}
    gateway = create_sandbox(_sandbox_config(tmp_path, sandbox_overrides))
    gateway_port.serve(gateway)
    settings = {**shop_settings(gateway_port.url), **overrides}
    app, config = _shop_app(tmp_path, shop_port.url, settings)
    shop_port.serve(app)
    shop = LiveShop(app=app, url=shop_port.url, clock=config["SANDBOX_CLOCK"],
                    _server=shop_port.server)  # fmt: skip
    return shop, SandboxServer(app=gateway, url=gateway_port.url, _server=gateway_port.server)


def start_live_mode_shop(tmp_path: Path, **overrides: object) -> tuple[LiveShop, SandboxServer]:
    """A shop in live mode, as a fork taken to production is: its gateways are a sandbox
    running alone on another port (a remote bank), and the staff have a real password."""

    def live(gateway_url: str) -> dict:
        return {
            "RBS_API_URL": f"{gateway_url}/payment/rest/",
            "PAYNETEASY_API_URL": f"{gateway_url}/paynet/api/v2/",
            "ADMIN_PASSWORD_HASH": generate_password_hash(LIVE_STAFF_PASSWORD),
        }

    return start_shop_and_sandbox(tmp_path, live, **overrides)


def start_demo_with_sandbox_alone(tmp_path: Path, **overrides: object):
    """The demo as `make serve` runs it: the sandbox in a process of its own, by URL."""
    return start_shop_and_sandbox(tmp_path, lambda url: {"SANDBOX_URL": url}, **overrides)


_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_FORM = re.compile(r'<form method="post" action="([^"]+)"[^>]*class="([^"]*)"')
_HIDDEN = re.compile(r'name="checkout_key" type="hidden" value="([^"]+)"')


class Buyer:
    """A person with a browser, reduced to requests: cookies, forms, redirects."""

    def __init__(self, shop: LiveShop) -> None:
        self.shop = shop
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(urljoin(self.shop.url, path), timeout=10, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> requests.Response:
        return self.http.post(urljoin(self.shop.url, path), data=data, timeout=10, **kwargs)

    def csrf(self, path: str = "/cart/") -> str:
        match = _CSRF.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def add(self, slug: str, quantity: int = 1, **extra: str) -> requests.Response:
        data = {"csrf_token": self.csrf("/"), "product_id": self.shop.product_id(slug)}
        return self.post("/cart/add", {**data, "quantity": quantity, **extra})

    def checkout_form(self) -> dict[str, str]:
        html = self.get("/checkout").text
        key = _HIDDEN.search(html)
        token = _CSRF.search(html)
        assert key and token, "checkout form not shown"
        return {"csrf_token": token.group(1), "checkout_key": key.group(1)}

    def checkout(self, name: str = "Ada Lovelace", email: str = "ada@example.com", **extra):
        """Submit the Buy form; returns the shop's answer without following it."""
        data = {**self.checkout_form(), "name": name, "email": email, **extra}
        return self.post("/checkout", data, allow_redirects=False)

    def buy(self, slug: str = "ceramic-mug", quantity: int = 1) -> str:
        """Fill the cart and check out; returns the gateway's formUrl the shop sent us to."""
        self.add(slug, quantity)
        answer = self.checkout()
        assert answer.status_code == 303, answer.text
        return answer.headers["Location"]

    def pay(self, form_url: str, pan: str, cvc: str = "123", expiry: str = "12/30"):
        """Fill the hosted payment page; follows every redirect back to the shop."""
        page = self.http.get(form_url, timeout=10)
        action = unescape(_form_action(page.text, "card-form"))
        card = {"pan": pan, "expiry": expiry, "cvc": cvc, "cardholder": "ADA LOVELACE"}
        return self.http.post(urljoin(page.url, action), data=card, timeout=10)

    def pay_and_close_the_tab(self, slug: str = "ceramic-mug") -> str:
        """Buy and pay with the approving card, but never come back: returns where the
        gateway sent the browser (the shop's return URL), unvisited."""
        form_url = self.buy(slug)
        card = {"pan": CARD_APPROVE, "expiry": "12/30", "cvc": "123", "cardholder": "ADA"}
        finished = self.http.post(form_url, data=card, timeout=10, allow_redirects=False)
        assert finished.status_code in {302, 303}, finished.text
        return finished.headers["Location"]

    def answer_challenge(self, challenge_page: requests.Response, code: str):
        action = unescape(_form_action(challenge_page.text, "card-form"))
        return self.http.post(urljoin(challenge_page.url, action), data={"code": code}, timeout=10)

    def pay_payneteasy(self, form_url: str, cvv: str, pan: str = PNE_CARD) -> requests.Response:
        """Fill PaynetEasy's hosted form; stops at the page that carries the final redirect."""
        page = self.http.get(form_url, timeout=10)
        action = unescape(_form_action(page.text, "card-form"))
        card = {"pan": pan, "expiry": "12/30", "cvv": cvv, "cardholder": "ADA LOVELACE"}
        return self.http.post(urljoin(page.url, action), data=card, timeout=10)

    def answer_3ds_password(self, page: requests.Response, password: str) -> requests.Response:
        action = unescape(_form_action(page.text, "card-form"))
        return self.http.post(urljoin(page.url, action), data={"password": password}, timeout=10)

    def follow_final_redirect(self, page: requests.Response, **tamper: str) -> requests.Response:
        """Do what the auto-submitting form does: POST its fields to the shop, cross-site."""
        action, fields = final_redirect(page.text)
        fields.update(tamper)
        # A real cross-site POST carries no SameSite=Lax cookie; prove the shop needs none.
        return requests.post(action, data=fields, timeout=10)

    def cancel(self, form_url: str) -> requests.Response:
        page = self.http.get(form_url, timeout=10)
        action = unescape(_form_action(page.text, "cancel"))
        return self.http.post(urljoin(page.url, action), timeout=10)


_HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def final_redirect(html: str) -> tuple[str, dict[str, str]]:
    """The action and the hidden fields of the gateway's auto-submitting final redirect form."""
    action = unescape(_form_action(html, "final-redirect"))
    fields = {unescape(k): unescape(v) for k, v in _HIDDEN_INPUT.findall(html)}
    assert "control" in fields, "no final redirect on the page"
    return action, fields


def _form_action(html: str, css_class: str) -> str:
    for action, classes in _FORM.findall(html):
        if css_class in classes.split():
            return action
    raise AssertionError(f"no form of class {css_class!r} on the page")


class Staff(Buyer):
    """Someone from the shop's back office, signed in with the demo credentials."""

    def sign_in(self, password: str = "demo-admin") -> requests.Response:
        token = self.csrf("/admin/login")
        data = {"csrf_token": token, "username": "admin", "password": password}
        return self.post("/admin/login", data)

    def act(
        self, order_token: str, action: str, amount: str = "", *, follow: bool = True
    ) -> requests.Response:
        page = self.get(f"/admin/orders/{order_token}")
        token = _CSRF.search(page.text)
        assert token, "no action form on the order page"
        data = {"csrf_token": token.group(1), "amount": amount}
        path = f"/admin/orders/{order_token}/{action}"
        return self.post(path, data, allow_redirects=follow)


def checkout_with_payneteasy(buyer: Buyer) -> str:
    """Submit the Buy form choosing PaynetEasy; the hosted form's address the shop sent us to."""
    answer = buyer.checkout(provider="payneteasy")
    assert answer.status_code == 303, answer.text
    return answer.headers["Location"]
