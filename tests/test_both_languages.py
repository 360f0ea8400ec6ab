"""Every page in Russian and in English: the shop's, the back office's, an error page, and
the gateway's hosted pages, which open in the language the buyer chose in the shop.

A Russian page must have Cyrillic text and none of the catalog's English phrases left; an
English page no Cyrillic. Each page also shows a text of its own in the right language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin

import pytest
from babel.messages.pofile import read_po

from shop.extensions import db
from shop.models import Order, OrderLine, Payment, PaymentEvent, new_token
from tests.support import (
    CARD_3DS,
    CARD_APPROVE,
    CARD_NO_FUNDS,
    Buyer,
    LiveShop,
    Staff,
    start_live_shop,
)
from tests.test_translations import CATALOG

LANGUAGES = ("ru", "en")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def visible_text(html: str) -> str:
    """What a reader sees, less the raw exchanges (<pre>) and the passages marked as
    English (lang="en": the event log, written once in English like the exchanges)."""
    html = re.sub(r"(?is)<(script|style|pre|title)\b.*?</\1>", " ", html)
    html = re.sub(r'(?is)<(span|p|li|td|text)\b[^>]*\blang="en"[^>]*>.*?</\1>', " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def english_phrases() -> set[str]:
    """The catalog's English, cut at placeholders and tags: the pieces of two words or more
    that Russian writes differently. Any of them on a Russian page was left untranslated."""
    with CATALOG.open("rb") as source:
        catalog = read_po(source, locale="ru")
    phrases = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>|[:;().]", text):
                piece = " ".join(piece.split())
                if len(piece.split()) >= 2 and not any(piece in s for s in strings):
                    phrases.add(piece)
    return phrases


@dataclass
class Scene:
    """One shop (both gateways), and per language a buyer who chose it in the header, a
    member of staff who did too, and the pages their purchases produced."""

    shop: LiveShop
    buyers: dict[str, Buyer] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> name -> URL


def choose(person: Buyer, language: str) -> None:
    answer = person.get(f"/language/{language}?next=/", allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def newest_order_token(shop: LiveShop) -> str:
    with shop.app.app_context():
        return db.session.execute(db.select(Order.token).order_by(Order.id.desc())).scalar()


def purchase(shop: LiveShop, buyer: Buyer, provider: str = "rbs") -> tuple[str, str]:
    """Fill the cart and buy: (the order page's path, the gateway's payment page URL)."""
    buyer.add("ceramic-mug")
    answer = buyer.checkout(provider=provider)
    assert answer.status_code == 303, answer.text
    return f"/orders/{newest_order_token(shop)}", answer.headers["Location"]


# Orders in the states a purchase here cannot reach quickly, as the database keeps them.
STORED_STATES = {
    "expired": {"action_code": "-2007", "action_description": "Timeout"},
    "authorized": {"authorized_amount": 89000, "masked_pan": "411111**1111"},
    "partially_refunded": {"captured_amount": 89000, "refunded_amount": 30000},
    "refunded": {"captured_amount": 89000, "refunded_amount": 89000},
    "voided": {"authorized_amount": 89000},
    "registration_failed": {},
    "needs_review": {"form_url": "http://127.0.0.1:9/pay"},
}


def stored_order(shop: LiveShop, state: str, **payment: object) -> str:
    with shop.app.app_context():
        order = Order(checkout_key=new_token(), name="Ada", email="ada@example.com")
        order.currency, order.total = "643", 89000
        order.lines.append(OrderLine(product_id=1, name="Ceramic mug", unit_price=89000,
                                     quantity=1))  # fmt: skip
        number = f"S-{state}-{new_token()[:8]}"
        order.payments.append(
            Payment(attempt=1, provider="rbs", merchant_order_number=number, amount=89000,
                    currency="643", state=state, gateway_order_id=f"gw-{number}", **payment)
        )  # fmt: skip
        db.session.add(order)
        db.session.commit()
        return f"/orders/{order.token}"


def _buyer_pages(shop: LiveShop, buyer: Buyer) -> dict[str, str]:
    pages = {}
    pages["order waiting"], pages["RBS payment page"] = purchase(shop, buyer)
    faults = re.search(
        r'class="gateway-faults" href="([^"]+)"', buyer.get(pages["order waiting"]).text
    )
    pages["sandbox faults page"] = unescape(faults[1])  # demo mode: linked from order pages
    paid, form_url = purchase(shop, buyer)
    assert 'data-state="paid"' in buyer.pay(form_url, CARD_APPROVE).text
    pages["order paid"], pages["RBS page of a paid order"] = paid, form_url
    declined, form_url = purchase(shop, buyer)
    assert 'data-state="declined"' in buyer.pay(form_url, CARD_NO_FUNDS).text
    pages["order declined"] = declined
    _, form_url = purchase(shop, buyer)
    pages["RBS 3-D Secure page"] = buyer.pay(form_url, CARD_3DS).url
    _, pages["PaynetEasy form"] = purchase(shop, buyer, "payneteasy")
    _, form_url = purchase(shop, buyer, "payneteasy")
    pages["PaynetEasy 3-D Secure page"] = buyer.pay_payneteasy(form_url, "321").url
    _, form_url = purchase(shop, buyer, "payneteasy")
    pages["PaynetEasy final redirect"] = buyer.pay_payneteasy(form_url, "116").url
    buyer.add("desk-lamp")  # a cart to show, and a checkout form
    return pages


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    shop = start_live_shop(tmp_path_factory.mktemp("languages"), PAYMENT_PROVIDERS="rbs,payneteasy")
    scene = Scene(shop)
    try:
        stored = {
            state: stored_order(shop, state, **extra) for state, extra in STORED_STATES.items()
        }
        for language in LANGUAGES:
            buyer, staff = scene.buyers[language], scene.staff[language] = Buyer(shop), Staff(shop)
            choose(buyer, language)
            choose(staff, language)
            pages = _buyer_pages(shop, buyer)
            pages.update({f"order {state}": path for state, path in stored.items()})
            staff.sign_in()
            pages["staff order"] = "/admin/orders/" + pages["order paid"].rsplit("/", 1)[1]
            scene.pages[language] = pages
        yield scene
    finally:
        for person in [*scene.buyers.values(), *scene.staff.values()]:
            person.close()
        shop.stop()


# name: (who asks, path or None for a purchase's page, expected English, expected Russian)
PAGES = {
    "catalog": ("buyer", "/", "Add to cart", "В корзину"),
    "product": ("buyer", "/products/ceramic-mug", "Add to cart", "В корзину"),
    "cart": ("buyer", "/cart/", "Your cart", "Ваша корзина"),
    "checkout": ("buyer", "/checkout", "this shop never sees your card", "никогда не видит"),
    "order waiting": ("buyer", None, "Waiting for the bank", "Ждём ответа банка"),
    "order paid": ("buyer", None, "Paid. Thank you!", "Оплачено. Спасибо!"),
    "order declined": ("buyer", None, "Insufficient funds", "Недостаточно средств"),
    "order expired": ("buyer", None, "Payment time ran out", "Время на оплату истекло"),
    "order authorized": ("buyer", None, "Payment held", "Средства заблокированы"),
    "order partially_refunded": ("buyer", None, "Partially refunded", "Частично возвращено"),
    "order refunded": ("buyer", None, "Refunded", "Возвращено"),
    "order voided": ("buyer", None, "The hold on your card was released", "Блокировка"),
    "order registration_failed": ("buyer", None, "could not be started", "Не удалось начать"),
    "order needs_review": ("buyer", None, "We are checking your payment", "Мы проверяем"),
    "staff sign-in": ("buyer", "/admin/login", "Staff sign-in", "Вход для сотрудников"),
    "staff orders": ("staff", "/admin/", "Filter", "Найти"),
    "staff order": ("staff", None, "Refund", "Вернуть"),
    "error 404": ("buyer", "/no-such-page", "Not found", "Страница не найдена"),
    "RBS payment page": ("buyer", None, "Card payment", "Оплата картой"),
    "RBS 3-D Secure page": ("buyer", None, "One-time code", "Одноразовый код"),
    "RBS page of a paid order": ("buyer", None, "already processed", "уже обработан"),
    "PaynetEasy form": ("buyer", None, "Sandbox outcomes", "Исходы в песочнице"),
    "PaynetEasy 3-D Secure page": ("buyer", None, "3-D Secure password", "паролем 3-D Secure"),
    "PaynetEasy final redirect": ("buyer", None, "Continue to the shop", "Вернуться в магазин"),
    "sandbox faults page": ("buyer", None, "No fault is armed", "Сбои не включены"),
}


def fetch(scene: Scene, name: str, language: str) -> str:
    who, path, *_ = PAGES[name]
    person = (scene.staff if who == "staff" else scene.buyers)[language]
    url = urljoin(scene.shop.url, path or scene.pages[language][name])
    answer = person.http.get(url, timeout=10)
    assert answer.status_code == (404 if name == "error 404" else 200), answer.text[:500]
    return answer.text


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_is_in_russian_for_a_buyer_who_chose_russian(scene, name):
    html = fetch(scene, name, "ru")
    text = visible_text(html)
    assert CYRILLIC.search(text), text[:300]
    assert PAGES[name][3] in text, text
    assert re.search(r'<html lang="ru', html)
    left = sorted(phrase for phrase in english_phrases() if phrase in text)
    assert not left, f"English left on the Russian {name} page: {left}"


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_is_in_english_for_a_buyer_who_chose_english(scene, name):
    html = fetch(scene, name, "en")
    text = visible_text(html)
    assert not CYRILLIC.search(text), CYRILLIC.findall(text)
    assert PAGES[name][2] in text, text
    assert re.search(r'<html lang="en', html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_gateway_is_told_the_buyers_language_and_the_return_keeps_it(scene, language):
    pages = scene.pages[language]
    assert f"/payment_{language}.html?" in pages["RBS payment page"]  # RBS: register's language
    with scene.shop.app.app_context():
        requests_sent = db.session.execute(
            db.select(PaymentEvent.request_body).filter(
                PaymentEvent.endpoint.in_(["register.do", "sale-form"])
            )
        ).scalars()
        sent = [body for body in requests_sent if body and language in body]
    assert any(f'"language": "{language}"' in body for body in sent)
    assert any(f'"preferred_language": "{language}"' in body for body in sent)  # PaynetEasy
    # Back from the bank's page, the order page is still in the buyer's language.
    paid = visible_text(fetch(scene, "order paid", language))
    assert ("Оплачено. Спасибо!" if language == "ru" else "Paid. Thank you!") in paid


def test_money_and_dates_follow_the_language(scene):
    russian, english = (visible_text(fetch(scene, "staff order", lang)) for lang in LANGUAGES)
    assert "890,00 ₽" in russian and "RUB890.00" in english  # (visible_text spaced the nbsp)
    assert re.search(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d UTC", russian)  # 29.11.2026, 23:49
    assert re.search(r"\d+/\d+/\d\d, \d+:\d\d\s[AP]M UTC", english)  # 11/29/26, 11:49 PM


def test_the_faults_page_keeps_the_shops_language_through_its_forms(scene):
    html = fetch(scene, "sandbox faults page", "ru")
    actions = [unescape(a) for a in re.findall(r'<form method="post" action="([^"]+)"', html)]
    assert actions and all(action.endswith("?lang=ru") for action in actions), actions
