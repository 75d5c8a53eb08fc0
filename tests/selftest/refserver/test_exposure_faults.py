"""The reference server keeps secrets, debug routes, login refusals and CORS right, and each exposure fault breaks
exactly that: a secret member, debug members in error bodies, served debug routes, a login that tells the e-mail
exists, an Origin echoed with credentials."""

from __future__ import annotations

import httpx
from tests.selftest.fixtures.refserver import RefClient

from msaaq_contract.checks.enumeration import UNKNOWN_EMAIL, WRONG_PASSWORD, login_ids
from msaaq_contract.checks.exposure import DEBUG_ROUTES
from msaaq_contract.contract import load_contract
from msaaq_contract.refserver import Fault

CONTRACT = load_contract()
COURSES = "admin.courses.list-courses"
ORIGIN = "https://msaaq-contract.invalid"


def debug_routes(server) -> list[httpx.Response]:
    return [httpx.get(base + path) for base in (server.root_url, server.base_url) for path in DEBUG_ROUTES]


def login_pair(client: RefClient, doc_id: str) -> tuple[httpx.Response, httpx.Response]:
    call = client.happy(doc_id)
    unknown = client.send(call, json={**call.json, "email": UNKNOWN_EMAIL, "password": WRONG_PASSWORD})
    known = client.send(call, json={**call.json, "password": WRONG_PASSWORD})
    return unknown, known


def test_the_clean_server_serves_no_debug_route_and_no_secret(refserver, ref_client):
    assert {r.status_code for r in debug_routes(refserver)} == {404}
    body = ref_client.send(ref_client.happy(COURSES)).text
    assert "password" not in body and "$2y$" not in body
    refused = ref_client.send(ref_client.happy(COURSES), token=None)
    assert refused.status_code == 401 and not {"exception", "trace"} & set(refused.json())


def test_the_clean_server_refuses_unknown_e_mails_and_wrong_passwords_alike(ref_client):
    for doc_id in login_ids(CONTRACT):
        unknown, known = login_pair(ref_client, doc_id)
        assert unknown.status_code == known.status_code == 422
        assert unknown.json() == known.json()


def test_the_clean_server_sends_no_cors_header(ref_client):
    call = ref_client.happy(COURSES)
    read = ref_client.send(call, headers={"Origin": ORIGIN})
    preflight = ref_client.send(call, method="OPTIONS", token=None, headers={"Origin": ORIGIN})
    for answer in (read, preflight):
        assert not [h for h in answer.headers if h.lower().startswith("access-control-")]


def test_secret_member_and_debug_error_body(refserver, ref_client):
    op = CONTRACT.operation(COURSES)
    refserver.set_faults([Fault("secret_member", [op.operation_id]), Fault("debug_error_body", [op.operation_id])])
    item = ref_client.send(ref_client.happy(COURSES)).json()["data"][0]
    assert item["password"].startswith("$2y$10$") and len(item["password"]) == 60
    refused = ref_client.send(ref_client.happy(COURSES), token=None).json()
    assert {"exception", "file", "line", "trace"} <= set(refused)


def test_debug_routes_served(refserver):
    refserver.set_faults([Fault("debug_routes_served", ["nothing-matches"])])  # the host's, whatever operations
    answers = debug_routes(refserver)
    assert {r.status_code for r in answers} == {200}
    assert "APP_KEY=" in answers[list(DEBUG_ROUTES).index("/.env")].text


def test_login_enumerates(refserver, ref_client):
    refserver.set_faults([Fault("login_enumerates")])
    for doc_id in login_ids(CONTRACT):
        unknown, known = login_pair(ref_client, doc_id)
        assert unknown.status_code == known.status_code == 422
        assert unknown.json() != known.json()
    assert not Fault("login_enumerates").applies(CONTRACT.operation(COURSES), CONTRACT)


def test_cors_echoes_origin(refserver, ref_client):
    refserver.set_faults([Fault("cors_echoes_origin", [CONTRACT.operation(COURSES).operation_id])])
    call = ref_client.happy(COURSES)
    preflight = ref_client.send(call, method="OPTIONS", token=None, headers={"Origin": ORIGIN})
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "access-control-allow-origin" not in ref_client.send(call).headers  # no Origin, nothing echoed
