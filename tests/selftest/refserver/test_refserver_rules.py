"""The refusals, for every operation of the contract: 401 without a valid token, 400 without a known
X-Tenant (checked before auth), 422 for wrongly typed bodies, 405 for a wrong method, 404 for unknown routes.
All run on the shared server: each request is refused before anything is written."""

from __future__ import annotations

import pytest
from tests.selftest.fixtures.refserver import ACADEMY_A, ACADEMY_B

from msaaq_contract.contract import Operation, load_contract
from msaaq_contract.contract.flatten import types_of
from msaaq_contract.refserver import fixture_values
from msaaq_contract.refserver.schemas import SchemaIndex

CONTRACT = load_contract()
INDEX = SchemaIndex(CONTRACT)
FIXTURES = fixture_values(CONTRACT)
OPS = sorted(CONTRACT, key=lambda o: o.operation_id)
UNAUTH = {"status": "failed", "code": "UNAUTHORIZED", "message": {"body": "Unauthenticated."}}
MISSING = {
    "status": "failed",
    "code": "TENANT_HEADER_NOT_PROVIDED",
    "message": {"body": "No Tenant header was provided"},
}
UNKNOWN = {"status": "failed", "code": "TENANT_NOT_FOUND", "message": {"body": "Tenant not found"}}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def ids(ops: list[Operation]) -> list[str]:
    return [op.operation_id for op in ops]


def first_doc_id(op: Operation) -> str:
    return op.doc_ids[0] if op.doc_ids else op.operation_id


def concrete(op: Operation) -> str:
    path = op.path
    for param in op.path_params:
        path = path.replace("{" + param.name + "}", str(FIXTURES["path"].get(param.name, 1)))
    return path


PROTECTED = [op for op in OPS if op.auth == "required" and op.security and op.doc_ids]
TOKEN_CHECKED = [op for op in OPS if op.auth in ("required", "optional") and op.security and op.doc_ids]
TENANT_OPS = [op for op in OPS if op.tenant_required and op.doc_ids]


def wrong_value(schema: dict) -> object:
    """A value of a JSON type the property does not allow, and Laravel refuses (its ``integer`` takes ``true``)."""
    types = set(types_of(schema))
    for value, kind in (
        (12345, "integer"),
        ("text", "string"),
        (True, "boolean"),
        ([1], "array"),
        ({"a": 1}, "object"),
    ):
        covered = (kind == "integer" and "number" in types) or (kind == "boolean" and "integer" in types)
        if kind not in types and not covered:
            return value
    raise AssertionError(f"no wrong type for {types}")


def typed_property(op: Operation) -> tuple[str, dict] | None:
    """The first request property with a concrete type and no enum/anyOf (a wrong type is unambiguous)."""
    flat = INDEX.flatten(op.request_schema)
    for name, sub in (flat.get("properties") or {}).items():
        sub = INDEX.flatten(sub)
        if types_of(sub) and "anyOf" not in sub and name != "_method":
            return name, sub
    return None


BODY_OPS = [op for op in OPS if op.request_schema is not None and op.doc_ids and typed_property(op)]
REQUIRED_OPS = [
    op
    for op in OPS
    if op.request_schema is not None and op.doc_ids and INDEX.flatten(op.request_schema).get("required")
]
WRONG_METHOD = [
    (op, method)
    for op in OPS
    if not op.server_root
    for method in METHODS
    if CONTRACT.match(method, concrete(op)) is None and method != op.method.upper()
][::3]  # every third (operation, method) pair keeps this fast and still touches every path family
UNKNOWN_SUFFIX = [
    op
    for op in OPS
    if not op.server_root and all(CONTRACT.match(m, concrete(op) + "/zz-unknown") is None for m in METHODS)
]


@pytest.mark.parametrize("op", PROTECTED, ids=ids(PROTECTED))
def test_missing_token_is_401(ref_client, op):
    response = ref_client.send(ref_client.happy(first_doc_id(op)), token=None)
    assert response.status_code == 401, response.text
    assert response.json() == UNAUTH


@pytest.mark.parametrize("op", TOKEN_CHECKED, ids=ids(TOKEN_CHECKED))
def test_invalid_token_is_401(ref_client, op):
    response = ref_client.send(ref_client.happy(first_doc_id(op)), token="not-a-real-token")
    assert response.status_code == 401, response.text
    assert response.json() == UNAUTH


@pytest.mark.parametrize("op", TENANT_OPS, ids=ids(TENANT_OPS))
def test_tenant_header_missing_then_unknown_is_400(ref_client, op):
    call = ref_client.happy(first_doc_id(op)).without_header("X-Tenant")
    # No token either: the tenant is checked before authentication.
    response = ref_client.send(call, token=None)
    assert response.status_code == 400, response.text
    assert response.json() == MISSING
    call.headers["X-Tenant"] = "no-such-academy.msaaq.test"
    response = ref_client.send(call, token=None)
    assert response.status_code == 400, response.text
    assert response.json() == UNKNOWN


@pytest.mark.parametrize("op", BODY_OPS, ids=ids(BODY_OPS))
def test_wrongly_typed_body_field_is_422(ref_client, op):
    name, schema = typed_property(op)
    call = ref_client.happy(first_doc_id(op)).copy(json={name: wrong_value(schema)}, data=None, files=None)
    response = ref_client.send(call)
    assert response.status_code == 422, response.text
    body = response.json()
    assert isinstance(body["message"], str)
    assert name in body["errors"]
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)


@pytest.mark.parametrize("op", REQUIRED_OPS, ids=ids(REQUIRED_OPS))
def test_missing_required_fields_are_named_in_422(ref_client, op):
    call = ref_client.happy(first_doc_id(op)).copy(json={}, data=None, files=None)
    response = ref_client.send(call)
    assert response.status_code == 422, response.text
    required = INDEX.flatten(op.request_schema)["required"]
    assert set(required) <= set(response.json()["errors"])


@pytest.mark.parametrize(("op", "method"), WRONG_METHOD, ids=[f"{op.operation_id}-{m}" for op, m in WRONG_METHOD])
def test_wrong_method_is_405(ref_client, op, method):
    response = ref_client.send(ref_client.happy(first_doc_id(op)), method=method)
    assert response.status_code == 405, response.text
    body = response.json()
    assert body["status"] == "failed"
    assert body["code"] == "METHOD_NOT_ALLOWED"
    assert op.method.upper() in response.headers["allow"]


def test_wrong_method_allow_lists_the_paths_methods_as_laravel_does(ref_client):
    response = ref_client.http.delete("/admin/courses", headers=ref_client.admin())
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"  # Router::$verbs order; GET routes answer HEAD


def test_options_is_answered_with_allow_before_auth(ref_client):
    response = ref_client.http.options("/admin/courses")
    assert (response.status_code, response.content, response.headers["allow"]) == (200, b"", "GET,HEAD,POST")


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "OPTIONS"])
def test_a_concrete_path_is_matched_before_its_templated_sibling(ref_client, method):
    # /admin/members/import declares POST only; /admin/members/{member} must not answer for it.
    response = ref_client.http.request(method, "/admin/members/import", headers=ref_client.admin())
    assert response.status_code == (200 if method == "OPTIONS" else 405), response.text
    assert response.headers["allow"].replace(" ", "") == "POST"


@pytest.mark.parametrize("op", UNKNOWN_SUFFIX, ids=ids(UNKNOWN_SUFFIX))
def test_unknown_route_is_404(ref_client, op):
    response = ref_client.http.request(op.method.upper(), concrete(op) + "/zz-unknown", headers=ref_client.admin())
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize("path", ["/nope", "/admin/nope", "/tenant/nope/deeper", "/v2/admin/courses"])
def test_unknown_paths_are_404_envelopes(ref_client, path):
    response = ref_client.http.get(path, headers=ref_client.admin())
    assert response.status_code == 404
    assert response.json()["status"] == "failed"


def test_admin_token_with_another_academy_header_is_403(ref_client):
    headers = {**ref_client.admin(ACADEMY_A), "X-Tenant": ACADEMY_B}
    response = ref_client.http.get("/admin/courses", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


def test_admin_operations_work_without_x_tenant(ref_client):
    token = ref_client.admin_token()
    response = ref_client.http.get("/admin/courses/1001", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_student_token_of_one_academy_is_refused_by_the_other(ref_client):
    headers = {**ref_client.student(ACADEMY_A), "X-Tenant": ACADEMY_B}
    response = ref_client.http.get("/tenant/auth/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTH


@pytest.mark.parametrize(("path", "kind"), [("/admin/courses", "tenantStudent"), ("/tenant/auth/me", "adminUser")])
def test_a_token_of_the_wrong_kind_is_401(ref_client, path, kind):
    token = ref_client.token_for(kind)
    response = ref_client.http.get(path, headers={"Authorization": f"Bearer {token}", "X-Tenant": ACADEMY_A})
    assert response.status_code == 401


def test_optional_operations_serve_anonymous_student_and_client_calls(ref_client):
    for token in (None, ref_client.student_token(), ref_client.client_token()):
        headers = {"X-Tenant": ACADEMY_A, **({"Authorization": f"Bearer {token}"} if token else {})}
        assert ref_client.http.get("/tenant/courses", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"client_id": "demo-client"}, {"client_id": "demo-client", "client_secret": "wrong"}]
)
def test_oauth_token_refuses_bad_client_credentials(ref_client, body):
    response = ref_client.http.post("/oauth/token", json=body)
    assert response.status_code == 401
    assert response.json()["status"] == "failed"


def test_oauth_token_shape_and_ping(ref_client):
    response = ref_client.http.post("/oauth/token", json={"client_id": "demo-client", "client_secret": "demo-secret"})
    body = response.json()
    assert (body["status"], body["code"], body["data"]["token_type"]) == ("success", "200", "Bearer")
    assert body["data"]["expires_in"] == 3600
    ping = ref_client.http.get("/ping", headers={"Authorization": f"Bearer {body['data']['access_token']}"})
    assert ping.json() == {"message": "pong!"}
    assert ref_client.http.get("/ping").status_code == 401


def test_tenant_ping(ref_client):
    response = ref_client.http.get("/tenant/ping", headers={"X-Tenant": ACADEMY_A})
    assert (response.status_code, response.json()) == (200, {"message": "pong!"})


def test_method_spoofing_routes_post_as_put(ref_client):
    headers = ref_client.admin()
    response = ref_client.http.post("/admin/courses/1002", params={"_method": "PUT"}, headers=headers, json={})
    assert response.status_code == 200
    assert response.json()["data"]["id"] == 1002
    assert ref_client.http.post("/admin/courses/1002", headers=headers).status_code == 405
