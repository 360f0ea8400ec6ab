"""The layers of DESIGN.md, checked on the source: a forbidden import fails the build."""

from __future__ import annotations

import ast
import re
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


_SIGNED_OR_ID = re.compile(
    r"control|checksum|signature|digest|order_?id|orderid|mdorder|order_number|token", re.I
)


def _names_in(node: ast.AST) -> set[str]:
    """Identifiers, attributes and string keys (as in params.get("control")) under node."""
    found: set[str] = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.Attribute):
            found.add(part.attr)
        elif isinstance(part, ast.Constant) and isinstance(part.value, str):
            found.add(part.value)
    return found


def equality_on_secrets(path: Path) -> list[str]:
    """`==`/`!=` whose non-literal side is a signature or a gateway id: timing leaks it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Compare):
            continue
        if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            continue
        sides = [
            side for side in [node.left, *node.comparators] if not isinstance(side, ast.Constant)
        ]
        if any(_SIGNED_OR_ID.search(name) for side in sides for name in _names_in(side)):
            found.append(f"{path.name}:{node.lineno}")
    return found


@pytest.mark.parametrize("path", modules("payments/gateways"), ids=str)
def test_signatures_and_gateway_ids_are_compared_in_constant_time(path):
    assert equality_on_secrets(path) == [], "use hmac.compare_digest"


def test_the_constant_time_check_sees_an_equality_on_a_gateway_id(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(params, ref):\n"
        "    return params.get('orderid', '') != ref.gateway_order_id\n"
        "def g(body):\n"
        "    return body.get('type') == 'status-response'\n"
    )
    assert equality_on_secrets(sample) == ["sample.py:2"]
