"""Rules read from the target's 422 answers: which Laravel texts state a rule, which recorded exchanges count
(a create or update the contract calls valid), and the group each rule makes (one per operation, member and
rule; nothing when the contract already states it; the refusal's status finding is no group of its own)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from tests.selftest.calibration.evidence_factory import CONTRACT, check, report, status

from msaaq_contract.calibration.evidence import Rule, collect
from msaaq_contract.calibration.grouping import Grouper
from msaaq_contract.calibration.refusals import collect_refusals, rules
from msaaq_contract.errors import CassetteError

CREATE = "admin.campaigns.create-campaign"  # body {name: string}, nothing required
LIST = "admin.campaigns.list-campaigns"
ERRORS = {
    "name": ["The name field is required."],
    "budget": ["The budget field must be an integer."],
    "channel": ["The channel must be one of: email, sms."],
    "email": ["The email has already been taken."],  # no rule a contract can state
    "items.0.id": ["The items.0.id field is required."],  # inside a list: not a member of the body
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The name field is required.", Rule("required", "f")),
        ("حقل name مطلوب.", Rule("required", "f")),
        ("The f must be an integer.", Rule("type", "f", ("integer",))),
        ("The f field must be a number.", Rule("type", "f", ("number",))),
        ("The f must be numeric.", Rule("type", "f", ("number",))),
        ("The f field must be a string.", Rule("type", "f", ("string",))),
        ("The f field must be true or false.", Rule("type", "f", ("boolean",))),
        ("The f must be an array.", Rule("type", "f", ("array",))),
        ("The f must be one of: draft, sent.", Rule("enum", "f", ("draft", "sent"))),
        ("The f field is required when g is present.", None),
        ("The f has already been taken.", None),
    ],
)
def test_laravel_texts_that_state_a_rule(text, expected):
    assert [r for r, _ in rules({"f": [text]})] == ([expected] if expected else [])


def test_members_inside_lists_and_malformed_errors_teach_nothing():
    assert rules({"items.0.id": ["The items.0.id field is required."]}) == []
    assert rules(["not", "an", "object"]) == [] and rules({"f": "not a list"}) == []


def interaction(method: str, path: str, body: object, status: int, answer: object) -> dict:
    return {
        "request": {
            "method": method,
            "uri": f"https://api.msaaq.test/v1{path}",
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(body) if body is not None else None,
        },
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(answer)},
        },
    }


def cassette(root: Path, doc_id: str, family: str, *interactions: dict) -> None:
    (root / doc_id).mkdir(parents=True, exist_ok=True)
    (root / doc_id / f"{family}.json").write_text(json.dumps({"version": 1, "interactions": list(interactions)}))


@pytest.fixture
def recorded(tmp_path) -> Path:
    refused = {"message": "The name field is required. (and 4 more errors)", "errors": ERRORS}
    cassette(
        tmp_path, CREATE, "conformance",
        interaction("POST", "/admin/campaigns", {}, 422, refused),
    )  # fmt: skip
    cassette(
        tmp_path, CREATE, "fuzz-positive",
        interaction("POST", "/admin/campaigns", {"name": 7}, 422, refused),  # the contract refuses it: no evidence
        interaction("POST", "/admin/campaigns", {"name": "x"}, 422, {"message": "x", "errors": {"name": ["bad"]}}),
        interaction("POST", "/admin/campaigns", {}, 422, refused),
        interaction("GET", "/admin/campaigns", None, 422, refused),  # another operation's request
    )  # fmt: skip
    cassette(tmp_path, LIST, "conformance", interaction("GET", "/admin/campaigns", None, 422, refused))
    return tmp_path


def test_refusals_of_requests_the_contract_accepts_are_the_evidence(recorded):
    found = collect_refusals(CONTRACT, [CREATE, LIST], recorded)
    assert {o.doc_id for o in found} == {CREATE}  # a read states no rule about a body
    assert sorted({(o.rule.kind, o.rule.field) for o in found}) == [
        ("enum", "channel"), ("required", "name"), ("type", "budget"),
    ]  # fmt: skip
    assert len(found) == 6  # two recorded refusals of a valid request, three rules each
    assert {o.family for o in found} == {"status", "fuzz"}  # the families that judged them
    assert all(o.status == 422 and o.finding.cassette for o in found)


def test_each_rule_is_one_group_of_the_operation_with_its_change(recorded):
    refused = status(CREATE, 422, "Valid request not accepted")
    evidence = collect(Path("conformance.json"), report({CREATE: [check("status", refused)]}), "d", CONTRACT)
    observations = evidence.observations + collect_refusals(CONTRACT, [CREATE], recorded)
    groups = {g.key: g for g in Grouper(CONTRACT).group(observations)}
    assert set(groups) == {  # the status finding of the refusal is no group of its own
        f"request:{CREATE}:required:name",
        f"request:{CREATE}:type:budget",
        f"request:{CREATE}:enum:channel",
    }
    required = groups[f"request:{CREATE}:required:name"]
    assert (required.kind, required.evidence, required.touches) == ("request-required", 2, [CREATE])
    assert required.summary == "POST /admin/campaigns requires `name`"
    assert required.changes == [{"change": "require", "operation": CREATE, "property": "name"}]
    budget = groups[f"request:{CREATE}:type:budget"].changes[0]
    assert budget == {"change": "set-type", "operation": CREATE, "property": "budget", "types": ["integer"]}
    assert groups[f"request:{CREATE}:enum:channel"].changes[0]["values"] == ["email", "sms"]


def test_a_rule_the_contract_states_proposes_nothing(recorded):
    [observed] = [o for o in collect_refusals(CONTRACT, [CREATE], recorded) if o.rule.kind == "type"][:1]
    stated = replace(observed, rule=Rule("type", "name", ("string",)))  # the create declares `name` a string
    assert Grouper(CONTRACT).group([stated]) == []
    assert Grouper(CONTRACT).group([replace(observed, rule=Rule("required", "name"))])  # not required yet


def test_a_missing_cassette_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(CassetteError, match="no such cassette folder"):
        collect_refusals(CONTRACT, [CREATE], tmp_path / "nope")


def test_a_request_outside_what_the_contract_infers_teaches_nothing(tmp_path):
    # `goal` is a member the contract infers (x-source model, a string): Laravel's `nullable|string` refuses
    # `true` with "must be a string", which says nothing about null, and the request was never valid.
    refused = {"message": "x", "errors": {"goal": ["The goal must be a string."]}}
    cassette(tmp_path, CREATE, "fuzz-negative", interaction("POST", "/admin/campaigns", {"goal": True}, 422, refused))
    assert collect_refusals(CONTRACT, [CREATE], tmp_path) == []


def test_a_type_rule_keeps_null_where_the_contract_allows_it(recorded):
    [observed] = [o for o in collect_refusals(CONTRACT, [CREATE], recorded) if o.rule.kind == "type"][:1]
    op = "admin.courses.create-course"  # `intro_video` is [string, null] there
    nullable = replace(observed, operation_id=op, rule=Rule("type", "intro_video", ("string",)))
    assert Grouper(CONTRACT).group([nullable]) == []  # "must be a string" is what [string, null] says already
    [group] = Grouper(CONTRACT).group([replace(nullable, rule=Rule("type", "intro_video", ("integer",)))])
    assert group.changes[0]["types"] == ["integer", "null"]


def test_laravels_in_message_is_enum_evidence_completed_from_the_values_the_api_showed(tmp_path):
    selected = {"message": "The selected name is invalid.", "errors": {"name": ["The selected name is invalid."]}}
    cassette(
        tmp_path, CREATE, "fuzz-positive",
        interaction("POST", "/admin/campaigns", {"name": "zzz"}, 422, selected),
        interaction("POST", "/admin/campaigns", {"name": "spring"}, 201, {"data": {"id": 1, "name": "spring"}}),
        interaction("POST", "/admin/campaigns", {"name": "summer"}, 201, {"data": {"id": 2}}),
    )  # fmt: skip
    listed = {"data": [{"id": 3, "name": "autumn"}, {"id": 4, "name": 17}, {"id": 5, "name": None}]}
    cassette(tmp_path, LIST, "conformance", interaction("GET", "/admin/campaigns", None, 200, listed))
    [found] = collect_refusals(CONTRACT, [CREATE, LIST], tmp_path)
    assert found.rule == Rule("enum", "name", ("autumn", "spring", "summer"))  # strings: `name` is a string
    assert "values the API accepted or returned: autumn, spring, summer" in found.finding.message
    [group] = Grouper(CONTRACT).group([found])
    assert group.changes[0] == {
        "change": "set-enum", "operation": CREATE, "property": "name", "values": ["autumn", "spring", "summer"],
    }  # fmt: skip


def test_an_in_rule_whose_values_the_api_never_showed_proposes_nothing(tmp_path):
    selected = {"message": "x", "errors": {"name": ["The selected name is invalid."]}}
    cassette(tmp_path, CREATE, "fuzz-positive", interaction("POST", "/admin/campaigns", {"name": "z"}, 422, selected))
    assert rules(selected["errors"]) == [(Rule("enum", "name"), "The selected name is invalid.")]
    assert collect_refusals(CONTRACT, [CREATE], tmp_path) == []
