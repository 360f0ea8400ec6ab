"""The gateway faults page, over real HTTP against the sandbox run alone: it arms the very
rules the JSON control API arms (and the reverse), refuses a POST without its CSRF token or
from another site, and answers out-of-range input with a 400 that says why, never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop import config as shop_config
from shop.sandbox.faults import page
from shop.sandbox.faults.behaviours import FAULTS
from shop.sandbox.faults.callbacks import CALLBACK_FAULTS
from shop.sandbox.payneteasy.api import COMMANDS
from shop.sandbox.rbs.api import METHODS
from tests.sandbox.common.test_security_headers import assert_secure
from tests.support import SandboxServer, start_sandbox_server

PAGE = "/sandbox-control/faults/page"
API = "/sandbox-control/faults"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self' https://shop.example; "
    "frame-ancestors 'none'"
)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_ROW = re.compile(
    r'<tr data-rule="(\d+)" data-method="([^"]*)" data-fault="([^"]*)" data-ms="(\d+)" '
    r'data-remaining="(\d+)">'
)
_ERROR = re.compile(r'<p class="error" role="alert" data-error>([^<]*)</p>')


class FaultsPage:
    """A person at the faults page: one browser (cookies), forms filled as the page has them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def open(self) -> requests.Response:
        answer = self.http.get(self.base + PAGE, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer

    def token(self) -> str:
        return unescape(_TOKEN.search(self.open().text)[1])

    def post(self, action: str, fields: dict, **kwargs) -> requests.Response:
        return self.http.post(f"{self.base}{PAGE}/{action}", data=fields, timeout=10, **kwargs)

    def arm(self, **fields: str) -> requests.Response:
        return self.post("arm", {"csrf_token": self.token(), **fields})

    def disarm(self, rule: str) -> requests.Response:
        return self.post("disarm", {"csrf_token": self.token(), "rule": rule})

    def rules(self) -> list[dict]:
        """The armed rules as the page shows them, in the JSON API's shape."""
        return [
            {"id": int(i), "method": unescape(m), "fault": f, "ms": int(ms), "remaining": int(r)}
            for i, m, f, ms, r in _ROW.findall(self.open().text)
        ]


def error_of(answer: requests.Response) -> str:
    found = _ERROR.search(answer.text)
    assert found, f"no error message on the page ({answer.status_code})"
    return unescape(found[1])


@pytest.fixture
def sandbox(tmp_path) -> Iterator[SandboxServer]:
    server = start_sandbox_server(tmp_path, SANDBOX_ALLOWED_ORIGINS="https://shop.example")
    yield server
    server.stop()


@pytest.fixture
def person(sandbox) -> Iterator[FaultsPage]:
    who = FaultsPage(sandbox.url)
    yield who
    who.http.close()


def api_rules(sandbox) -> list[dict]:
    return requests.get(sandbox.url + API, timeout=10).json()


def test_the_shop_links_to_the_page_where_the_sandbox_serves_it():
    assert page.bp.url_prefix == shop_config.SANDBOX_FAULTS_PAGE


def test_the_page_offers_every_method_and_fault_the_fault_layer_knows(person):
    html = person.open().text
    api_form, callback_form = html.split('class="fault-form arm-api"')[1].split("arm-callback")

    def options(form: str, select: str) -> list[str]:
        chosen = form.split(f'<select name="{select}">')[1].split("</select>")[0]
        return re.findall(r'<option value="([^"]+)"', chosen)

    methods = [f"{name}.do" for name in METHODS] + list(COMMANDS) + ["*"]
    assert options(api_form, "method") == methods
    assert set(options(api_form, "fault")) == FAULTS - CALLBACK_FAULTS
    assert set(options(callback_form, "fault")) == CALLBACK_FAULTS
    assert '<input type="hidden" name="method" value="callback">' in callback_form
    for fault in FAULTS:  # each with a word on what it does
        assert re.search(rf'<option value="{fault}"[^>]*>{fault}: \w', html), fault


def test_a_fault_armed_on_the_page_is_the_rule_the_api_lists(sandbox, person):
    answer = person.arm(method="register.do", fault="hang_after", ms="1500", times="3")

    assert answer.status_code == 200 and answer.history[0].status_code == 303
    rule = {"method": "register.do", "fault": "hang_after", "ms": 1500, "remaining": 3}
    assert [{k: v for k, v in r.items() if k != "id"} for r in api_rules(sandbox)] == [rule]
    assert person.rules() == api_rules(sandbox)


def test_empty_fields_take_the_api_defaults(sandbox, person):
    person.arm(method="status", fault="system_error", ms="", times="")
    person.arm(fault="delayed", method="callback", ms="800")

    api = [{k: v for k, v in r.items() if k != "id"} for r in api_rules(sandbox)]
    assert api == [
        {"method": "status", "fault": "system_error", "ms": 0, "remaining": 1},
        {"method": "callback", "fault": "delayed", "ms": 800, "remaining": 1},
    ]


def test_rules_armed_through_the_api_show_on_the_page_and_disarm_there(sandbox, person):
    first = requests.post(
        sandbox.url + API, json={"method": "sale-form", "fault": "drop"}, timeout=5
    )
    second = requests.post(
        sandbox.url + API, data={"method": "*", "fault": "latency", "ms": "200", "times": "7"},
        timeout=5,
    )  # fmt: skip
    assert person.rules() == [first.json(), second.json()]

    assert person.disarm(str(first.json()["id"])).status_code == 200
    assert api_rules(sandbox) == [second.json()]

    person.arm(method="refund.do", fault="ignored")
    assert person.disarm("all").status_code == 200
    assert api_rules(sandbox) == [] and person.rules() == []


def test_the_api_disarms_one_rule_the_page_armed(sandbox, person):
    person.arm(method="deposit.do", fault="http_502")
    person.arm(method="capture", fault="truncated")
    kept, gone = person.rules()[1], person.rules()[0]

    assert requests.delete(f"{sandbox.url}{API}/{gone['id']}", timeout=5).status_code == 200
    assert requests.delete(f"{sandbox.url}{API}/{gone['id']}", timeout=5).status_code == 404
    assert person.rules() == [kept]


def test_an_armed_rule_is_spent_by_the_calls_it_was_armed_for(sandbox, person):
    person.arm(method="getOrderStatusExtended.do", fault="http_503", times="2")

    for _ in range(2):
        answer = requests.post(sandbox.rbs_api_url + "getOrderStatusExtended.do", timeout=5)
        assert answer.status_code == 503
    assert requests.post(sandbox.rbs_api_url + "getOrderStatusExtended.do", timeout=5).ok
    assert person.rules() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ms": "30001"}, "ms must be at most 30000, not 30001"),
        ({"times": "101"}, "times must be at most 100, not 101"),
        ({"times": "lots"}, "times must be a whole number from 0 to 100"),
        ({"ms": "-5"}, "ms must be a whole number from 0 to 30000"),
        ({"ms": "99999999999999999999"}, "ms must be a whole number from 0 to 30000"),
        ({"fault": "meltdown"}, "fault must be one of"),
        ({"method": "register.do\x07"}, "method must be a printable name"),
    ],
)
def test_out_of_range_input_is_a_400_that_says_why(sandbox, person, fields, message):
    answer = person.arm(**{"method": "register.do", "fault": "latency", **fields})

    assert answer.status_code == 400
    assert error_of(answer).startswith(message)
    assert_secure(answer, PAGE, CSP)
    assert api_rules(sandbox) == []
    assert 'class="fault-form arm-api"' in answer.text  # the form is there to try again


def test_a_refused_form_comes_back_filled_in_the_other_one_empty(person):
    answer = person.arm(method="callback", fault="delayed", ms="45000", times="2")

    api_form, callback_form = answer.text.split("arm-callback")
    assert '<option value="delayed" selected>' in callback_form
    assert 'name="ms" inputmode="numeric" value="45000"' in callback_form
    assert 'value="45000"' not in api_form and " selected" not in api_form


@pytest.mark.parametrize(
    ("rule", "status", "message"),
    [
        ("seven", 400, "rule must be the number of an armed fault, or all"),
        ("", 400, "rule must be the number"),
        ("99999999999999999999", 400, "rule must be the number"),
        ("42", 404, "Fault 42 is not armed"),
    ],
)
def test_disarming_something_that_is_not_armed_says_so(sandbox, person, rule, status, message):
    person.arm(method="register.do", fault="html")

    answer = person.disarm(rule)

    assert answer.status_code == status
    assert error_of(answer).startswith(message)
    assert len(api_rules(sandbox)) == 1


@pytest.mark.parametrize("action", ["arm", "disarm"])
def test_a_post_without_the_pages_csrf_token_is_refused(sandbox, person, action):
    requests.post(sandbox.url + API, json={"method": "register.do", "fault": "drop"}, timeout=5)
    fields = {"method": "status", "fault": "drop", "rule": "all"}
    person.open()  # the browser has its session, only the form lacks the token

    missing = person.post(action, fields)
    forged = person.post(action, {**fields, "csrf_token": "forged"})
    theirs = FaultsPage(sandbox.url)  # a token of another browser's session
    foreign = person.post(action, {**fields, "csrf_token": theirs.token()})

    for answer, why in [(missing, "missing"), (forged, "invalid"), (foreign, "do not match")]:
        assert answer.status_code == 400
        assert error_of(answer).startswith("Refused: The CSRF token") and why in error_of(answer)
        assert_secure(answer, PAGE, CSP)
    assert [r["method"] for r in api_rules(sandbox)] == ["register.do"]  # nothing changed


def test_a_cross_site_post_carries_no_session_cookie(person):
    cookie = person.open().headers["Set-Cookie"]

    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "https://shop.example"])
def test_a_post_from_another_origin_is_refused_even_with_a_token(sandbox, person, origin):
    answer = person.post(
        "arm", {"csrf_token": person.token(), "method": "register.do", "fault": "drop"},
        headers={"Origin": origin},
    )  # fmt: skip

    assert answer.status_code == 400
    assert error_of(answer).startswith("Refused: this form was sent from another site")
    assert api_rules(sandbox) == []


def test_a_post_from_the_pages_own_origin_is_taken(sandbox, person):
    fields = {"csrf_token": person.token(), "method": "register.do", "fault": "drop"}

    answer = person.post("arm", fields, headers={"Origin": sandbox.url})

    assert answer.status_code == 200
    assert len(api_rules(sandbox)) == 1


def test_the_page_carries_the_security_headers_and_obeys_the_body_limit(person):
    assert_secure(person.open(), PAGE, CSP)

    huge = person.post("arm", {"csrf_token": person.token(), "method": "x" * 70_000})

    assert huge.status_code == 413
    assert_secure(huge, PAGE, CSP)


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "method": st.sampled_from(page.RBS_METHODS) | TEXT,
            "fault": st.sampled_from(sorted(FAULTS)) | TEXT,
            "ms": st.integers(-(2**70), 2**70).map(str) | TEXT,
            "times": st.integers(-(2**70), 2**70).map(str) | TEXT,
        },
    ),
    rule=st.integers(-(2**70), 2**70).map(str) | TEXT | st.just("all"),
)
def test_the_pages_forms_take_any_input_without_a_500(client, fields, rule):
    token = _TOKEN.search(client.get(PAGE).get_data(as_text=True))[1]

    armed = client.post(f"{PAGE}/arm", data={**fields, "csrf_token": unescape(token)})
    disarmed = client.post(f"{PAGE}/disarm", data={"rule": rule, "csrf_token": unescape(token)})

    assert armed.status_code in {303, 400}
    assert disarmed.status_code in {303, 400, 404}


@pytest.mark.parametrize("rule_id", ["0", "2147483647", "99999999999999999999"])
def test_the_api_answers_404_for_a_rule_that_is_not_armed(sandbox, rule_id):
    answer = requests.delete(f"{sandbox.url}{API}/{rule_id}", timeout=5)

    assert answer.status_code == 404
