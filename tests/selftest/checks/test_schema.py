"""The schema check passes conforming bodies and fails type, required, null and enum violations with the JSON
pointer, expected and actual; undocumented fields are warnings only."""

import copy

import pytest
from tests.selftest.fixtures.responses import ctx, exchange, valid_body

from msaaq_contract.checks.schema import schema
from msaaq_contract.client.happy import Fixtures, example_value

COUPON = "admin.coupons.get-coupon"
COURSES = "admin.courses.list-courses"


def run(contract, doc_id, body, status=200):
    return schema(ctx(contract, doc_id), exchange(contract, doc_id, status, body))


@pytest.mark.parametrize("doc_id", [COUPON, COURSES, "tenant.get-tenant-details", "oauth.craete-token"])
def test_conforming_body_passes(contract, doc_id):
    assert run(contract, doc_id, valid_body(contract, doc_id)) == []


def test_wrong_type_fails_with_pointer(contract):
    body = copy.deepcopy(valid_body(contract, COUPON))
    body["data"]["amount"] = "ten"
    [finding] = run(contract, COUPON, body)
    assert finding.title == "Field type mismatch"
    assert finding.pointer == "/data/amount"
    assert finding.expected == 'type: "number"'
    assert finding.actual == '"ten"'


def test_missing_required_field_fails(contract):
    body = copy.deepcopy(valid_body(contract, COUPON))
    del body["data"]["code"]
    [finding] = run(contract, COUPON, body)
    assert finding.pointer == "/data"
    assert "'code' is a required property" in finding.message


def test_null_in_non_nullable_field_fails(contract):
    body = copy.deepcopy(valid_body(contract, COUPON))
    body["data"]["enabled"] = None
    [finding] = run(contract, COUPON, body)
    assert finding.pointer == "/data/enabled"
    assert finding.actual == "null"


def test_enum_out_of_range_fails(contract):
    body = copy.deepcopy(valid_body(contract, COUPON))
    body["data"]["type"] = "__not_in_enum__"
    [finding] = run(contract, COUPON, body)
    assert finding.pointer == "/data/type"
    assert "percentage" in finding.expected


def test_nested_item_violation_names_the_item(contract):
    body = copy.deepcopy(valid_body(contract, COURSES))
    body["data"][0]["id"] = "1"
    findings = run(contract, COURSES, body)
    assert [f.pointer for f in findings] == ["/data/0/id"]


def test_broken_pagination_meta_fails(contract):
    body = copy.deepcopy(valid_body(contract, COURSES))
    body["meta"]["current_page"] = "1"
    del body["meta"]["total"]
    pointers = sorted(f.pointer for f in run(contract, COURSES, body))
    assert pointers == ["/meta", "/meta/current_page"]


def test_error_body_is_validated_against_the_error_schema(contract):
    findings = run(contract, COUPON, {"status": "failed", "code": 404, "message": {"body": "x"}}, status=404)
    assert [f.pointer for f in findings] == ["/code"]


def test_undocumented_field_is_a_warning(contract):
    body = copy.deepcopy(valid_body(contract, COUPON))
    body["data"]["x_undocumented_field"] = 1
    [finding] = run(contract, COUPON, body)
    assert finding.severity == "warning"
    assert finding.pointer == "/data/x_undocumented_field"


def test_non_json_body_fails(contract):
    findings = schema(ctx(contract, COUPON), exchange(contract, COUPON, 200, raw=b"<html>", content_type="text/html"))
    assert [f.title for f in findings] == ["Body is not JSON"]


def test_undocumented_status_is_left_to_the_status_check(contract):
    assert run(contract, COUPON, {"anything": True}, status=299) == []


# -- unions: a deviation inside anyOf/oneOf is explained in the branch the value belongs to ------------------------
QUIZ = "admin.quizzes.get-quiz"  # admin.Quiz.course: anyOf [$ref admin.Course, null]
CAMPAIGN = "admin.campaigns.get-campaign"  # admin.Campaign.product: anyOf [$ref admin.Product, $ref admin.Course]


def model(contract, name):
    return copy.deepcopy(
        example_value(
            contract, {"$ref": f"#/components/schemas/{name}"}, "", Fixtures(tenant="academy-a.msaaq.test"), QUIZ
        )
    )


def test_a_drift_inside_a_nullable_ref_is_named_at_the_member_of_the_object_branch(contract):
    body = copy.deepcopy(valid_body(contract, QUIZ))
    body["data"]["course"] = model(contract, "admin.Course") | {"slug": None}
    [finding] = run(contract, QUIZ, body)
    assert (finding.pointer, finding.expected, finding.actual) == ("/data/course/slug", 'type: "string"', "null")
    assert finding.schema_path.endswith("/properties/course/anyOf/0/properties/slug/type")


def test_a_value_of_a_type_no_branch_has_is_the_union_s_own_finding(contract):
    body = copy.deepcopy(valid_body(contract, QUIZ))
    body["data"]["course"] = "Sample text"
    [finding] = run(contract, QUIZ, body)
    assert finding.pointer == "/data/course" and finding.expected.startswith("anyOf:")
    assert finding.title == "Field type mismatch" and "not valid under any" in finding.message
    assert finding.schema_path.endswith("/properties/course/anyOf")


@pytest.mark.parametrize(("name", "branch"), [("admin.Product", 0), ("admin.Course", 1)])
def test_an_object_is_judged_by_the_object_branch_it_belongs_to(contract, name, branch):
    body = copy.deepcopy(valid_body(contract, CAMPAIGN))
    body["data"]["product"] = model(contract, name) | {"price": "10"}
    [finding] = run(contract, CAMPAIGN, body)  # not "required member 'page' is missing" from the other branch
    assert (finding.pointer, finding.actual) == ("/data/product/price", '"10"')
    assert finding.schema_path.endswith(f"/properties/product/anyOf/{branch}/properties/price/type")


def test_a_union_of_a_conforming_value_passes(contract):
    body = copy.deepcopy(valid_body(contract, CAMPAIGN))
    body["data"]["product"] = model(contract, "admin.Course")
    assert [f for f in run(contract, CAMPAIGN, body) if f.is_error] == []
