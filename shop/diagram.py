"""The purchase as a picture: an order's event log laid out as a sequence diagram between
the buyer's browser, the shop and the gateway, as plain data that `_diagram.html` draws as
inline SVG (no script: each arrow is a link to its exchange below the picture).

Nothing here queries the database: it reads the attempts and events the order page has
already loaded (`orders.for_page`). A buyer's picture shows what a buyer's timeline shows,
never the staff's step 11.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup

from shop.models import Order, Payment, PaymentEvent
from shop.payments.timeline import STEPS, EventKind, Step, shown_to_buyer

# The canvas, in SVG user units (the stylesheet lets it shrink to the page's width).
WIDTH = 760
LANE_X = {"browser": 110, "shop": 380, "gateway": 650}
LANE_BOX = (170, 30)  # width, height of the name box on top of each lifeline
LANE_TOP = 34
FIRST_ROW = LANE_TOP + LANE_BOX[1] + 34
ROW = 36
LEGEND_ROW = 18
CHAR = {False: 6.4, True: 7.2}  # a 12-unit character's average width (plain, bold)
LABEL_CHARS = 40  # longer labels are cut (the link's title keeps them whole)

# Presentation attributes, so the picture reads the same without the stylesheet.
INK, MUTED = "#1d2430", "#5b6676"
COLOURS = {"failed": "#b3261e", "repeated": "#8a5a00", "current": "#2456c7"}


@dataclass(frozen=True)
class Lane:
    """A participant: its name in a box on top, its lifeline down to the last row."""

    key: str
    label: str
    x: int
    box_x: int = 0
    box_y: int = LANE_TOP
    box_width: int = LANE_BOX[0]
    box_height: int = LANE_BOX[1]
    label_y: int = LANE_TOP + 20
    lifeline_top: int = LANE_TOP + LANE_BOX[1]


@dataclass(frozen=True)
class Row:
    """One line of the picture, top to bottom: an arrow, a note on the shop's lifeline
    (a state change, a staff operation) or a divider between attempts."""

    kind: str  # "arrow" | "note" | "divider"
    y: int
    text: str
    step: int = 0
    x1: int = 0
    x2: int = 0
    role: str = ""  # arrows: request | answer | message | page
    event_id: int | None = None  # what the arrow links to (#event-<id>)
    title: str = ""  # the link's accessible name and tooltip
    classes: str = ""
    stroke: str = INK
    stroke_width: int = 1
    dash: str = ""
    head: str = ""  # the arrowhead's polygon points
    label_x: int = 0
    bold: bool = False
    box_x: int = 0
    box_width: int = 0

    @property
    def hit_x(self) -> int:
        """The left end of an arrow's clickable band (its label and a little around it)."""
        return min(self.x1, self.x2)

    @property
    def hit_width(self) -> int:
        return abs(self.x2 - self.x1)


@dataclass(frozen=True)
class Exchange:
    """What an arrow opens: the event's stored summary and masked bodies."""

    event_id: int
    heading: str
    summary: str
    endpoint: str | None
    request_body: str | None
    response_body: str | None
    created_at: datetime
    failed: bool


@dataclass(frozen=True)
class LegendItem:
    y: int
    text: str
    stroke: str
    stroke_width: int
    dash: str = ""
    x1: int = 20
    x2: int = 60
    text_x: int = 70


@dataclass(frozen=True)
class Diagram:
    title: str
    desc: str
    caption: str
    width: int
    height: int
    lanes: list[Lane]
    lifeline_end: int
    rows: list[Row]
    legend: list[LegendItem]
    exchanges: list[Exchange]
    current_step: int | None

    @property
    def arrows(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "arrow"]


@dataclass
class _Draft:
    """The rows as they are laid out, and what the picture learns on the way."""

    audience: str
    rows: list[dict] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    endpoints_seen: set[str] = field(default_factory=set)
    failed_calls: int = 0
    repeated_calls: int = 0

    def add(self, kind: str, **values: object) -> None:
        self.rows.append({"kind": kind, **values})


def sequence(order: Order, audience: str = "buyer") -> Diagram:
    """The order's sequence diagram as its audience may see it ("buyer" or "staff")."""
    draft = _Draft(audience)
    current: tuple[int, int] | None = None  # (attempt, step) of the last event shown
    for payment in order.payments:
        events = [event for event in payment.events if _shown(event, audience)]
        if not events:
            continue
        if len(order.payments) > 1:
            text = _("Attempt %(n)d via %(provider)s", n=payment.attempt, provider=payment.provider)
            draft.add("divider", text=text, attempt=payment.attempt)
        for event in events:
            _lay_out(draft, payment, event)
        current = (payment.attempt, _reached(events))
    return _finish(order, draft, current)


def _shown(event: PaymentEvent, audience: str) -> bool:
    return audience == "staff" or shown_to_buyer(event)


def _reached(events: list[PaymentEvent]) -> int:
    """The step an attempt is on: the last event's, or the payment page after a redirect."""
    last = events[-1]
    return int(Step.PAGE) if last.kind == EventKind.REDIRECT else last.step


# --- one event, one or two rows ------------------------------------------------------------


def _lay_out(draft: _Draft, payment: Payment, event: PaymentEvent) -> None:
    kind, step = event.kind, event.step
    common = {"attempt": payment.attempt, "event": event}
    if kind == EventKind.GATEWAY_CALL:
        _gateway_call(draft, event, common)
    elif kind == EventKind.NOTE and step == Step.BUY:
        draft.add("arrow", **common, role="message", lanes=("browser", "shop"), text=_("Buy"))
    elif kind == EventKind.NOTE and step == Step.RECEIVE and payment.attempt > 1:
        text = _("Try again")
        draft.add("arrow", **common, role="message", lanes=("browser", "shop"), text=text)
    elif kind == EventKind.REDIRECT:
        text = _("303 to the payment page")
        draft.add("arrow", **common, role="message", lanes=("shop", "browser"), text=text)
        draft.add(
            "arrow",
            attempt=payment.attempt,
            step=int(Step.PAGE),
            role="page",
            lanes=("browser", "gateway"),
            text=_("payment page: card, 3-D Secure, decision"),
        )
    elif kind == EventKind.RETURN:
        draft.add("arrow", **common, role="message", lanes=("browser", "shop"), text=_return(event))
    elif kind == EventKind.CALLBACK:
        text = _("callback %(what)s", what=_between(event.summary, "(", ")"))
        draft.add("arrow", **common, role="message", lanes=("gateway", "shop"), text=text.strip())
    elif kind == EventKind.TRANSITION and event.from_state and event.to_state:
        draft.add("note", **common, text=f"{event.from_state} → {event.to_state}")
    elif kind == EventKind.OPERATION:
        draft.add("note", **common, text=event.summary)


def _gateway_call(draft: _Draft, event: PaymentEvent, common: dict) -> None:
    endpoint = event.endpoint or "?"
    failed = event.http_status is None or event.http_status >= 400
    repeated = endpoint in draft.endpoints_seen
    draft.endpoints_seen.add(endpoint)
    draft.failed_calls += failed
    draft.repeated_calls += repeated
    flags = {"failed": failed, "repeated": repeated}
    request = f"{endpoint} · {_('again')}" if repeated else endpoint
    draft.add("arrow", **common, **flags, role="request", lanes=("shop", "gateway"), text=request)
    # A registration's answer is the gateway's order id and payment page: step 4.
    answered = event.step == Step.REGISTER and not failed
    step = int(Step.REGISTERED) if answered else event.step
    text = _answer(event)
    draft.add(
        "arrow", **common, **flags, role="answer", lanes=("gateway", "shop"), text=text, step=step
    )


def _answer(event: PaymentEvent) -> str:
    if event.http_status is None:
        said = _("no answer")
    else:
        said = _("HTTP %(status)d", status=event.http_status)
    if event.duration_ms is None:
        return said
    return f"{said} · " + _("%(ms)d ms", ms=event.duration_ms)


def _return(event: PaymentEvent) -> str:
    """'returnUrl', 'failUrl', or the final redirect POST (PaynetEasy), as the event says."""
    via = event.summary.removeprefix("buyer returned via ").strip()
    posted = "(cross-site POST)"
    if via.endswith(posted):
        return _("final redirect POST to %(url)s", url=via.removesuffix(posted).strip())
    return _("back to %(url)s", url=via)


def _between(text: str, start: str, end: str) -> str:
    if start in text and text.rstrip().endswith(end):
        return text[text.index(start) : text.rstrip().rindex(end) + 1]
    return ""


# --- coordinates, colours, words --------------------------------------------------------------


def _lanes() -> list[Lane]:
    labels = {"browser": _("Buyer's browser"), "shop": _("Shop"), "gateway": _("Gateway")}
    half = LANE_BOX[0] // 2
    return [Lane(key, labels[key], x, box_x=x - half) for key, x in LANE_X.items()]


def _finish(order: Order, draft: _Draft, current: tuple[int, int] | None) -> Diagram:
    lanes = {lane.key: lane for lane in _lanes()}
    rows: list[Row] = []
    y = FIRST_ROW
    for values in draft.rows:
        here = current is not None and (values.get("attempt"), _step_of(values)) == current
        rows.append(_row(values, y, here, lanes))
        y += ROW
    lifeline_end = y - ROW + 18
    legend_top = lifeline_end + 26
    legend = _legend(legend_top)
    height = legend_top + LEGEND_ROW * len(legend)
    step = current[1] if current else None
    what = STEPS.get(step or 0, "")
    caption = _("Now at step %(step)d: %(what)s", step=step, what=what) if step else ""
    return Diagram(
        title=_("Order %(number)s as a sequence diagram", number=order.number),
        desc=_desc(draft, len([r for r in rows if r.kind == "arrow"]), caption),
        caption=caption,
        width=WIDTH,
        height=height,
        lanes=list(lanes.values()),
        lifeline_end=lifeline_end,
        rows=rows,
        legend=legend,
        exchanges=_exchanges(draft),
        current_step=step,
    )


def _step_of(values: dict) -> int:
    if "step" in values:
        return int(values["step"])
    event = values.get("event")
    return int(event.step) if event is not None else 0


def _row(values: dict, y: int, current: bool, lanes: dict[str, Lane]) -> Row:
    step = _step_of(values)
    event: PaymentEvent | None = values.get("event")
    event_id = event.id if event is not None else None
    text = str(values["text"])
    if values["kind"] == "divider":
        return Row(kind="divider", y=y, text=text, classes="divider")
    numbered = f"{_step_label(step, values.get('role'))}. {_cut(text)}"
    classes = [f"step-{step}"] + (["current"] if current else [])
    if values["kind"] == "note":
        width = min(int(len(numbered) * CHAR[current]) + 16, WIDTH - 40)
        shop_x = lanes["shop"].x
        return Row(
            kind="note",
            y=y,
            text=numbered,
            step=step,
            event_id=event_id,
            title=text,
            classes=" ".join(["note", *classes]),
            stroke=COLOURS["current"] if current else MUTED,
            stroke_width=2 if current else 1,
            label_x=shop_x,
            bold=current,
            box_x=shop_x - width // 2,
            box_width=width,
        )
    start, end = (lanes[key] for key in values["lanes"])
    failed, repeated = bool(values.get("failed")), bool(values.get("repeated"))
    role = str(values["role"])
    classes = ["arrow", f"arrow-{role}", *classes]
    classes += ["failed"] * failed + ["repeated"] * repeated
    if failed:
        stroke = COLOURS["failed"]
    elif repeated:
        stroke = COLOURS["repeated"]
    elif current:
        stroke = COLOURS["current"]
    else:
        stroke = MUTED if role == "page" else INK
    direction = 1 if end.x > start.x else -1
    tip = end.x - direction
    head = f"{tip},{y} {tip - 9 * direction},{y - 4} {tip - 9 * direction},{y + 4}"
    return Row(
        kind="arrow",
        y=y,
        text=numbered,
        step=step,
        x1=start.x,
        x2=tip - 8 * direction,
        role=role,
        event_id=event_id,
        title=_arrow_title(numbered, start, end, failed, repeated, current),
        classes=" ".join(classes),
        stroke=stroke,
        stroke_width=3 if current else (2 if failed or repeated else 1),
        dash={"answer": "6 4", "page": "2 4"}.get(role, ""),
        head=head,
        label_x=(start.x + end.x) // 2,
        bold=current,
    )


def _step_label(step: int, role: object) -> str:
    """Steps 6 to 8 happen on the gateway's page, out of the shop's sight: one arrow."""
    return f"{int(Step.PAGE)}-{int(Step.PROCESS)}" if role == "page" else str(step)


def _cut(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _arrow_title(text: str, start: Lane, end: Lane, failed: bool, repeated: bool, now: bool) -> str:
    words = [_("%(text)s, from %(start)s to %(end)s", text=text, start=start.label, end=end.label)]
    if failed:
        words.append(_("failed"))
    if repeated:
        words.append(_("repeated"))
    if now:
        words.append(_("the step the order is on"))
    return "; ".join(words)


def _legend(top: int) -> list[LegendItem]:
    items = [
        (_("request, or a message between the three"), INK, 1, ""),
        (_("gateway's answer: HTTP status and duration"), INK, 1, "6 4"),
        (_("failed call: HTTP 400 or more, or no answer"), COLOURS["failed"], 2, ""),
        (_("repeated call: the same endpoint again"), COLOURS["repeated"], 2, ""),
        (_("the step the order is on"), COLOURS["current"], 3, ""),
    ]
    return [
        LegendItem(top + LEGEND_ROW * n, text, stroke, width, dash)
        for n, (text, stroke, width, dash) in enumerate(items)
    ]


def _desc(draft: _Draft, arrows: int, caption: str) -> str:
    parts = [
        _(
            "A sequence diagram of %(arrows)d arrows between the buyer's browser, the shop "
            "and the gateway, in the order they happened; each links to its request and "
            "response below.",
            arrows=arrows,
        ),
        _(
            "Failed calls: %(failed)d. Repeated calls: %(repeated)d.",
            failed=draft.failed_calls,
            repeated=draft.repeated_calls,
        ),
    ]
    if caption:
        parts.append(caption + ".")
    return " ".join(parts)


def _exchanges(draft: _Draft) -> list[Exchange]:
    """One block per linked event, in the picture's order."""
    blocks: list[Exchange] = []
    seen: set[int] = set()
    for values in draft.rows:
        event: PaymentEvent | None = values.get("event")
        if event is None or event.id in seen:
            continue
        seen.add(event.id)
        blocks.append(_exchange(event, bool(values.get("failed"))))
    return blocks


def _exchange(event: PaymentEvent, failed: bool) -> Exchange:
    if event.kind == EventKind.GATEWAY_CALL:
        heading = f"{event.step}. {event.endpoint} → {_answer(event)}"
    else:
        # The event log is written once, in English: say so, for readers of other languages.
        heading = Markup('{}. <span lang="en">{}</span>').format(event.step, event.summary)
    return Exchange(
        event_id=event.id,
        heading=heading,
        summary=event.summary,
        endpoint=event.endpoint,
        request_body=event.request_body,
        response_body=event.response_body,
        created_at=event.created_at,
        failed=failed,
    )
