"""Ready for translation: the shop's texts are extractable, money follows the locale."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

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
