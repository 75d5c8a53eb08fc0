"""Status, auth and tenant-header checks: each passes the documented answer and fails each way of breaking it."""

import copy
import dataclasses

import pytest
from tests.selftest.fixtures.responses import ctx, exchange, titles, valid_body

from msaaq_contract.checks.auth import answers_anonymously, refuses_unauthenticated
from msaaq_contract.checks.status import status_documented, success_expected
from msaaq_contract.checks.tenant import tenant_refused
from msaaq_contract.contract import Contract

COURSE = "admin.courses.get-course"
PUBLIC = "tenant.get-tenant-details"
TENANT_OP = "tenant.courses.list-courses"
UNAUTH = {"status": "failed", "code": "UNAUTHORIZED", "message": {"body": "Unauthenticated."}}
MISSING = {
    "status": "failed",
    "code": "TENANT_HEADER_NOT_PROVIDED",
    "message": {"body": "No Tenant header was provided"},
}
UNKNOWN = {"status": "failed", "code": "TENANT_NOT_FOUND", "message": {"body": "Tenant not found"}}


@pytest.mark.parametrize("status", [200, 401, 404, 429])
def test_documented_status_passes(contract, status):
    assert status_documented(ctx(contract, COURSE), exchange(contract, COURSE, status, {})) == []


@pytest.mark.parametrize("status", [299, 500, 418])
def test_undocumented_status_fails(contract, status):
    findings = status_documented(ctx(contract, COURSE), exchange(contract, COURSE, status, {}))
    assert titles(findings) == ["Undocumented status code"]
    assert findings[0].actual == str(status)
    assert "200" in findings[0].expected


def test_success_expected_names_the_refusal(contract):
    body = {"status": "failed", "code": "NOT_FOUND", "message": {"body": "No such course"}}
    findings = success_expected(ctx(contract, COURSE), exchange(contract, COURSE, 404, body))
    assert titles(findings) == ["Valid request not accepted"]
    assert "HTTP 404: No such course" in findings[0].message
    assert success_expected(ctx(contract, COURSE), exchange(contract, COURSE, 200, valid_body(contract, COURSE))) == []


def test_401_with_envelope_passes(contract):
    assert refuses_unauthenticated(ctx(contract, COURSE), exchange(contract, COURSE, 401, UNAUTH)) == []


def test_served_without_token_fails(contract):
    findings = refuses_unauthenticated(
        ctx(contract, COURSE, {"variant": "a revoked token"}),
        exchange(contract, COURSE, 200, valid_body(contract, COURSE)),
    )
    assert titles(findings) == ["Served without a valid token"]
    assert "a revoked token got HTTP 200" in findings[0].message


def test_403_instead_of_401_fails(contract):
    findings = refuses_unauthenticated(ctx(contract, COURSE), exchange(contract, COURSE, 403, UNAUTH))
    assert titles(findings) == ["Wrong refusal status"]


def test_401_without_envelope_fails(contract):
    findings = refuses_unauthenticated(ctx(contract, COURSE), exchange(contract, COURSE, 401, {"error": "no"}))
    assert "code is not a string" in titles(findings)


def test_public_read_without_token(contract):
    ok = exchange(contract, PUBLIC, 200, valid_body(contract, PUBLIC))
    assert answers_anonymously(ctx(contract, PUBLIC), ok) == []
    refused = exchange(contract, PUBLIC, 401, UNAUTH)
    assert titles(answers_anonymously(ctx(contract, PUBLIC), refused)) == ["Public operation refused"]


@pytest.mark.parametrize(("code", "body"), [("TENANT_HEADER_NOT_PROVIDED", MISSING), ("TENANT_NOT_FOUND", UNKNOWN)])
def test_documented_tenant_error_passes(contract, code, body):
    assert tenant_refused(ctx(contract, TENANT_OP, {"code": code}), exchange(contract, TENANT_OP, 400, body)) == []


def test_tenant_not_enforced_fails(contract):
    findings = tenant_refused(
        ctx(contract, TENANT_OP, {"code": "TENANT_NOT_FOUND"}),
        exchange(contract, TENANT_OP, 200, valid_body(contract, TENANT_OP)),
    )
    assert titles(findings) == ["Served without a valid X-Tenant"]


def test_tenant_error_with_other_code_or_text_fails(contract):
    wrong = {**MISSING, "code": "TENANT_NOT_FOUND", "message": {"body": "nope"}}
    findings = tenant_refused(
        ctx(contract, TENANT_OP, {"code": "TENANT_HEADER_NOT_PROVIDED"}), exchange(contract, TENANT_OP, 400, wrong)
    )
    assert titles(findings) == ["Tenant error code differs", "Tenant error message differs"]
    assert findings[0].expected == '"TENANT_HEADER_NOT_PROVIDED"'


def test_tenant_error_with_wrong_status_fails(contract):
    findings = tenant_refused(
        ctx(contract, TENANT_OP, {"code": "TENANT_NOT_FOUND"}), exchange(contract, TENANT_OP, 404, UNKNOWN)
    )
    assert titles(findings) == ["Wrong status for a tenant error"]


def tenant_examples(contract: Contract, examples: dict) -> Contract:
    """A copy of the contract whose documented tenant errors are ``examples``."""
    document = copy.deepcopy(contract.document)
    document["components"]["responses"]["TenantError"]["content"]["application/json"]["examples"] = examples
    return Contract(dataclasses.replace(contract.bundle, document=document))


def test_the_expected_tenant_error_is_the_contracts_own_example(contract):
    renamed = {**MISSING, "message": {"body": "Send the X-Tenant header"}}
    edited = tenant_examples(contract, {"missing": {"value": renamed}})
    expect = {"code": "TENANT_HEADER_NOT_PROVIDED"}
    assert tenant_refused(ctx(edited, TENANT_OP, expect), exchange(edited, TENANT_OP, 400, renamed)) == []
    findings = tenant_refused(ctx(edited, TENANT_OP, expect), exchange(edited, TENANT_OP, 400, MISSING))
    assert titles(findings) == ["Tenant error message differs"]
    assert findings[0].expected == '{"body": "Send the X-Tenant header"}'


def test_without_a_documented_example_the_code_is_judged_not_the_text(contract):
    edited = tenant_examples(contract, {})
    other_text = {**UNKNOWN, "message": {"body": "Academy not found"}}
    expect = {"code": "TENANT_NOT_FOUND"}
    assert tenant_refused(ctx(edited, TENANT_OP, expect), exchange(edited, TENANT_OP, 400, other_text)) == []
    wrong_code = {**other_text, "code": "NOT_FOUND"}
    findings = tenant_refused(ctx(edited, TENANT_OP, expect), exchange(edited, TENANT_OP, 400, wrong_code))
    assert "Tenant error code differs" in titles(findings)


def test_a_member_the_example_does_not_show_may_be_added(contract):
    added = {**UNKNOWN, "message": {"body": "Tenant not found", "title": "Error"}}
    expect = {"code": "TENANT_NOT_FOUND"}
    assert tenant_refused(ctx(contract, TENANT_OP, expect), exchange(contract, TENANT_OP, 400, added)) == []
