"""Every text the shop and the sandbox show has its Russian translation in the catalog.

The strings are extracted the way `make messages` does (babel.cfg's patterns, Babel's
Python API), then held against translations/ru/LC_MESSAGES/messages.po: a msgid missing
there, or with an empty or fuzzy msgstr, or whose placeholders differ, fails the build."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.po"
# The Makefile's `messages` target: Babel's default keywords plus lazy_gettext's alias.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}

MessageId = str | tuple[str, ...]


def extracted(root: Path = ROOT) -> dict[MessageId, list[str]]:
    """Every msgid babel.cfg's patterns find under root, with where it was found."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[MessageId, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def russian() -> Catalog:
    with CATALOG.open("rb") as source:
        return read_po(source, locale="ru")


def untranslated(messages: dict[MessageId, list[str]], catalog: Catalog) -> list[str]:
    """What lacks a Russian translation: absent, empty (any plural form) or fuzzy."""
    problems = []
    for message_id, where in sorted(messages.items(), key=str):
        entry = catalog.get(message_id)
        if entry is None:
            problems.append(f"{message_id!r} ({where[0]}): not in {CATALOG.name}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"{message_id!r} ({where[0]}): fuzzy")
        elif not all(strings):
            problems.append(f"{message_id!r} ({where[0]}): no msgstr")
    return problems


def test_every_text_of_the_shop_and_the_sandbox_has_a_russian_translation():
    problems = untranslated(extracted(), russian())
    assert not problems, (
        "untranslated (run `make messages`, then translate in "
        f"{CATALOG.relative_to(ROOT)}):\n" + "\n".join(problems)
    )


def test_translations_keep_the_placeholders_they_are_given():
    """A msgstr with a wrong %(name)s would raise on the page: Babel's own checker finds it."""
    problems = [
        f"{message.id!r}: {'; '.join(map(str, errors))}" for message, errors in russian().check()
    ]
    assert not problems, "\n".join(problems)


def test_the_extraction_covers_the_shop_the_back_office_and_the_sandbox():
    messages = extracted()
    for text in [
        "Paid. Thank you!",  # templates/
        "Staff sign-in",  # the back office
        "Form expired",  # error pages (shop/errors.py)
        "Added to your cart.",  # a flashed message
        "Bank card (RBS)",  # a gateway's label, marked N_()
        "Shop verifies the status",  # the timeline's steps (lazy_gettext)
        "The card has expired",  # a decline reason (shop/payments/reasons.py)
        "Card payment",  # the sandbox's hosted pages
        "3-D Secure check",  # the 3-D Secure page
        "Approved without 3-D Secure",  # the test-card table (shop/sandbox/rbs/issuer.py)
        "Enter the card number: 13 to 19 digits.",  # the card form's errors
    ]:
        assert text in messages, text


def test_counts_go_through_ngettext():
    """No "item(s)": a text with a number in it has its plural forms (Russian has three)."""
    plural_by_hand = re.compile(r"\w\(s\)")
    found = [str(message) for message in extracted() if plural_by_hand.search(str(message))]
    assert not found, found
    assert any(isinstance(message, tuple) for message in extracted()), "no ngettext at all?"


def test_the_check_finds_a_string_left_untranslated(tmp_path):
    """The guard itself: a new text (here in a template) with no msgstr is reported, and
    so is one whose msgstr is fuzzy (a guess `make messages` made from a similar text)."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "new.html").write_text('{{ _("A brand new text") }}')
    catalog = russian()
    assert untranslated(extracted(tmp_path), catalog) == [
        f"'A brand new text' ({Path('templates', 'new.html')}:1): not in messages.po"
    ]
    catalog.add("A brand new text", "Совсем новый текст", flags=["fuzzy"])
    assert untranslated(extracted(tmp_path), catalog) == [
        f"'A brand new text' ({Path('templates', 'new.html')}:1): fuzzy"
    ]


def _gettext_at_import(path: Path) -> list[int]:
    """Lines where _()/gettext()/ngettext() runs outside any function: at import time."""
    found: list[int] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.Lambda)
            called = isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
            if called and child.func.id in {"_", "gettext", "ngettext"} and not in_function:
                found.append(child.lineno)
            walk(child, inside)

    walk(ast.parse(path.read_text(), str(path)), False)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "shop").rglob("*.py")), ids=str)
def test_no_text_is_translated_at_import_time(path):
    """At import there is no reader yet: such a text would stay in the default language
    for everyone. Use lazy_gettext (_l) or N_() there, and translate when shown."""
    assert _gettext_at_import(path) == []


def test_the_import_time_check_sees_a_module_level_gettext(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('LABEL = _("Pay")\n\ndef f():\n    return _("Fine")\n')
    assert _gettext_at_import(sample) == [1]
