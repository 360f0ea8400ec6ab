"""The workshop's pictures are taken on every run, into a temporary directory: a page that
changes its shape breaks the build here, not in front of a room (`make screenshots` alone
writes docs/img/)."""

from __future__ import annotations

import struct

import pytest

from tests.screenshots import LANGUAGES, SHOTS, VIEWPORT, take

pytestmark = pytest.mark.e2e


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workshop_walk_takes_every_picture(tmp_path, language):
    taken = take(tmp_path / "img", language, tmp_path / "shop")

    assert [path.name for path in taken] == [f"{shot}.png" for shot in SHOTS]
    for path in taken:
        width, _height = png_size(path.read_bytes())
        assert width <= VIEWPORT["width"], path.name
        assert path.stat().st_size < 250_000, f"{path.name}: keep the pictures small"
