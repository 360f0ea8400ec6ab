"""Static files under content-hashed names, which browsers may keep for a year.

`url_for('static', filename='css/shop.css')` gives `/static/css/shop.<hash>.css`, the hash
taken from the file's content once, at start: a changed file gets a new name, so a name can
be cached for good (`immutable`). The plain name keeps working, revalidated as before.
Only the shop's own static/ is concerned; the sandbox serves its files itself.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, Response, send_from_directory

YEAR = 365 * 24 * 60 * 60
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[^./]+)$")


def fingerprint(folder: Path) -> dict[str, str]:
    """Map each file under folder to its hashed name: 'css/shop.css' -> 'css/shop.<12 hex>.css'.

    A file without a suffix (or a dotfile) keeps its plain name only.
    """
    names = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        plain = path.relative_to(folder)
        names[plain.as_posix()] = plain.with_suffix(f".{digest}{path.suffix}").as_posix()
    return names


def register(app: Flask) -> None:
    """Hash the names for url_for and serve them; under `flask run --debug`, plain names,
    so that an edited file shows at once (the hashes are taken only at start)."""
    if app.debug or not app.static_folder:
        return
    folder = Path(app.static_folder)
    names = fingerprint(folder)

    @app.url_defaults
    def hashed_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    def static(filename: str) -> Response:
        hashed = _HASHED.match(filename)
        plain = f"{hashed['stem']}{hashed['suffix']}" if hashed else filename
        if filename in names or plain not in names:
            return app.send_static_file(filename)
        if names[plain] != filename:
            # Another version's name (a host deployed before or after this one): its file,
            # today's content, but not cached for long, as the content is not the named one.
            return send_from_directory(folder, plain)
        response = send_from_directory(folder, plain, max_age=YEAR)
        response.cache_control.immutable = True
        return response

    app.view_functions["static"] = static
