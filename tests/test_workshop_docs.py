"""The workshop documents cannot go stale silently.

docs/workshop.md and docs/workshop.ru.md name files, functions, tests, pytest commands, the
lines to change and pictures. Each must exist: a path on disk, a `module.function()` as a
def (or class) in a module of that name, a `test_…` as a test function, a pytest command as
one that collects tests, a diff's removed lines in the file it names, a picture in docs/img/
(the very set `make screenshots` takes). Both documents name the same ones, and the
session's blocks add up to its 60 minutes.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.screenshots import SHOTS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DOCUMENTS = {"en": DOCS / "workshop.md", "ru": DOCS / "workshop.ru.md"}
SESSION_MINUTES = 60

FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"^[\w.-]+(?:/[\w.-]+)*\.(?:py|md|html|png|toml|cfg|po)$")
CODE_REF = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*\(\)$")
TEST_NAME = re.compile(r"^(test_\w+)(?:\[[^\]]*\])?$")
DIFF_HEADER = re.compile(r"^# (?P<path>\S+\.py): (?P<name>[\w.]+)\(\)$")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
TIMED_HEADING = re.compile(r"^## (?P<title>.+\((?P<minutes>\d+) (?:min|мин)\))$", re.M)
PLAN_ROW = re.compile(r"^\| (?P<start>\d+:\d\d) \| \[[^\]]+\]\(#[^)]+\) \((?P<minutes>\d+) ", re.M)


@dataclass(frozen=True)
class Document:
    language: str
    path: Path
    text: str

    @property
    def blocks(self) -> list[tuple[str, str]]:
        """Fenced blocks as (language, body), list indentation removed."""
        found = []
        for match in FENCE.finditer(self.text):
            indent = len(match["indent"])
            lines = [line[indent:] for line in match["body"].splitlines()]
            found.append((match["lang"], "\n".join(lines)))
        return found

    @property
    def prose(self) -> str:
        return FENCE.sub("", self.text)

    @property
    def spans(self) -> list[str]:
        return CODE_SPAN.findall(self.prose)

    def shell_lines(self) -> list[str]:
        """Each command of the sh blocks (continuation lines joined), and those in the text."""
        lines = [span for span in self.spans if span.startswith((".venv/bin/", "make "))]
        for lang, body in self.blocks:
            if lang == "sh":
                lines += [line for line in body.replace("\\\n", " ").splitlines() if line]
        return lines

    def pytest_commands(self) -> list[str]:
        return [line for line in self.shell_lines() if line.startswith(".venv/bin/pytest ")]

    def diffs(self) -> list[list[str]]:
        return [body.splitlines() for lang, body in self.blocks if lang == "diff"]

    def images(self) -> list[str]:
        return IMAGE.findall(self.prose)


def load(language: str) -> Document:
    path = DOCUMENTS[language]
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    return Document(language, path, path.read_text(encoding="utf-8"))


@pytest.fixture(params=sorted(DOCUMENTS))
def doc(request) -> Document:
    return load(request.param)


@cache
def python_files() -> tuple[Path, ...]:
    return tuple(sorted([*(ROOT / "shop").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]))


def defines(source: str, names: list[str]) -> bool:
    """Every name is a def or a class in this source (a method's class and the method)."""
    return all(
        re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b", source, re.M)
        for name in names
    )


def modules_named(parts: list[str]) -> list[Path]:
    """The modules whose dotted path ends with these parts (a package is its __init__.py)."""
    if not parts:
        return list(python_files())
    found = []
    for path in python_files():
        dotted = path.relative_to(ROOT).with_suffix("").parts
        if dotted[-1] == "__init__":
            dotted = dotted[:-1]
        if tuple(dotted[-len(parts) :]) == tuple(parts):
            found.append(path)
    return found


def resolves(reference: str) -> bool:
    """`a.b.c()`: some split into module `a.b` and names `c` (or module `a`, class `b`,
    method `c`; or no module) is defined."""
    parts = reference.removesuffix("()").split(".")
    for cut in range(len(parts) - 1, -1, -1):
        module, names = parts[:cut], parts[cut:]
        if any(defines(path.read_text(), names) for path in modules_named(module)):
            return True
    return False


def test_every_path_named_exists(doc):
    named = [span for span in doc.spans if PATH.match(span)]
    for line in doc.shell_lines():
        named += [word.split("::")[0] for word in shlex.split(line) if PATH.match(word)]
    assert named, "no path found: is the parser still reading the document?"
    missing = sorted({path for path in named if not (ROOT / path).exists()})
    assert not missing, f"{doc.path.name} names files that do not exist: {missing}"


def test_every_function_named_exists(doc):
    references = sorted({span for span in doc.spans if CODE_REF.match(span)})
    assert len(references) >= 10, references
    missing = [reference for reference in references if not resolves(reference)]
    assert not missing, f"{doc.path.name} names functions nobody defines: {missing}"


def test_every_module_run_exists(doc):
    modules = []
    for line in doc.shell_lines():
        words = shlex.split(line)
        modules += [w.removeprefix("python:") for w in words if w.startswith("python:")]
        modules += [words[i + 1] for i, word in enumerate(words[:-1]) if word in {"-m", "--app"}]
    assert modules
    missing = [module for module in modules if importlib.util.find_spec(module) is None]
    assert not missing, f"{doc.path.name} runs modules that do not exist: {missing}"


def test_every_test_named_exists(doc):
    names = sorted({m[1] for span in doc.spans if (m := TEST_NAME.match(span))})
    assert len(names) >= 6, names
    sources = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("test_*.py"))
    missing = [name for name in names if f"def {name}(" not in sources]
    assert not missing, f"{doc.path.name} names tests that do not exist: {missing}"


def test_every_line_to_change_is_in_its_file(doc):
    diffs = doc.diffs()
    assert len(diffs) >= 6
    for lines in diffs:
        header = DIFF_HEADER.match(lines[0])
        assert header, f"a diff in {doc.path.name} does not start with '# <file>.py: <name>()'"
        path = ROOT / header["path"]
        assert path.exists(), f"{header['path']} is missing"
        source = path.read_text()
        assert defines(source, header["name"].split(".")), f"no {header['name']} in {path.name}"
        present = {line.strip() for line in source.splitlines()}
        for line in lines[1:]:
            if line[:1] in {"-", " "} and line[1:].strip():
                assert line[1:].strip() in present, f"{header['path']} has no line {line[1:]!r}"


def collects(command: str) -> tuple[str, int, str]:
    """Run the command as --collect-only: (command, exit status, output)."""
    args = [word for word in shlex.split(command)[1:] if word not in {"-q", "-v"}]
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    result = subprocess.run(  # noqa: S603 (pytest, with the arguments our own document gives)
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return command, result.returncode, result.stdout + result.stderr


def test_every_pytest_command_collects_tests():
    """The Russian document's commands are the same (test_both_languages_name_the_same_things)."""
    commands = load("en").pytest_commands()
    assert len(commands) >= 6, commands
    for command in commands:
        for word in shlex.split(command)[1:]:
            if not word.startswith("-") and word.startswith("tests/"):
                path, _, name = word.partition("::")
                assert (ROOT / path).exists(), f"{command}: no {path}"
                assert not name or f"def {name.split('[')[0]}(" in (ROOT / path).read_text()
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        for command, status, output in pool.map(collects, commands):
            assert status == 0, f"{command} collects nothing:\n{output[-2000:]}"
            assert re.search(r"^\d+(/\d+)? tests? collected", output, re.M), output[-2000:]


def test_every_link_and_picture_exists(doc):
    targets = [*doc.images(), *LINK.findall(doc.prose)]
    for target in targets:
        if target.startswith(("http://", "https://", "#")):
            continue
        file = target.split("#")[0]
        assert (doc.path.parent / file).exists(), f"{doc.path.name} links {target}: missing"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation gone, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_anchor_is_a_heading(doc):
    anchors = {slug(h) for h in re.findall(r"^#{1,6} (.+)$", doc.prose, re.M)}
    for target in LINK.findall(doc.prose):
        if target.startswith("#"):
            assert target[1:] in anchors, f"{doc.path.name}: no heading for {target}"


def test_the_pictures_are_the_ones_make_screenshots_takes(doc):
    expected = {f"img/{doc.language}/{shot}.png" for shot in SHOTS}
    assert set(doc.images()) == expected
    on_disk = {p.relative_to(DOCS).as_posix() for p in (DOCS / "img" / doc.language).glob("*.png")}
    assert on_disk == expected, "run `make screenshots`"


def test_the_blocks_add_up_to_the_session(doc):
    blocks = [int(m["minutes"]) for m in TIMED_HEADING.finditer(doc.prose)]
    assert sum(blocks) == SESSION_MINUTES, blocks
    plan = list(PLAN_ROW.finditer(doc.prose))
    assert [int(row["minutes"]) for row in plan] == blocks, "the plan's table and the headings"
    elapsed = 0
    for row, minutes in zip(plan, blocks, strict=True):
        assert row["start"] == f"{elapsed // 60}:{elapsed % 60:02d}", row[0]
        elapsed += minutes


def test_both_languages_name_the_same_things():
    english, russian = load("en"), load("ru")

    def same(document: Document) -> dict[str, object]:
        return {
            "functions": sorted({s for s in document.spans if CODE_REF.match(s)}),
            "tests": sorted({m[1] for s in document.spans if (m := TEST_NAME.match(s))}),
            "pytest": document.pytest_commands(),
            "diffs": [[line for line in d if line[:1] != "+"] for d in document.diffs()],
            "pictures": [image.split("/")[-1] for image in document.images()],
            "minutes": [m["minutes"] for m in TIMED_HEADING.finditer(document.prose)],
        }

    mine, theirs = same(english), same(russian)
    for key in mine:
        assert mine[key] == theirs[key], f"workshop.md and workshop.ru.md differ in {key}"
