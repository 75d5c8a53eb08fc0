"""The exposure, debug-route, login-enumeration and CORS checks: each passes a conforming answer and fails a violating
one (answers captured from respx mocks through httpx, as the live client captures them)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx
from tests.selftest.fixtures.responses import ctx, titles

from msaaq_contract.checks.cors import PROBE_ORIGIN, area_ids, credentialed_origin
from msaaq_contract.checks.enumeration import login_members, same_refusal
from msaaq_contract.checks.exposure import exposure, probe_ids, served
from msaaq_contract.client.httpx_exchange import from_httpx
from msaaq_contract.exchange import Exchange
from msaaq_contract.redaction import Redactor

BASE = "https://api.msaaq.test/v1"
COURSES = "admin.courses.list-courses"
LOGIN = "admin.auth.login"
BCRYPT = "$2y$10$" + "N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
VISA = "4111 1111 1111 1111"  # the test card: Luhn-valid


def answered(
    status: int,
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str = "application/json",
    method: str = "GET",
    url: str = BASE + "/admin/courses",
    sent: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Exchange:
    content = raw if raw is not None else json.dumps(body).encode()
    with respx.mock(assert_all_called=True) as mock:
        mock.route(method=method, url=url).mock(
            return_value=httpx.Response(
                status, content=content, headers={"content-type": content_type, **(headers or {})}
            )
        )
        with httpx.Client() as client:
            return from_httpx(client.request(method, url, headers=sent or {}))


def exposed(contract, exchange: Exchange, doc_id: str = COURSES) -> list[str]:
    return titles(exposure(ctx(contract, doc_id), exchange))


def courses(**extra: Any) -> dict[str, Any]:
    return {"status": "success", "data": [{"id": 1, "title": "Course", **extra}]}


# -- secrets --------------------------------------------------------------------------------------------------
def test_a_conforming_answer_and_empty_secret_members_pass(contract):
    assert exposed(contract, answered(200, courses())) == []
    assert exposed(contract, answered(200, courses(password=None, two_factor_secret=""))) == []
    # Laravel's validation bag is keyed by the request's fields: a message under `password` is no secret.
    bag = {"message": "The password field is required.", "errors": {"password": ["The password field is required."]}}
    assert exposed(contract, answered(422, bag)) == []


def test_undeclared_secret_members_fail_and_name_the_member_not_the_value(contract):
    found = exposure(ctx(contract, COURSES), answered(200, courses(password=BCRYPT, remember_token="abc123")))
    assert [f.pointer for f in found] == ["/data/0/password", "/data/0/remember_token"]
    assert all(BCRYPT not in f.message and "abc123" not in f.message for f in found)
    assert exposed(contract, answered(200, courses(stripe_secret="sk_live_x"))) == ["Secret member exposed"]


def test_secret_values_fail_wherever_they_are(contract):
    assert exposed(contract, answered(200, courses(note=BCRYPT))) == ["Secret value exposed"]
    argon = "$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
    assert exposed(contract, answered(200, courses(note=argon))) == ["Secret value exposed"]
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----"
    assert exposed(contract, answered(200, courses(cert=pem))) == ["Secret value exposed"]
    assert exposed(contract, answered(200, courses(card=VISA))) == ["Secret value exposed"]
    assert exposed(contract, answered(200, courses(card="4111 1111 1111 1112"))) == []  # not Luhn-valid


def test_redacted_recordings_judge_the_same(contract):
    """The redactor writes hashes, keys and cards as placeholders of their kind: a replay finds them too."""
    recorded = json.loads(Redactor().body(json.dumps(courses(note=BCRYPT, card=VISA)).encode(), "application/json"))
    assert BCRYPT not in json.dumps(recorded) and "4111" not in json.dumps(recorded)
    assert exposed(contract, answered(200, recorded)) == ["Secret value exposed", "Secret value exposed"]


# -- debug output ---------------------------------------------------------------------------------------------
def test_laravel_debug_members_and_text_fail(contract):
    debug = {
        "message": "Server Error",
        "exception": "Illuminate\\Database\\QueryException",
        "file": "/var/www/app/vendor/laravel/framework/src/Illuminate/Database/Connection.php",
        "line": 829,
        "trace": [],
    }
    assert "Debug output in the answer" in exposed(contract, answered(500, debug))
    sql = {"message": "SQLSTATE[42S22]: Column not found: 1054 Unknown column"}
    assert exposed(contract, answered(500, sql)) == ["Debug output in the answer"]
    frame = {"message": "#0 /srv/app/app/Http/Kernel.php(42): handle()"}
    assert exposed(contract, answered(500, frame)) == ["Debug output in the answer"]
    path = {"message": "include(C:\\inetpub\\msaaq\\routes\\api.php): failed to open stream"}
    assert exposed(contract, answered(500, path)) == ["Debug output in the answer"]
    page = (
        b"<html><body>Whoops! /home/forge/msaaq/vendor/laravel/framework/src/Foundation/Application.php</body></html>"
    )
    assert exposed(contract, answered(500, raw=page, content_type="text/html")) == ["Debug output in the answer"]


def test_ordinary_text_urls_and_binary_files_pass(contract):
    text = {
        "message": "Server Error",
        "url": "https://academy.example.com/index.php?page=1",
        "file": "intro.pdf",
        "lesson": "Open /docs/setup.php in your editor",
    }
    assert exposed(contract, answered(500, text)) == []
    assert exposed(contract, answered(500, raw=b"<h1>500</h1>", content_type="text/html")) == []
    pdf = b"%PDF-1.4 /var/www/x.php SQLSTATE["
    assert exposed(contract, answered(200, raw=pdf, content_type="application/pdf")) == []


# -- debug routes ---------------------------------------------------------------------------------------------
def probe(contract, path: str, status: int, raw: bytes, content_type: str = "text/html") -> list[str]:
    doc_id = probe_ids(contract)[0]
    exchange = answered(status, raw=raw, content_type=content_type, url="https://api.msaaq.test" + path)
    return titles(served(ctx(contract, doc_id, {"probe": path}), exchange))


def test_debug_routes_refused_or_a_catch_all_page_pass(contract):
    assert probe(contract, "/.env", 404, b'{"message":"Not Found"}', "application/json") == []
    assert probe(contract, "/telescope", 403, b"Forbidden") == []
    assert probe(contract, "/.env", 200, b"<!doctype html><title>Academy</title>") == []  # an SPA's catch-all


def test_debug_routes_served_fail(contract):
    assert probe(contract, "/.env", 200, b"APP_ENV=production\nAPP_KEY=<redacted>\n", "text/plain") == [
        "Debug route served"
    ]
    log = b"[2026-01-01 10:00:00] production.ERROR: boom\n"
    assert probe(contract, "/storage/logs/laravel.log", 200, log, "text/plain") == ["Debug route served"]
    assert probe(contract, "/telescope", 200, b"<html><head><title>Telescope</title>") == ["Debug route served"]
    health = b'{"can_execute_commands": true}'
    assert probe(contract, "/_ignition/health-check", 200, health, "application/json") == ["Debug route served"]


# -- login enumeration ----------------------------------------------------------------------------------------
REFUSED = {"message": "These credentials do not match our records.", "errors": {"email": ["These credentials..."]}}


def refusals(contract, unknown: tuple[int, Any], known: tuple[int, Any]) -> list[str]:
    url = BASE + "/admin/authentication/login"
    twin = answered(unknown[0], unknown[1], method="POST", url=url)
    second = answered(known[0], known[1], method="POST", url=url)
    return titles(same_refusal(ctx(contract, LOGIN, {"twin": twin}), second))


def test_login_members_come_from_the_contract(contract):
    assert set(login_members(contract).values()) == {("email", "password")}


def test_the_same_refusal_passes_volatile_members_and_redactions_aside(contract):
    assert refusals(contract, (422, REFUSED), (422, REFUSED)) == []
    timed = ({**REFUSED, "timestamp": 1}, {**REFUSED, "timestamp": 2})
    assert refusals(contract, (422, timed[0]), (422, timed[1])) == []
    redacted = {**REFUSED, "message": "<redacted>"}
    assert refusals(contract, (422, REFUSED), (422, redacted)) == []


def test_a_refusal_that_tells_the_e_mail_exists_fails(contract):
    unknown = {"message": "The selected email is invalid.", "errors": {"email": ["The selected email is invalid."]}}
    assert refusals(contract, (422, unknown), (422, REFUSED)) == ["Login tells whether the e-mail exists"]
    assert refusals(contract, (404, {"message": "No such user"}), (422, REFUSED)) == [
        "Login tells whether the e-mail exists"
    ]
    assert refusals(contract, (422, REFUSED), (200, {"data": {"token": "t"}})) == [
        "Login accepted with wrong credentials"
    ]


# -- CORS -----------------------------------------------------------------------------------------------------
def cors(contract, response_headers: dict[str, str], method: str = "GET") -> list[str]:
    exchange = answered(200, {"data": []}, method=method, sent={"Origin": PROBE_ORIGIN}, headers=response_headers)
    return titles(credentialed_origin(ctx(contract, COURSES), exchange))


def test_cors_without_credentials_or_for_a_fixed_origin_passes(contract):
    assert cors(contract, {}) == []
    assert cors(contract, {"access-control-allow-origin": "*", "access-control-allow-credentials": "true"}) == []
    assert cors(contract, {"access-control-allow-origin": PROBE_ORIGIN}) == []
    fixed = {"access-control-allow-origin": "https://app.msaaq.com", "access-control-allow-credentials": "true"}
    assert cors(contract, fixed) == []


def test_an_echoed_or_null_origin_with_credentials_fails(contract):
    echoed = {"access-control-allow-origin": PROBE_ORIGIN, "access-control-allow-credentials": "true"}
    assert cors(contract, echoed) == ["Any origin may read the API with credentials"]
    assert cors(contract, echoed, method="OPTIONS") == ["Any origin may read the API with credentials"]
    null = {"access-control-allow-origin": "null", "access-control-allow-credentials": "True"}
    assert cors(contract, null) == ["Any origin may read the API with credentials"]


def test_one_probe_per_area(contract):
    ids = area_ids(contract)
    assert sorted(i.split(".")[0] for i in ids) == sorted({d.split(".")[0] for d, _ in contract.documented()})
