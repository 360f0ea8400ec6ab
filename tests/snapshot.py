"""Snapshot files: compare a text with tests/snapshots/<name>, or rewrite the file when the
environment says UPDATE_SNAPSHOTS=1 (then review the change in `git diff` before committing)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def updating() -> bool:
    return os.environ.get("UPDATE_SNAPSHOTS") == "1"


def difference(name: str, text: str) -> str:
    """'' when the stored snapshot is exactly this text, else a unified diff (or why not)."""
    path = SNAPSHOTS / name
    if not path.exists():
        return f"no snapshot {path}: run the test with UPDATE_SNAPSHOTS=1 to write it"
    stored = path.read_text(encoding="utf-8")
    if stored == text:
        return ""
    lines = difflib.unified_diff(
        stored.splitlines(), text.splitlines(), f"stored {name}", "drawn now", lineterm=""
    )
    return "\n".join(lines)


def assert_matches_snapshot(name: str, text: str) -> None:
    """Fail when the text differs from its snapshot; with UPDATE_SNAPSHOTS=1, store it."""
    if updating():
        SNAPSHOTS.mkdir(exist_ok=True)
        (SNAPSHOTS / name).write_text(text, encoding="utf-8")
        return
    diff = difference(name, text)
    assert not diff, (
        f"{name} changed (if on purpose: UPDATE_SNAPSHOTS=1, then review git diff)\n{diff}"
    )
