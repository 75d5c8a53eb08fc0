"""The reference server as a real Laravel application answers: its validator's loose types, the rules of
``laravel_rules`` in Laravel's own words (``nullable|string``, ``in:``, ``integer|in:0,1``, ``required``) and
``patch_alias`` (``Route::apiResource``: a path that declares PUT answers PATCH the same way)."""

from __future__ import annotations

import pytest

from msaaq_contract.contract import load_contract
from msaaq_contract.errors import ConfigError
from msaaq_contract.refserver import Fault
from msaaq_contract.refserver.fault_rules import failures

CONTRACT = load_contract()
CREATE = CONTRACT.operation("admin.campaigns.create-campaign")  # name: string; goal: a string it infers
LOGIN = CONTRACT.operation("admin.auth.login")  # remember_me: integer, enum [0, 1]
REMINDER = CONTRACT.operation("admin.abandoned-carts.store-reminder")  # number, boolean, integer members


@pytest.mark.parametrize(
    ("spec", "present", "value", "failed"),
    [
        ("nullable|string", True, None, []),
        ("nullable|string", True, "  ", []),  # TrimStrings and ConvertEmptyStringsToNull: null
        ("nullable|string", True, True, ["string"]),
        ("nullable|string", False, None, []),
        ("string", True, None, ["string"]),  # present, null, not nullable: the rule runs
        ("required|string", True, "", ["required"]),  # a failed required stops the member's rules
        ("required|string", False, None, ["required"]),
        ("integer|in:0,1", True, True, []),  # filter_var(true) is 1, (string) true is "1"
        ("integer|in:0,1", True, "1", []),
        ("integer|in:0,1", True, False, ["integer", "in"]),
        ("integer|in:0,1", True, 2, ["in"]),
        ("boolean", True, "0", []),
        ("boolean", True, 1, []),
        ("boolean", True, "true", ["boolean"]),
        ("numeric", True, "6.36e+234", []),
        ("numeric", True, True, ["numeric"]),
        ("in:course,bundle", True, "webinar", ["in"]),
        ("in:course,bundle", True, ["course"], ["in"]),
    ],
)
def test_laravels_rules_as_its_validator_judges_them(spec, present, value, failed):
    assert failures(spec, present, value) == failed


def test_a_rule_laravel_does_not_have_is_a_one_line_error():
    with pytest.raises(ConfigError, match="no rule 'strnig'"):
        Fault("laravel_rules", rules={"name": "nullable|strnig"})


def send(ref_client, op, body):
    return ref_client.send(ref_client.happy(op.doc_ids[0]).copy(json=body, data=None, files=None))


def test_laravel_rules_answer_in_laravels_words_and_replace_the_contracts_validation(refserver, ref_client):
    rules = {"goal": "nullable|string", "name": "required|in:spring,summer"}
    refserver.set_faults([Fault("laravel_rules", operations=[CREATE.operation_id], rules=rules)])
    assert send(ref_client, CREATE, {"name": "spring", "goal": None}).status_code < 300
    assert send(ref_client, CREATE, {"name": "summer", "goal": ""}).status_code < 300
    refused = send(ref_client, CREATE, {"name": "autumn", "goal": True})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "goal": ["The goal must be a string."], "name": ["The selected name is invalid."],
    }  # fmt: skip
    assert refused.json()["message"] == "The goal must be a string. (and 1 more error)"
    assert send(ref_client, CREATE, {"goal": "x"}).json()["errors"] == {"name": ["The name field is required."]}
    # `name` is the rules' own: the contract's string type no longer answers for it (in:1,2 would take 1).
    refserver.set_faults([Fault("laravel_rules", operations=[CREATE.operation_id], rules={"name": "in:1,2"})])
    assert send(ref_client, CREATE, {"name": 1}).status_code < 300
    refserver.set_faults([])
    assert send(ref_client, CREATE, {"name": 1}).status_code == 422


def test_integer_in_0_1_takes_true_and_text_as_laravel_does(refserver, ref_client):
    rules = {"remember_me": "integer|in:0,1"}
    refserver.set_faults([Fault("laravel_rules", operations=[LOGIN.operation_id], rules=rules)])
    base = ref_client.happy(LOGIN.doc_ids[0]).json
    for taken in (True, "1", 0):
        assert send(ref_client, LOGIN, {**base, "remember_me": taken}).status_code == 200, taken
    refused = send(ref_client, LOGIN, {**base, "remember_me": False})
    assert refused.json()["errors"] == {
        "remember_me": ["The remember me must be an integer.", "The selected remember me is invalid."]
    }


def test_the_contracts_validation_reads_values_as_laravel_does(ref_client):
    loose = {"cart_min_total": "6.36e+234", "discount_enabled": "1", "abandonment_duration": "12"}
    assert send(ref_client, REMINDER, loose).status_code < 300
    for refused in ({"cart_min_total": True}, {"discount_enabled": "yes"}, {"abandonment_duration": "1.5"}):
        assert send(ref_client, REMINDER, refused).status_code == 422, refused


def test_patch_alias_answers_patch_on_put_paths_as_put(refserver, ref_client):
    admin = ref_client.admin()
    assert ref_client.http.request("PATCH", "/admin/courses/1001", headers=admin, json={}).status_code == 405
    assert "PATCH" not in ref_client.http.options("/admin/courses/1001", headers=admin).headers["allow"]
    refserver.set_faults([Fault("patch_alias")])
    assert ref_client.http.options("/admin/courses/1001", headers=admin).headers["allow"] == (
        "GET,HEAD,PUT,PATCH,DELETE"
    )
    update = ref_client.happy(CONTRACT.operation("admin.courses.update-course").doc_ids[0])
    as_put, as_patch = ref_client.send(update), ref_client.send(update, method="PATCH")
    assert (as_patch.status_code, as_patch.json().keys()) == (as_put.status_code, as_put.json().keys())
    assert as_patch.status_code == 200
    # A path without PUT gains nothing.
    refused = ref_client.http.request("PATCH", "/admin/authentication/login", headers=admin, json={})
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert not Fault("patch_alias").applies(LOGIN)


def test_a_body_above_phps_post_max_size_gets_laravels_413_before_anything_else(ref_client):
    big = b"x" * (8 * 1024 * 1024 + 1)  # no token, no tenant: ValidatePostSize answers first
    refused = ref_client.http.post("/admin/courses", content=big, headers={"content-type": "application/json"})
    assert (refused.status_code, refused.json()) == (413, {"message": ""})
    under = ref_client.http.post("/admin/courses", content=b"x" * (5 * 1024 * 1024))
    assert under.status_code == 401  # read in full, then refused as any request without a token
