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


SANDBOX_FAMILIES = ("rbs", "payneteasy")


def module_name(path: Path) -> str:
    """shop/sandbox/rbs/api.py -> shop.sandbox.rbs.api (a package's __init__ is the package)."""
    parts = list(path.relative_to(SHOP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolved_imports(path: Path, package: str | None = None) -> set[str]:
    """Absolute names of every module path may import: relative imports resolved against its
    package, and `from package import name` counted as package.name too (name may be a module)."""
    if package is None:
        own = module_name(path)
        package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join([*base, node.module or ""] if node.level else [node.module or ""])
            module = module.rstrip(".")
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _family_modules() -> list[tuple[str, Path]]:
    return [(family, path) for family in SANDBOX_FAMILIES for path in modules(f"sandbox/{family}")]


@pytest.mark.parametrize(("family", "path"), _family_modules(), ids=str)
def test_sandbox_gateway_families_never_import_each_other(family, path):
    others = tuple(f"shop.sandbox.{other}" for other in SANDBOX_FAMILIES if other != family)
    for name in resolved_imports(path):
        assert not _starts(name, others), f"{path} imports {name}"


@pytest.mark.parametrize("path", modules("sandbox/common"), ids=str)
def test_sandbox_common_imports_neither_family(path):
    families = tuple(f"shop.sandbox.{family}" for family in SANDBOX_FAMILIES)
    for name in resolved_imports(path):
        assert not _starts(name, families), f"{path} imports {name}"


def test_sandbox_families_have_the_same_modules_for_the_same_jobs():
    names = {
        family: sorted(p.stem for p in (SHOP / "sandbox" / family).glob("*.py"))
        for family in SANDBOX_FAMILIES
    }
    assert names["rbs"] == names["payneteasy"]
    assert len(names["rbs"]) >= 10
    assert len(modules("sandbox/common")) >= 5


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from shop.sandbox.payneteasy import wire", "shop.sandbox.payneteasy"),
        ("from shop.sandbox import payneteasy", "shop.sandbox.payneteasy"),
        ("import shop.sandbox.payneteasy.orders as orders", "shop.sandbox.payneteasy.orders"),
        ("from ..payneteasy import orders", "shop.sandbox.payneteasy"),
        ("from .. import payneteasy", "shop.sandbox.payneteasy"),
        ("from ...sandbox.payneteasy.wire import Fields", "shop.sandbox.payneteasy.wire"),
    ],
)
def test_the_family_check_sees_every_form_of_import(tmp_path, source, found):
    sample = tmp_path / "sample.py"
    sample.write_text(source + "\n")
    assert found in resolved_imports(sample, package="shop.sandbox.rbs")


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


def _from_imports(path: Path) -> list[tuple[str, list[str], ast.AST]]:
    """(module, names, node) of every import; `import a.b` gives ("a.b", [])."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, [], node) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", [alias.name for alias in node.names], node))
    return found


VIEWS_AND_COMMANDS = [*sorted(SHOP.glob("*/views.py")), SHOP / "cli.py"]


@pytest.mark.parametrize("path", VIEWS_AND_COMMANDS, ids=str)
def test_views_and_commands_use_only_the_payments_package(path):
    """`from shop import payments` or `from shop.payments import <public name>`: never a
    module of the package, so the use cases in its __init__ are the whole interface."""
    import shop.payments

    for module, names, _node in _from_imports(path):
        assert not module.startswith("shop.payments."), f"{path.name} imports {module}"
        if module == "shop.payments":
            private = set(names) - set(shop.payments.__all__)
            assert not private, f"{path.name} imports {sorted(private)} from shop.payments"


def _enclosing_function(tree: ast.AST, target: ast.AST) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(n is target for n in ast.walk(node)):
            return node.name
    return ""


def sandbox_imports_outside_the_mount(path: Path) -> list[str]:
    """Where a module of the shop imports the sandbox, other than create_app's demo mount."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules_named = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            modules_named = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        if not any(_starts(name, ("shop.sandbox",)) for name in modules_named):
            continue
        where = _enclosing_function(tree, node)
        if not (path == SHOP / "__init__.py" and where == "_mount_sandbox"):
            found.append(f"{path.name}:{node.lineno}")
    return found


SHOP_OUTSIDE_THE_SANDBOX = [p for p in sorted(SHOP.rglob("*.py")) if "sandbox" not in p.parts]


@pytest.mark.parametrize("path", SHOP_OUTSIDE_THE_SANDBOX, ids=str)
def test_the_shop_imports_the_sandbox_only_in_the_demo_mount(path):
    assert sandbox_imports_outside_the_mount(path) == []


def test_the_mount_check_sees_an_import_anywhere_else(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("def f():\n    from shop import sandbox\n\nimport shop.sandbox.rbs\n")
    assert sorted(sandbox_imports_outside_the_mount(stray)) == ["stray.py:2", "stray.py:4"]
    assert sandbox_imports_outside_the_mount(SHOP / "__init__.py") == []
    assert "_mount_sandbox" in (SHOP / "__init__.py").read_text()


def test_the_payments_package_names_each_public_name_once_and_each_resolves():
    """__all__ (what readers and the layering check see) and the lazy table agree."""
    import shop.payments

    assert sorted(shop.payments.__all__) == sorted(shop.payments._WHERE)
    for name in shop.payments.__all__:
        assert getattr(shop.payments, name) is not None
    with pytest.raises(AttributeError):
        shop.payments.not_a_use_case  # noqa: B018
