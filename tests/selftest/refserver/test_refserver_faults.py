"""Each fault of the catalogue shows on an operation where it applies, and the same call is clean without it.

Faults are scoped to the one operation under test (``operations=[operationId]``) so the token calls of the
shared client stay clean; the ``refserver`` fixture removes them after each test.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tests.selftest.fixtures.refserver import ACADEMY_A, ACADEMY_B, RefClient, contract_errors

from msaaq_contract.client.happy import build_happy_request
from msaaq_contract.contract import Operation, load_contract
from msaaq_contract.errors import ConfigError
from msaaq_contract.refserver import CATALOGUE, Fault, load_faults

CONTRACT = load_contract()
# GET operations whose happy call is repeatable: the fault matrix calls each one twice.
CANDIDATES = [op for _, op in CONTRACT.documented() if op.method == "get" and op.response_kind != "file"]


def operation_for(name: str, prefer: str | None = None) -> Operation:
    fault = Fault(name)
    if prefer is not None:
        op = CONTRACT.operation(prefer)
        assert fault.applies(op)
        return op
    return next(op for op in CANDIDATES if fault.applies(op))


def call(client: RefClient, op: Operation, **options):
    return client.send(client.happy(op.doc_ids[0]), **options)


def inject(server, name: str, op: Operation, **params) -> None:
    server.set_faults([Fault(name, operations=[op.operation_id], **params)])


def test_the_catalogue_has_the_documented_faults():
    assert set(CATALOGUE) == {
        "drop_data", "wrong_status_word", "numeric_code", "wrong_field_type", "missing_required_field",
        "null_required_field", "enum_out_of_range", "broken_pagination_meta", "html_500", "wrong_content_type",
        "auth_not_enforced", "tenant_not_enforced", "cross_tenant_leak", "error_without_envelope", "rate_limit_429",
        "slow_response", "undocumented_status", "extra_field", "null_model_field", "number_as_string",
        "undeclared_enum_value", "update_changes_nothing", "delete_does_nothing", "method_not_refused",
        "requires_field", "accepts_invalid", "optional_member_500", "foreign_role_served", "token_not_bound",
        "write_before_refusal", "existence_leak", "owner_not_checked", "json_like_media_type",
        "file_without_content_type", "undocumented_refusal", "mass_assignable", "secret_member", "debug_error_body",
        "debug_routes_served", "login_enumerates", "cors_echoes_origin", "laravel_rules",
        "patch_alias",
    }  # fmt: skip
    assert all(kind.__doc__ for kind in CATALOGUE.values())


BODY_FAULTS = ["drop_data", "wrong_field_type", "missing_required_field", "null_required_field", "enum_out_of_range"]


@pytest.mark.parametrize("name", BODY_FAULTS)
def test_body_faults_break_the_contract_and_clean_calls_do_not(refserver, ref_client, name):
    op = operation_for(name, prefer="admin.courses.get-course")
    clean = call(ref_client, op)
    assert contract_errors(op.operation_id, clean.status_code, clean.json()) == []
    inject(refserver, name, op)
    broken = call(ref_client, op)
    assert broken.status_code == 200
    assert contract_errors(op.operation_id, 200, broken.json()) != []
    data, before = broken.json().get("data"), clean.json()["data"]
    if name == "drop_data":
        assert "data" not in broken.json()
    elif name == "missing_required_field":
        assert set(before) - set(data)
    elif name == "null_required_field":
        assert any(data[k] is None and before[k] is not None for k in before)
    elif name == "enum_out_of_range":
        assert "__not_in_enum__" in json.dumps(data)
    else:
        assert any(type(data[k]) is not type(before[k]) for k in before if k in data)
    refserver.set_faults([])
    assert contract_errors(op.operation_id, 200, call(ref_client, op).json()) == []


def test_wrong_status_word(refserver, ref_client):
    op = operation_for("wrong_status_word", prefer="admin.courses.get-course")
    inject(refserver, "wrong_status_word", op)
    assert call(ref_client, op).json()["status"] == "failed"
    assert call(ref_client, op, token=None).json()["status"] == "success"


def test_numeric_code(refserver, ref_client):
    op = operation_for("numeric_code", prefer="admin.courses.get-course")
    inject(refserver, "numeric_code", op)
    refused = call(ref_client, op, token=None).json()
    assert refused["code"] == 401
    token_op = CONTRACT.operation("oauth.craete-token")
    inject(refserver, "numeric_code", token_op)
    assert call(ref_client, token_op).json()["code"] == 200
    refserver.set_faults([])
    assert call(ref_client, token_op).json()["code"] == "200"


def test_broken_pagination_meta(refserver, ref_client):
    op = operation_for("broken_pagination_meta")
    assert op.response_kind == "paginated"
    inject(refserver, "broken_pagination_meta", op)
    meta = call(ref_client, op).json()["meta"]
    assert isinstance(meta["current_page"], str)
    assert "total" not in meta
    assert not Fault("broken_pagination_meta").applies(CONTRACT.operation("admin.courses.get-course"))


def test_html_500(refserver, ref_client):
    op = operation_for("html_500")
    inject(refserver, "html_500", op)
    response = call(ref_client, op)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_wrong_content_type(refserver, ref_client):
    op = operation_for("wrong_content_type", prefer="admin.courses.get-course")
    inject(refserver, "wrong_content_type", op)
    response = call(ref_client, op)
    assert response.headers["content-type"].startswith("text/html")
    assert "data" in json.loads(response.content)


def test_json_like_media_type(refserver, ref_client):
    op = operation_for("json_like_media_type", prefer="admin.courses.get-course")
    inject(refserver, "json_like_media_type", op)
    response = call(ref_client, op)
    assert response.headers["content-type"] == "application/problem+json"
    assert "data" in json.loads(response.content)


def test_file_without_content_type(refserver, ref_client):
    op = CONTRACT.operation("admin.msaaqpay.payouts.receipt")
    assert call(ref_client, op).headers["content-type"] == "application/pdf"
    inject(refserver, "file_without_content_type", op)
    response = call(ref_client, op)
    assert response.status_code == 200 and response.content and "content-type" not in response.headers


def test_undocumented_refusal(refserver, ref_client):
    op = CONTRACT.operation("tenant.courses.course-details")
    assert Fault("undocumented_refusal").applies(op) and not Fault("undocumented_refusal").applies(
        CONTRACT.operation("admin.courses.get-course")  # documents 403: nothing to break
    )
    inject(refserver, "undocumented_refusal", op)
    missing = ref_client.happy(op.doc_ids[0])
    missing.path = missing.path.rsplit("/", 1)[0] + "/999999"
    response = ref_client.send(missing)
    assert response.status_code == 403 and json.loads(response.content)["code"] == "FORBIDDEN"


def test_auth_not_enforced(refserver, ref_client):
    op = operation_for("auth_not_enforced", prefer="admin.courses.get-course")
    assert call(ref_client, op, token=None).status_code == 401
    inject(refserver, "auth_not_enforced", op)
    assert call(ref_client, op, token=None).status_code == 200
    assert call(ref_client, op, token="forged").status_code == 200


def test_tenant_not_enforced(refserver, ref_client):
    op = operation_for("tenant_not_enforced", prefer="tenant.courses.course-details")
    inject(refserver, "tenant_not_enforced", op)
    missing = ref_client.send(ref_client.happy(op.doc_ids[0]).without_header("X-Tenant"), token=None)
    assert missing.status_code == 200
    unknown = ref_client.send(ref_client.happy(op.doc_ids[0]), token=None, headers={"X-Tenant": "nowhere.test"})
    assert unknown.status_code == 200


def test_cross_tenant_leak(refserver, ref_client):
    op = operation_for("cross_tenant_leak", prefer="admin.courses.get-course")
    other = ref_client.admin(ACADEMY_B)
    assert ref_client.http.get("/admin/courses/1001", headers=other).status_code == 404
    inject(refserver, "cross_tenant_leak", op)
    leaked = ref_client.http.get("/admin/courses/1001", headers=other)
    assert leaked.status_code == 200
    assert leaked.json()["data"]["title"] == "Python for Beginners"


def test_error_without_envelope(refserver, ref_client):
    op = operation_for("error_without_envelope", prefer="admin.courses.get-course")
    inject(refserver, "error_without_envelope", op)
    assert call(ref_client, op, token=None).json() == {"error": "Unauthenticated."}
    assert call(ref_client, op).status_code == 200


def test_rate_limit_429_then_success(refserver, ref_client):
    op = operation_for("rate_limit_429", prefer="tenant.ping-pong")
    inject(refserver, "rate_limit_429", op, times=2, retry_after=0)
    for _ in range(2):
        limited = call(ref_client, op)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "0"
        assert limited.json()["code"] == "TOO_MANY_ATTEMPTS"
    assert call(ref_client, op).status_code == 200


def test_slow_response(refserver, ref_client):
    op = operation_for("slow_response", prefer="tenant.ping-pong")
    inject(refserver, "slow_response", op, delay_ms=150)
    started = time.perf_counter()
    assert call(ref_client, op).status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_undocumented_status(refserver, ref_client):
    op = operation_for("undocumented_status", prefer="admin.courses.get-course")
    inject(refserver, "undocumented_status", op)
    response = call(ref_client, op)
    assert response.status_code == 299
    assert "299" not in op.responses


def test_extra_field_is_contract_valid(refserver, ref_client):
    op = operation_for("extra_field", prefer="admin.courses.list-courses")
    inject(refserver, "extra_field", op)
    body = call(ref_client, op).json()
    assert all("x_undocumented_field" in item for item in body["data"])
    assert contract_errors(op.operation_id, 200, body) == []


# The systematic faults name the model member they break.
MODEL_PARAMS = {
    "null_model_field": {"model": "admin.Coupon", "field": "minimum_amount"},
    "number_as_string": {"model": "admin.Coupon", "field": "usage_limit"},
    "undeclared_enum_value": {"model": "admin.Member", "field": "status", "value": "suspended"},
}
RULE_PARAMS = {"requires_field": {"field": "name"}, "laravel_rules": {"rules": {"name": "nullable|string"}}}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_fault_applies_somewhere(name):
    fault = Fault(name, **MODEL_PARAMS.get(name, RULE_PARAMS.get(name, {})))
    assert any(fault.applies(op) for op in CONTRACT)


def test_model_faults_break_the_model_wherever_it_appears(refserver, ref_client):
    coupon, uses = CONTRACT.operation("admin.coupons.get-coupon"), CONTRACT.operation("admin.coupons.list-of-uses")
    refserver.set_faults([Fault(name, operations=["admin.coupons.*"], **p) for name, p in MODEL_PARAMS.items()])
    single = call(ref_client, coupon).json()["data"]
    assert single["minimum_amount"] is None and isinstance(single["usage_limit"], str)
    listed = call(ref_client, uses).json()["data"]
    assert listed, "the seed has uses of the coupon"
    for use in listed:  # Coupon and Member nested in each CouponUse
        assert use["coupon"]["minimum_amount"] is None and isinstance(use["coupon"]["usage_limit"], str)
        assert use["member"]["status"] == "suspended"
    assert contract_errors(uses.operation_id, 200, {"data": listed}) != []
    refserver.set_faults([])
    clean = call(ref_client, coupon).json()["data"]
    assert isinstance(clean["minimum_amount"], (int, float)) and not isinstance(clean["usage_limit"], str)


def test_a_model_glob_breaks_the_member_in_every_model_that_has_it(refserver, ref_client):
    course = CONTRACT.operation("admin.courses.get-course")
    refserver.set_faults([Fault("null_model_field", operations=["admin.courses.*"], model="*", field="slug")])
    data = call(ref_client, course).json()["data"]
    assert data["slug"] is None and data["category"]["slug"] is None  # admin.Course and admin.Taxonomy
    refserver.set_faults([Fault("null_model_field", operations=["admin.courses.*"], model="admin.T*", field="slug")])
    data = call(ref_client, course).json()["data"]
    assert isinstance(data["slug"], str) and data["category"]["slug"] is None


REQUIRED = {"message": "The name field is required.", "errors": {"name": ["The name field is required."]}}


def test_requires_field_refuses_creates_and_updates_without_it_as_laravel_does(refserver, ref_client):
    create = CONTRACT.operation("admin.campaigns.create-campaign")  # declares `name`, requires nothing
    replicate = CONTRACT.operation("admin.campaigns.replicate-campaign")  # declares no body at all
    listing = CONTRACT.operation("admin.campaigns.list-campaigns")
    refserver.set_faults([Fault("requires_field", operations=["admin.campaigns.*"], **RULE_PARAMS["requires_field"])])
    for op in (create, replicate):
        refused = call(ref_client, op)  # the happy body lacks `name`
        assert (refused.status_code, refused.json()) == (422, REQUIRED), op.operation_id
        for empty in (None, "", []):
            assert ref_client.send(ref_client.happy(op.doc_ids[0]).copy(json={"name": empty})).status_code == 422
        sent = ref_client.send(ref_client.happy(op.doc_ids[0]).copy(json={"name": "Spring sale"}))
        assert sent.status_code < 300, sent.text
    assert call(ref_client, listing).status_code == 200  # reads are not creates or updates
    assert not Fault("requires_field", field="name").applies(listing)
    refserver.set_faults([])
    assert call(ref_client, create).status_code < 300


def test_accepts_invalid_serves_what_the_contract_refuses(refserver, ref_client):
    create = CONTRACT.operation("admin.campaigns.create-campaign")  # declares `name` as a string
    wrong_type = ref_client.happy(create.doc_ids[0]).copy(json={"name": 12345})
    assert ref_client.send(wrong_type).status_code == 422
    inject(refserver, "accepts_invalid", create)
    served = ref_client.send(wrong_type)
    assert served.status_code < 300, served.text
    assert not Fault("accepts_invalid").applies(CONTRACT.operation("admin.campaigns.list-campaigns"))


def test_optional_member_500_crashes_only_when_an_optional_member_is_sent(refserver, ref_client):
    create = CONTRACT.operation("admin.campaigns.create-campaign")  # `name` is declared, not required
    inject(refserver, "optional_member_500", create)
    assert call(ref_client, create).status_code < 300  # the minimal happy body sends no optional member
    crashed = ref_client.send(ref_client.happy(create.doc_ids[0]).copy(json={"name": "Spring sale"}))
    assert crashed.status_code == 500 and crashed.headers["content-type"].startswith("text/html")
    refserver.set_faults([])
    assert ref_client.send(ref_client.happy(create.doc_ids[0]).copy(json={"name": "Spring sale"})).status_code < 300


JSON = {"Content-Type": "application/json"}


def test_a_body_that_cannot_be_decoded_is_empty_input_as_in_laravel(refserver, ref_client):
    create = CONTRACT.operation("admin.campaigns.create-campaign")  # requires nothing: empty input is valid
    for raw in (b"{not json", b"\xb3m\xf9"):
        answer = ref_client.send(ref_client.happy(create.doc_ids[0]).copy(json=None), content=raw, headers=JSON)
        assert answer.status_code < 300, answer.text
    refserver.set_faults([Fault("requires_field", operations=[create.operation_id], field="name")])
    refused = ref_client.send(ref_client.happy(create.doc_ids[0]).copy(json=None), content=b"{not", headers=JSON)
    assert (refused.status_code, refused.json()) == (422, REQUIRED)


def test_a_model_fault_without_its_model_is_a_one_line_config_error():
    with pytest.raises(ConfigError) as caught:
        Fault("null_model_field", model="admin.Coupon")
    assert "needs 'model'" in caught.value.one_line() and "\n" not in caught.value.one_line()
    with pytest.raises(ConfigError, match="needs 'field'"):
        Fault("requires_field", operations=["admin.campaigns.*"])


def test_undocumented_status_204_drops_the_body(refserver, ref_client):
    op = CONTRACT.operation("admin.coupons.export-uses")
    refserver.set_faults([Fault("undocumented_status", operations=[op.operation_id], status=204)])
    response = call(ref_client, op)
    assert (response.status_code, response.content) == (204, b"")


def test_globs_select_by_operation_id_and_docs_id(refserver, ref_client):
    course = CONTRACT.operation("admin.courses.get-course")
    listing = CONTRACT.operation("admin.courses.list-courses")
    refserver.set_faults([Fault("drop_data", operations=["admin.courses.get-*"])])
    assert "data" not in call(ref_client, course).json()
    assert "data" in call(ref_client, listing).json()
    refserver.set_faults([Fault("drop_data", operations=["admin.coaching-sessions.details"])])
    assert "data" not in call(ref_client, CONTRACT.operation("admin.products.get-product")).json()


def test_enum_fault_only_applies_where_data_has_an_enum():
    assert not Fault("enum_out_of_range").applies(CONTRACT.operation("tenant.ping-pong"))
    assert not Fault("drop_data").applies(CONTRACT.operation("tenant.ping-pong"))


def test_faults_start_with_the_server(start_refserver):
    server = start_refserver(faults=[Fault("undocumented_status", operations=["tenant.ping-pong"])])
    client = RefClient(server, CONTRACT)
    try:
        assert client.http.get("/tenant/ping", headers={"X-Tenant": ACADEMY_A}).status_code == 299
    finally:
        client.close()


def test_fault_files_yaml_and_json(tmp_path: Path):
    yaml_file = tmp_path / "faults.yaml"
    yaml_file.write_text("- fault: rate_limit_429\n  operations: ['admin.*']\n  times: 3\n- fault: drop_data\n")
    faults = load_faults(yaml_file)
    assert [f.name for f in faults] == ["rate_limit_429", "drop_data"]
    assert faults[0].kind.params == {"times": 3, "retry_after": 1}
    assert faults[1].operations == ("*",)
    json_file = tmp_path / "faults.json"
    json_file.write_text(json.dumps([{"fault": "slow_response", "delay_ms": 5}]))
    assert load_faults(json_file)[0].kind.params == {"delay_ms": 5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{}", "expected a list"),
        ("- fault: no_such_fault\n", "unknown fault"),
        ("- fault: drop_data\n  bogus: 1\n", "no parameter 'bogus'"),
        ("- operations: ['*']\n", "needs a 'fault'"),
        ("- fault: drop_data\n  operations: 5\n", "must be a list"),
        ("[unclosed", "not valid YAML"),
    ],
)
def test_bad_fault_files_are_one_line_config_errors(tmp_path: Path, text, expected):
    path = tmp_path / "faults.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_faults(path)
    assert expected in caught.value.one_line()
    assert "\n" not in caught.value.one_line()


def test_missing_fault_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_faults(tmp_path / "absent.yaml")


def test_write_faults_answer_success_and_store_nothing(fresh_refserver, fresh_client):
    read, update, delete = (
        CONTRACT.operation(f"admin.quizzes.{name}") for name in ("get-quiz", "update-quiz", "delete-quiz")
    )
    assert Fault("update_changes_nothing").applies(update) and not Fault("update_changes_nothing").applies(read)
    assert Fault("delete_does_nothing").applies(delete) and not Fault("delete_does_nothing").applies(update)
    fresh_refserver.set_faults(
        [Fault("update_changes_nothing", [update.operation_id]), Fault("delete_does_nothing", [delete.operation_id])]
    )
    quiz = fresh_client.happy(read.doc_ids[0]).path_values
    before = call(fresh_client, read).json()["data"]["title"]
    renamed = build_happy_request(CONTRACT, update.doc_ids[0], fresh_client.fixtures, values=quiz)
    renamed.json = {"title": "renamed"}
    removed = build_happy_request(CONTRACT, delete.doc_ids[0], fresh_client.fixtures, values=quiz)
    assert fresh_client.send(renamed).status_code == 200
    assert call(fresh_client, read).json()["data"]["title"] == before
    assert fresh_client.send(removed).status_code == 200
    assert call(fresh_client, read).status_code == 200  # still served
    fresh_refserver.set_faults([])  # the same calls, clean
    assert fresh_client.send(renamed).status_code == 200
    assert call(fresh_client, read).json()["data"]["title"] == "renamed"
    assert fresh_client.send(removed).status_code == 200
    assert call(fresh_client, read).status_code == 404


def test_method_not_refused_answers_undeclared_methods_with_404(refserver, ref_client):
    op = CONTRACT.operation("admin.members.import")
    assert ref_client.http.get("/admin/members/import", headers=ref_client.admin()).status_code == 405
    inject(refserver, "method_not_refused", op)
    for method in ("GET", "OPTIONS"):
        response = ref_client.http.request(method, "/admin/members/import", headers=ref_client.admin())
        assert response.status_code == 404 and "allow" not in response.headers
    assert ref_client.http.get("/admin/courses/1001", headers=ref_client.admin()).status_code == 200
