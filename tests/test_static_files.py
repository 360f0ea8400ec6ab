"""Static files: content-hashed names cached for a year, plain names revalidated as before,
the security headers on both, and the sandbox's own files left alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for

from shop.static_files import YEAR, fingerprint

STATIC = Path(__file__).resolve().parent.parent / "static"
_HASHED_CSS = re.compile(r'href="(/static/css/shop\.([0-9a-f]{12})\.css)"')


def fetch(client, path: str):
    """GET a file and close the answer (an open file left to the collector is an error)."""
    with client.get(path) as answer:
        answer.get_data()
    return answer


def _security_headers_present(headers) -> None:
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_link_static_files_by_content_hashed_names(client):
    page = client.get("/").text
    css = _HASHED_CSS.search(page)
    assert css, "the stylesheet is not linked by a hashed name"
    assert fingerprint(STATIC)["css/shop.css"] == f"css/shop.{css[2]}.css"
    images = re.findall(r'src="/static/img/products/([a-z-]+)\.([0-9a-f]{12})\.svg"', page)
    assert len(images) == 12
    assert 'src="/static/img/products/ceramic-mug.svg"' not in page


def test_a_hashed_name_is_cached_for_a_year_and_keeps_the_security_headers(client):
    hashed = _HASHED_CSS.search(client.get("/").text)[1]
    answer = fetch(client, hashed)
    assert answer.status_code == 200
    assert answer.data == (STATIC / "css/shop.css").read_bytes()
    cache = {part.strip() for part in answer.headers["Cache-Control"].split(",")}
    assert cache == {"public", f"max-age={YEAR}", "immutable"}
    assert answer.mimetype == "text/css"
    _security_headers_present(answer.headers)
    assert "Set-Cookie" not in answer.headers and "Cookie" not in answer.headers.get("Vary", "")


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/shop.css",  # the plain name, as before
        "/static/css/shop.0123456789ab.css",  # another version's name (a rolling deploy)
    ],
)
def test_other_names_are_served_without_the_long_cache(client, path):
    answer = fetch(client, path)
    assert answer.status_code == 200
    assert answer.data == (STATIC / "css/shop.css").read_bytes()
    cache = answer.headers.get("Cache-Control", "")
    assert "immutable" not in cache and str(YEAR) not in cache
    assert answer.headers.get("ETag")  # revalidated, as before
    _security_headers_present(answer.headers)


def test_a_hashed_name_of_no_file_is_not_found(client):
    answer = fetch(client, "/static/css/nothing.0123456789ab.css")
    assert answer.status_code == 404
    _security_headers_present(answer.headers)


def test_names_follow_the_content(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body { color: red }")
    (tmp_path / "app.min.js").write_text("1")
    (tmp_path / "LICENSE").write_text("no suffix, no hash")
    first = fingerprint(tmp_path)
    assert re.fullmatch(r"css/a\.[0-9a-f]{12}\.css", first["css/a.css"])
    assert re.fullmatch(r"app\.min\.[0-9a-f]{12}\.js", first["app.min.js"])
    assert "LICENSE" not in first
    (tmp_path / "css" / "a.css").write_text("body { color: blue }")
    second = fingerprint(tmp_path)
    assert second["css/a.css"] != first["css/a.css"]
    assert second["app.min.js"] == first["app.min.js"]


def test_the_sandbox_keeps_its_own_static_names(app):
    sandbox = app.wsgi_app.mounts["/sandbox"]
    with sandbox.test_request_context():
        assert url_for("static", filename="sandbox.css") == "/static/sandbox.css"
    answer = fetch(app.test_client(), "/sandbox/static/sandbox.css")
    assert answer.status_code == 200 and "immutable" not in answer.headers["Cache-Control"]


def test_debug_mode_keeps_plain_names_so_edits_show_at_once(make_app):
    page = make_app(DEBUG=True).test_client().get("/").text
    assert 'href="/static/css/shop.css"' in page
