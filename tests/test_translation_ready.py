"""Ready for translation: the shop's texts are extractable, money follows the locale, and the
language is the header's switch, else the browser's, else SHOP_LANGUAGE."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from shop.models import Payment
from shop.payments import decline_reason

ROOT = Path(__file__).resolve().parent.parent
METHODS = [("shop/**.py", "python"), ("templates/**.html", "jinja2")]


def extracted() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords={"_": None, "gettext": None, "_l": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_buyer_facing_texts_are_extracted_from_templates_and_code():
    messages = extracted()
    for text in [
        "Paid. Thank you!",  # order page
        "Payment declined",
        "Try again",
        "Your cart is empty.",  # views
        "Add to cart",  # macros
        "Form expired",  # error pages
        "We do not know this payment.",  # payment service
        "Quantity must be between 1 and %(max)d.",  # cart service
    ]:
        assert text in messages, text


def test_money_on_a_page_is_formatted_by_babel_for_the_locale(make_app):
    app = make_app(SHOP_LANGUAGE="de_DE", SHOP_CURRENCY="EUR")
    page = app.test_client().get("/products/ceramic-mug").get_data(as_text=True)
    assert "890,00\xa0€" in page
    assert '<html lang="de-DE">' in page


def _lang_of(page) -> str:
    return re.search(r'<html lang="([^"]+)"', page.get_data(as_text=True))[1]


def test_the_language_is_the_switch_then_the_browser_then_shop_language(make_app):
    app = make_app(SHOP_LANGUAGE="ru")
    client = app.test_client()
    assert _lang_of(client.get("/cart/")) == "ru"  # nothing said: SHOP_LANGUAGE
    assert _lang_of(client.get("/cart/", headers={"Accept-Language": "en-GB,en;q=0.8"})) == "en"
    assert _lang_of(client.get("/cart/", headers={"Accept-Language": "de, fr"})) == "ru"
    chosen = client.get("/language/en?next=/cart/")
    assert (chosen.status_code, chosen.headers["Location"]) == (303, "/cart/")
    page = client.get("/cart/", headers={"Accept-Language": "ru"})  # the switch wins
    assert _lang_of(page) == "en" and "Your cart" in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers  # reading the choice writes nothing
    again = client.get("/language/ru?next=/")
    assert "Ваша корзина" in client.get("/cart/").get_data(as_text=True)
    assert "shop_session=" in again.headers["Set-Cookie"]


def test_the_switch_is_on_every_page_and_returns_to_it(make_app):
    page = make_app().test_client().get("/products/ceramic-mug?x=1").get_data(as_text=True)
    assert 'href="/language/ru?next=/products/ceramic-mug?x%3D1"' in page
    assert 'href="/language/en?next=/products/ceramic-mug?x%3D1"' in page
    assert 'aria-current="true">EN</a>' in page


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example", "https://evil.example/", "evil", ""]
)
def test_the_switch_never_sends_anyone_to_another_site(make_app, target):
    answer = make_app().test_client().get("/language/ru", query_string={"next": target})
    assert (answer.status_code, answer.headers["Location"]) == (303, "/")


def test_an_unknown_language_is_a_404_and_keeps_nothing(make_app):
    answer = make_app().test_client().get("/language/de?next=/")
    assert answer.status_code == 404 and "Set-Cookie" not in answer.headers


def test_money_on_a_russian_page_is_formatted_the_russian_way(make_app):
    client = make_app(SHOP_CURRENCY="RUB").test_client()
    client.get("/language/ru")
    page = client.get("/products/ceramic-mug").get_data(as_text=True)
    assert "890,00\xa0₽" in page and "В корзину" in page
    assert client.get("/products/desk-lamp").get_data(as_text=True).count("6\xa0890,00\xa0₽") == 1


def test_a_known_decline_code_reads_in_the_buyers_language_an_unknown_one_as_sent(make_app):
    app = make_app()
    known = Payment(provider="rbs", action_code="116", action_description="Insufficient funds")
    unknown = Payment(provider="rbs", action_code="99999", action_description="Bank says no")
    pne = Payment(provider="payneteasy", action_code="209", action_description="Pick-up")
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert decline_reason(known) == "Недостаточно средств"
        assert decline_reason(pne) == "Карта числится украденной"
        assert decline_reason(unknown) == "Bank says no"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert decline_reason(known) == "Insufficient funds"
