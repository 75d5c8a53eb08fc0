"""Root-cause grouping: the same model field groups across operations (located through the contract, not by
name), each kind proposes the change that removes it, and what the contract already accepts proposes nothing."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from tests.selftest.calibration.evidence_factory import (
    CONTRACT,
    check,
    curl,
    envelope,
    passed,
    report,
    required,
    schema,
    status,
)
from tests.selftest.fixtures.responses import valid_body

from msaaq_contract.calibration.evidence import collect
from msaaq_contract.calibration.grouping import Group, Grouper, shared_drifts
from msaaq_contract.calibration.locate import Location, Walker
from msaaq_contract.calibration.review import drift_lines
from msaaq_contract.checks.methods import ALIAS_TITLE
from msaaq_contract.checks.schema import validator_for, violations
from msaaq_contract.client.happy import Fixtures, example_value
from msaaq_contract.contract.model import Contract
from msaaq_contract.contract.overrides import apply_changes
from msaaq_contract.reporting.verdict import CheckVerdict
from msaaq_contract.reporting.verdict import Finding as Reported

NUMBER = 'type: "number"'
FIXTURES = Fixtures(tenant="academy-a.msaaq.test")


def groups_of(checks) -> list[Group]:
    evidence = collect(Path("conformance.json"), report(checks), "digest", CONTRACT)
    return Grouper(CONTRACT).group(evidence.observations)


def test_walker_finds_the_declaring_model_through_lists_and_nesting():
    walker = Walker(CONTRACT)
    where = Location("schema", "admin.Coupon", "/properties/minimum_amount")
    assert walker.slot(CONTRACT.operation("admin.coupons.get-coupon"), "200", "/data/minimum_amount") == where
    assert walker.slot(CONTRACT.operation("admin.coupons.list"), "200", "/data/3/minimum_amount") == where
    uses = CONTRACT.operation("admin.coupons.list-of-uses")
    assert walker.slot(uses, "200", "/data/0/coupon/minimum_amount") == where
    assert walker.slot(uses, "200", "/data/0/member/status") == Location("schema", "admin.Member", "/properties/status")
    assert walker.slot(uses, "200", "/data/0/no_such_member") is None


def test_one_model_field_null_in_several_operations_is_one_group():
    found = groups_of(
        {
            "admin.coupons.get-coupon": [
                check("schema", schema("admin.coupons.get-coupon", "/data/minimum_amount", NUMBER, None))
            ],
            "admin.coupons.list": [
                check(
                    "schema",
                    schema("admin.coupons.list", "/data/0/minimum_amount", NUMBER, None),
                    schema("admin.coupons.list", "/data/1/minimum_amount", NUMBER, None),
                ),
                check("language", schema("admin.coupons.list", "/data/0/minimum_amount", NUMBER, None, lang="ar")),
            ],
            "admin.coupons.list-of-uses": [
                check("schema", schema("admin.coupons.list-of-uses", "/data/0/coupon/minimum_amount", NUMBER, None))
            ],
        }
    )
    assert [g.key for g in found] == ["null:admin.Coupon/properties/minimum_amount"]
    group = found[0]
    assert group.kind == "null-field"
    assert (group.evidence, group.responses) == (5, 4)  # the ar response is its own; two items share one response
    assert group.operations == ["admin.coupons.get-coupon", "admin.coupons.list", "admin.coupons.list-of-uses"]
    assert group.changes == [
        {"change": "add-types", "schema": "admin.Coupon", "pointer": "/properties/minimum_amount", "types": ["null"]}
    ]
    assert set(group.operations) <= set(group.touches)
    assert group.where.endswith("models-admin.yaml#/admin.Coupon/properties/minimum_amount")


def test_a_number_sent_as_a_string_is_its_own_group_beside_the_null_one():
    doc = "admin.coupons.get-coupon"
    found = groups_of(
        {
            doc: [
                check(
                    "schema", schema(doc, "/data/usage_limit", NUMBER, "10"), schema(doc, "/data/amount", NUMBER, None)
                )
            ]
        }
    )
    assert sorted(g.key for g in found) == [
        "null:admin.Coupon/properties/amount",
        "type:admin.Coupon/properties/usage_limit:string",
    ]
    (typed,) = [g for g in found if g.kind == "field-type"]
    assert typed.changes[0]["types"] == ["string"]


def test_undeclared_enum_values_gather_in_one_group_of_the_enum():
    doc = "admin.coupons.list-of-uses"
    enum = 'enum: ["active", "inactive"]'
    found = groups_of(
        {
            doc: [
                check(
                    "schema",
                    schema(doc, "/data/0/member/status", enum, "suspended"),
                    schema(doc, "/data/1/member/status", enum, "banned"),
                    schema(doc, "/data/2/member/status", enum, "suspended"),
                )
            ]
        }
    )
    assert [(g.key, g.kind) for g in found] == [("enum:admin.Member/properties/status", "enum-value")]
    assert found[0].changes[0]["values"] == ["suspended", "banned"]


def test_a_missing_required_member_proposes_to_stop_requiring_it():
    doc = "admin.coupons.get-coupon"
    (group,) = groups_of({doc: [check("schema", required(doc, "/data", "minimum_amount"))]})
    assert group.key == "required:admin.Coupon/minimum_amount"
    assert group.changes == [
        {"change": "not-required", "schema": "admin.Coupon", "pointer": "", "property": "minimum_amount"}
    ]


def test_an_undocumented_status_takes_the_other_findings_of_its_response_along():
    doc = "admin.coupons.export-uses"
    found = groups_of(
        {
            doc: [
                check("status", status(doc, 204), status(doc, 204, "Valid request not accepted")),
                check("envelope", envelope(doc, 204)),
            ]
        }
    )
    assert [g.key for g in found] == ["status:204"]
    assert found[0].evidence == 3 and found[0].responses == 1
    assert found[0].changes == [
        {"change": "add-response", "operation": "admin.coupons.export-uses", "status": "204", "like": None}
    ]
    (with_body,) = groups_of({doc: [check("status", status(doc, 299))]})
    assert with_body.changes[0]["like"] == "200"


def test_a_guessed_route_that_answered_404_everywhere_is_one_manual_group():
    doc = next(d for d, op in CONTRACT.documented() if op.confidence == "low" and op.method == "get")
    found = groups_of(
        {
            doc: [
                check("status", status(doc, 404, "Valid request not accepted"), outcome="uncertain"),
                check("envelope", envelope(doc, 404, "status missing"), outcome="uncertain"),
            ]
        }
    )
    assert [(g.kind, g.fixable) for g in found] == [("guessed-route", False)]
    assert found[0].key == f"route:{CONTRACT.operation(doc).operation_id}"
    assert "answered 404/405 on every call" in found[0].summary


def test_what_the_contract_already_accepts_proposes_nothing():
    course = "admin.courses.get-course"  # admin.Course.description is string or null
    coupon = "admin.coupons.get-coupon"  # documents 200
    found = groups_of(
        {
            course: [check("schema", schema(course, "/data/description", 'type: "string"', None))],
            coupon: [check("status", status(coupon, 200))],
        }
    )
    assert found == []


def test_findings_outside_the_contract_shapes_are_grouped_by_check_without_a_change():
    a, b = "admin.coupons.get-coupon", "admin.coupons.list"
    auth = check("auth", status(a, 200, "Missing token accepted"))
    found = groups_of({a: [auth, passed("schema")], b: [check("auth", status(b, 200, "Missing token accepted"))]})
    assert [(g.kind, g.fixable, g.operations) for g in found] == [
        ("other", False, ["admin.coupons.get-coupon", "admin.coupons.list"])
    ]


def test_grouping_is_deterministic():
    doc = "admin.coupons.list"
    checks = {doc: [check("schema", *(schema(doc, f"/data/{i}/minimum_amount", NUMBER, None) for i in range(3)))]}
    first, second = groups_of(checks), groups_of(checks)
    assert [(g.key, g.evidence, g.example.finding.pointer) for g in first] == [
        (g.key, g.evidence, g.example.finding.pointer) for g in second
    ]


# -- findings as the schema check writes them (with their schema path): unions and shared members ---------------
def judged(doc_id: str, edit) -> list:
    """The schema check's findings on a conforming body of ``doc_id`` changed by ``edit(data)``."""
    body = copy.deepcopy(valid_body(CONTRACT, doc_id))
    edit(body["data"])
    op = CONTRACT.operation(doc_id)
    findings = violations(validator_for(CONTRACT, op.operation_id, "200"), body)
    for f in findings:
        f.status, f.curl = 200, curl(doc_id)
    return findings


def model(name: str, **members) -> dict:
    value = example_value(CONTRACT, {"$ref": f"#/components/schemas/{name}"}, "", FIXTURES, "admin.quizzes.get-quiz")
    return copy.deepcopy(value) | members


def test_a_drift_inside_a_nullable_ref_is_the_member_of_the_model_not_the_union():
    quiz = "admin.quizzes.get-quiz"  # admin.Quiz.course: anyOf [$ref admin.Course, null]
    findings = judged(quiz, lambda d: d.update(course=model("admin.Course", slug=None)))
    [group] = groups_of({quiz: [check("schema", *findings)]})
    assert group.key == "null:admin.Course/properties/slug"  # not "admin.Quiz.course is a object"
    assert group.changes[0] == {"change": "add-types", "schema": "admin.Course", "pointer": "/properties/slug",
                                "types": ["null"]}  # fmt: skip


def test_an_object_in_a_union_of_models_is_located_in_the_model_it_is():
    campaign = "admin.campaigns.get-campaign"  # admin.Campaign.product: anyOf [admin.Product, admin.Course]
    findings = judged(campaign, lambda d: d.update(product=model("admin.Course", price="10")))
    assert [g.key for g in groups_of({campaign: [check("schema", *findings)]})] == [
        "type:admin.Course/properties/price:string"  # not admin.Product's price, nor "'page' is missing"
    ]


def test_a_value_no_branch_takes_widens_the_union_itself():
    quiz = "admin.quizzes.get-quiz"
    [group] = groups_of({quiz: [check("schema", *judged(quiz, lambda d: d.update(course="Sample text")))]})
    assert group.key == "type:admin.Quiz/properties/course:string"
    assert group.changes[0]["pointer"] == "/properties/course" and group.changes[0]["types"] == ["string"]


def test_null_in_a_string_enum_is_one_null_group_counted_once_per_value():
    member = "admin.members.get-member"  # admin.Member.status: {type: string, enum: [active, inactive]}
    findings = judged(member, lambda d: d.update(status=None))
    assert sorted(f.expected.split(":")[0] for f in findings) == ["enum", "type"]
    [group] = groups_of({member: [check("schema", *findings)]})
    assert (group.key, group.kind, group.evidence) == ("null:admin.Member/properties/status", "null-field", 1)


def test_a_member_that_drifts_in_several_models_is_said_once_and_each_model_keeps_its_group():
    course = "admin.courses.get-course"  # admin.Course and its category, an admin.Taxonomy

    def nulls(data):
        data.update(slug=None, category=model("admin.Taxonomy", slug=None))

    found = groups_of({course: [check("schema", *judged(course, nulls))]})
    assert sorted(g.key for g in found) == [
        "null:admin.Course/properties/slug",
        "null:admin.Taxonomy/properties/slug",
    ]
    assert shared_drifts(found) == [("slug", "null", ["admin.Course", "admin.Taxonomy"])]
    assert "`slug` is null in 2 models: admin.Course, admin.Taxonomy" in drift_lines(shared_drifts(found))


def test_laravels_patch_alias_is_a_proposal_to_record_it_and_recorded_proposes_nothing():
    doc_id = "admin.courses.get-course"  # GET, PUT, DELETE /admin/courses/{course}: the methods family's probe
    alias = Reported(check="methods", title=ALIAS_TITLE, message="Allow: GET,PUT,PATCH", severity="warning")
    probed = CheckVerdict("methods", "passed", warnings=[alias])  # a warning: the check passed
    evidence = collect(Path("conformance.json"), report({doc_id: [probed]}), "d", CONTRACT)
    [group] = Grouper(CONTRACT).group(evidence.observations)
    assert (group.kind, group.touches) == ("method-alias", ["admin.courses.update-course"])
    update = "admin.courses.update-course"
    assert group.changes == [{"change": "alias-method", "operation": update, "methods": ["PATCH"]}]
    document = copy.deepcopy(CONTRACT.document)
    put = document["paths"]["/admin/courses/{course}"]["put"]
    assert apply_changes({}, {"admin.courses.update-course": put}, group.changes) == ["admin.courses.update-course"]
    assert put["x-method-aliases"] == ["PATCH"]
    recorded = Contract(dataclasses.replace(CONTRACT.bundle, document=document))
    assert Grouper(recorded).group(collect(Path("c.json"), report({doc_id: [probed]}, contract=recorded), "d",
                                           recorded).observations) == []  # fmt: skip
