"""The steps as a picture: the sequence diagram of an order page (laid out by shop/diagram.py,
drawn by templates/_diagram.html), for orders bought for real over HTTP from the sandbox.

Snapshots: each test renders one order's <svg> and compares it with
tests/snapshots/diagram_<name>.svg (plain SVG files: open them in a browser to look).
What changes from run to run is normalized first: event ids are renumbered in the order
they appear and durations read "N ms"; everything else must match exactly, so any change
to the drawing fails. After an intended change, regenerate the files and review the diff:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_diagram.py
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import requests
from flask import render_template

from shop import diagram, orders
from shop.extensions import db
from shop.models import Order
from tests.snapshot import assert_matches_snapshot, difference
from tests.support import (
    CARD_APPROVE,
    CARD_DECLINE,
    LIVE_STAFF_PASSWORD,
    Buyer,
    Staff,
    start_live_mode_shop,
    start_live_shop,
)

SVG = "{http://www.w3.org/2000/svg}"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def order_token(shop) -> str:
    with shop.app.app_context():
        return db.session.execute(db.select(Order.token).order_by(Order.id.desc())).scalar()


def rendered(shop, audience: str = "staff") -> str:
    """The diagram section of the latest order, as its page would include it."""
    token = order_token(shop)
    with shop.app.test_request_context("/"):
        order = orders.for_page(token, timeline=True)
        return render_template("_diagram.html", order=order, audience=audience)


def svg_of(html: str) -> str:
    found = re.search(r"<svg\b.*?</svg>", html, re.S)
    assert found, "no diagram"
    return found.group(0)


def normalized(svg: str) -> str:
    """Event ids renumbered in order of appearance, durations as N: what varies per run."""
    ids: dict[str, int] = {}

    def renumber(match: re.Match) -> str:
        return f"#event-{ids.setdefault(match[1], len(ids) + 1)}"

    svg = re.sub(r"#event-(\d+)", renumber, svg)
    return re.sub(r"\b\d+ ms\b", "N ms", svg) + "\n"


def snapshot(shop, name: str) -> str:
    svg = normalized(svg_of(rendered(shop)))
    assert_matches_snapshot(f"diagram_{name}.svg", svg)
    return svg


def arm(shop, method: str, fault: str) -> None:
    fault_rule = {"method": method, "fault": fault, "times": 1}
    answer = requests.post(f"{shop.url}/sandbox/sandbox-control/faults", json=fault_rule, timeout=5)
    assert answer.status_code == 201, answer.text


def parsed(svg: str) -> ET.Element:
    """The picture as XML: well-formed, as a standalone .svg file must be."""
    return ET.fromstring(svg)  # noqa: S314 (the shop's own output, in a test)


def texts(svg: str) -> list[str]:
    return [node.text or "" for node in parsed(svg).iter(f"{SVG}text")]


def arrows(svg: str) -> list[ET.Element]:
    root = parsed(svg)
    return [node for node in root.iter() if "arrow" in node.get("class", "").split()]


# --- snapshots -------------------------------------------------------------------------------


def test_a_paid_order(live_shop, buyer):
    buyer.pay(buyer.buy(), CARD_APPROVE)
    svg = snapshot(live_shop, "paid")
    assert "3. register.do" in texts(svg) and "10. getOrderStatusExtended.do" in texts(svg)
    assert "9. back to returnUrl" in texts(svg)
    assert "Now at step 10: Shop verifies the status" in texts(svg)
    assert 'class="arrow arrow-answer step-10 current"' in svg
    assert "failed" not in [c for a in arrows(svg) for c in a.get("class").split()]


def test_a_declined_order(live_shop, buyer):
    buyer.pay(buyer.buy(), CARD_DECLINE)
    svg = snapshot(live_shop, "declined")
    assert "9. back to failUrl" in texts(svg)
    assert "10. awaiting_payment → declined" in texts(svg)


def test_a_faulted_order_register_503_then_retried_and_a_status_call_without_answer(live_shop):
    """register.do answers 503: the outcome is unknown, the shop asks by its order number
    ("no such order"), the buyer tries again; then the status call after the return gets no
    answer (the connection is dropped) and the next look at the order asks again."""
    shop, buyer = live_shop, Buyer(live_shop)
    arm(shop, "register.do", "http_503")
    buyer.add("ceramic-mug")
    assert buyer.checkout().status_code == 303
    token = order_token(shop)
    shop.app.config["PAYMENT_UNKNOWN_AFTER_SECS"] = 0
    page = buyer.get(f"/orders/{token}")
    assert 'data-state="registration_failed"' in page.text
    retry = buyer.post(f"/orders/{token}/retry", {"csrf_token": _CSRF.search(page.text)[1]},
                       allow_redirects=False)  # fmt: skip
    arm(shop, "getOrderStatusExtended.do", "drop")
    buyer.pay(retry.headers["Location"], CARD_APPROVE)
    assert 'data-state="paid"' in buyer.get(f"/orders/{token}").text
    buyer.close()

    svg = snapshot(shop, "faulted")
    failed = [a for a in arrows(svg) if "failed" in a.get("class").split()]
    assert {a.find(f"{SVG}text").text.split(" ·")[0] for a in failed} == {
        "3. register.do",
        "3. HTTP 503",
        "10. getOrderStatusExtended.do",
        "10. no answer",
    }
    again = [a.find(f"{SVG}text").text for a in arrows(svg) if "repeated" in a.get("class")]
    assert "3. register.do · again" in again
    assert "Attempt 2 via rbs" in texts(svg)
    assert 'href="#event-' in svg and "failed call: HTTP 400 or more, or no answer" in svg


def test_a_paid_payneteasy_order_names_its_own_calls(tmp_path):
    shop = start_live_shop(
        tmp_path, PAYMENT_PROVIDERS="payneteasy", SANDBOX_PAYNETEASY_CALLBACKS="manual"
    )
    buyer = Buyer(shop)
    try:
        buyer.follow_final_redirect(buyer.pay_payneteasy(buyer.buy(), "123"))
        payment = shop.only_payment()
        send = f"{shop.url}/sandbox/paynet/sandbox/orders/{payment.gateway_order_id}/callback"
        assert requests.post(send, timeout=5).status_code == 202

        def asked_twice() -> bool:
            status_calls = [e for e in shop.only_payment().events if e.endpoint == "status"]
            return len(status_calls) == 2

        assert shop.wait_for(asked_twice)
        svg = snapshot(shop, "payneteasy")
    finally:
        buyer.close()
        shop.stop()
    labels = texts(svg)
    assert "3. sale-form" in labels and "10. status" in labels and "10. status · again" in labels
    assert "9. final redirect POST to returnUrl" in labels
    assert "10. callback (status=approved)" in labels


def test_a_changed_drawing_fails_its_snapshot(live_shop, buyer, monkeypatch):
    buyer.pay(buyer.buy(), CARD_APPROVE)
    assert not difference("diagram_paid.svg", normalized(svg_of(rendered(live_shop))))
    monkeypatch.setattr(diagram, "ROW", diagram.ROW + 1)
    assert difference("diagram_paid.svg", normalized(svg_of(rendered(live_shop))))
    monkeypatch.setattr(diagram, "COLOURS", {**diagram.COLOURS, "current": "#000000"})
    assert "#000000" in difference("diagram_paid.svg", normalized(svg_of(rendered(live_shop))))


# --- the picture on its own --------------------------------------------------------------------


def test_the_picture_is_accessible_and_needs_neither_script_nor_css(live_shop, buyer):
    buyer.pay(buyer.buy(), CARD_DECLINE)
    html = rendered(live_shop, "buyer")
    root = parsed(svg_of(html))
    assert root.get("aria-labelledby") == "diagram-title diagram-desc"
    assert root.find(f"{SVG}title").text == "Order RS000001 as a sequence diagram"
    assert "Now at step 10" in root.find(f"{SVG}desc").text
    for link in root.iter(f"{SVG}a"):
        assert link.find(f"{SVG}title").text, "every arrow has a text name"
        target = link.get("href").removeprefix("#")
        assert f'id="{target}"' in html, "every arrow opens a block below the picture"
    for line in root.iter(f"{SVG}line"):
        assert line.get("stroke"), "colours are attributes: the picture reads without CSS"
    assert "<script" not in html and " style=" not in html and "javascript:" not in html


# --- on the pages ------------------------------------------------------------------------------


def test_the_buyer_sees_the_picture_in_demo_mode_without_staff_steps(live_shop, buyer):
    buyer.pay(buyer.buy("tea-sampler"), CARD_APPROVE)
    token = order_token(live_shop)
    staff = Staff(live_shop)
    staff.sign_in()
    assert "confirmed by the gateway" in staff.act(token, "refund", "1.00").text

    page = buyer.get(f"/orders/{token}").text
    staff_page = staff.get(f"/admin/orders/{token}").text
    staff.close()

    buyer_svg, staff_svg = svg_of(page), svg_of(staff_page)
    assert 'class="sequence"' in buyer_svg and "register.do" in buyer_svg
    assert "step-11" not in page and "refund.do" not in page and "staff asked" not in page
    assert "step-11" in staff_svg and "11. refund.do" in texts(staff_svg)


def test_a_live_buyer_gets_no_picture_but_the_staff_do(tmp_path):
    shop, gateway = start_live_mode_shop(tmp_path)
    buyer, staff = Buyer(shop), Staff(shop)
    try:
        buyer.pay(buyer.buy(), CARD_APPROVE)
        token = order_token(shop)
        page = buyer.get(f"/orders/{token}").text
        staff.sign_in(password=LIVE_STAFF_PASSWORD)
        staff_page = staff.get(f"/admin/orders/{token}").text
    finally:
        buyer.close()
        staff.close()
        shop.stop()
        gateway.stop()
    assert 'data-state="paid"' in page
    assert "<svg" not in page and "event-" not in page
    assert "3. register.do" in texts(svg_of(staff_page))


@pytest.mark.parametrize("audience", ["buyer", "staff"])
def test_an_order_without_attempts_draws_nothing(app_ctx, audience):
    order = Order(checkout_key="k", name="Ada", email="a@ex.com", currency="643", total=100)
    db.session.add(order)
    db.session.commit()
    assert diagram.sequence(order, audience).arrows == []
