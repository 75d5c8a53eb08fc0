"""Root-cause grouping: the same model field groups across operations (located through the contract, not by
name), each kind proposes the change that removes it, and what the contract already accepts proposes nothing."""

from __future__ import annotations

from pathlib import Path

from tests.selftest.calibration.evidence_factory import (
    CONTRACT,
    check,
    envelope,
    passed,
    report,
    required,
    schema,
    status,
)

from msaaq_contract.calibration.evidence import collect
from msaaq_contract.calibration.grouping import Group, Grouper
from msaaq_contract.calibration.locate import Location, Walker

NUMBER = 'type: "number"'


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
