"""The gateway faults page: arm, list and disarm faults from a browser (demo mode only, like
the sandbox itself). The rules are the JSON control API's own: both call faults/rules.py.

GET  /sandbox-control/faults/page          the form and the armed rules
POST /sandbox-control/faults/page/arm      method, fault, ms, times: arm one rule
POST /sandbox-control/faults/page/disarm   rule=<id> or rule=all

Its POSTs need the page's CSRF token (Flask-WTF, checked here only: the gateways' APIs and
the JSON control API take none) and, when the browser names one, the page's own Origin.
Refusals re-render the page with the reason and a 400, never a 500.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import ValidationError

from shop.sandbox.common import origins
from shop.sandbox.common.i18n import LANGUAGES
from shop.sandbox.faults import rules
from shop.sandbox.faults.behaviours import FAULTS
from shop.sandbox.faults.callbacks import CALLBACK_FAULTS
from shop.sandbox.faults.limits import MAX_MS, MAX_TIMES, SETTING
from shop.sandbox.payneteasy.api import COMMANDS
from shop.sandbox.rbs.api import METHODS

bp = Blueprint("sandbox_fault_page", __name__, url_prefix="/sandbox-control/faults/page")

FIELDS = ("method", "fault", "ms", "times")
# The methods the fault layer tells apart (faults/middleware.py: api_method), per gateway.
RBS_METHODS = tuple(f"{name}.do" for name in METHODS)
PAYNETEASY_METHODS = tuple(COMMANDS)
API_FAULTS = tuple(sorted(FAULTS - CALLBACK_FAULTS))
CALLBACK_METHOD = "callback"


def init_app(app: Flask) -> None:
    """Register the page; give its template `_()` unless a translation layer already did."""
    app.register_blueprint(bp)
    if "_" not in app.jinja_env.globals:
        app.jinja_env.add_extension("jinja2.ext.i18n")
        app.jinja_env.install_null_translations(newstyle=True)


@bp.url_defaults
def _keep_language(endpoint: str, values: dict) -> None:
    """The language the shop's link asked for (?lang=) stays through the page's forms."""
    if has_request_context() and request.args.get("lang") in LANGUAGES:
        values.setdefault("lang", request.args["lang"])


def _host(url: str) -> str | None:
    """host[:port] of an origin or URL, default port dropped; None for anything else."""
    origin = origins.origin_of(url)
    return origin.split("://", 1)[1] if origin else None


def _refusal() -> str | None:
    """Why this POST is refused: sent from another site, or without the page's token."""
    sent_from = request.headers.get("Origin")
    if sent_from is not None and _host(sent_from) != _host(request.host_url):
        return f"Refused: this form was sent from another site ({sent_from[:80]})."
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        return f"Refused: {error.args[0] if error.args else 'the CSRF token is invalid.'}"
    return None


@bp.before_request
def guard() -> Response | None:
    if request.method != "POST":
        return None
    reason = _refusal()
    return _page(reason, 400) if reason else None


def _page(error: str | None = None, status: int = 200, values: dict | None = None) -> Response:
    html = render_template(
        "sandbox/faults.html",
        error=error,
        values=values or {},
        rules=rules.armed(),
        rbs_methods=RBS_METHODS,
        payneteasy_methods=PAYNETEASY_METHODS,
        api_faults=API_FAULTS,
        callback_faults=sorted(CALLBACK_FAULTS),
        callback_method=CALLBACK_METHOD,
        max_ms=MAX_MS,
        max_times=MAX_TIMES,
        max_delayed=current_app.config[SETTING],
        csrf_token=generate_csrf(),
    )
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def _done() -> Response:
    """After a change, back to the page with a GET (a reload does not arm twice)."""
    return redirect(url_for(".show"), 303)


@bp.get("")
def show() -> Response:
    return _page()


@bp.post("/arm")
def arm() -> Response:
    # An empty field is an absent one: the rule takes its default (times 1, ms 0).
    fields = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        rules.arm({name: value for name, value in fields.items() if value})
    except rules.RuleError as error:
        return _page(str(error), 400, fields)
    return _done()


@bp.post("/disarm")
def disarm() -> Response:
    which = request.form.get("rule", "").strip()
    if which == "all":
        rules.disarm()
        return _done()
    if not (which.isascii() and which.isdigit() and len(which) <= 9):
        return _page("rule must be the number of an armed fault, or all", 400)
    if not rules.disarm(int(which)):
        return _page(f"Fault {which} is not armed (used up or disarmed already).", 404)
    return _done()
