"""The layers of DESIGN.md, checked on the source: a forbidden import fails the build."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SHOP = Path(__file__).resolve().parent.parent / "shop"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import (absolute imports only)"
            names.add(node.module or "")
    return names


def modules(under: str) -> list[Path]:
    return sorted((SHOP / under).rglob("*.py"))


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", modules("payments/gateways"), ids=str)
def test_gateway_clients_use_only_requests_and_the_standard_library(path):
    forbidden = ("flask", "flask_babel", "flask_sqlalchemy", "flask_wtf", "sqlalchemy", "werkzeug")
    for name in imports_of(path):
        assert not _starts(name, forbidden), f"{path.name} imports {name}"
        if name.startswith("shop"):
            assert _starts(name, ("shop.payments.gateways",)), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", modules("sandbox"), ids=str)
def test_sandbox_imports_nothing_of_the_shop(path):
    for name in imports_of(path):
        if name.startswith("shop"):
            assert _starts(name, ("shop.sandbox",)), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", sorted(SHOP.glob("*/views.py")), ids=str)
def test_views_never_call_a_gateway_client(path):
    for name in imports_of(path):
        assert not _starts(name, ("shop.payments.gateways",)), f"{path} imports {name}"


@pytest.mark.parametrize("path", modules("payments"), ids=str)
def test_payments_never_reach_into_the_sandbox(path):
    for name in imports_of(path):
        assert not _starts(name, ("shop.sandbox",)), f"{path.name} imports {name}"


def test_the_layer_checks_see_real_modules():
    assert len(modules("payments/gateways")) >= 3
    assert len(modules("sandbox")) >= 3
    assert len(list(SHOP.glob("*/views.py"))) >= 3
