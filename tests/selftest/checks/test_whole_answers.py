"""Every judged answer is judged as a whole: a refusal or an anonymous answer is checked against the schema of
its documented status (not only its status or its envelope), and a media type is compared in full."""

from dataclasses import replace

import pytest
from tests.selftest.fixtures.responses import BASE, ctx, exchange, titles, valid_body

from msaaq_contract.checks.auth import answers_anonymously, refuses_unauthenticated
from msaaq_contract.checks.base import RecordedRequest
from msaaq_contract.checks.documented import documented_answer
from msaaq_contract.checks.envelope import envelope
from msaaq_contract.checks.fuzz import as_recorded, rejects_invalid
from msaaq_contract.checks.headers import required_headers
from msaaq_contract.checks.isolation import not_leaked
from msaaq_contract.checks.media import fits
from msaaq_contract.checks.tenant import tenant_refused

COURSE = "admin.courses.get-course"
PUBLIC = "tenant.get-tenant-details"
CREATE = "admin.abandoned-carts.store-reminder"  # a JSON body; 422 documented as error.Validation
RECEIPT = "admin.msaaqpay.payouts.receipt"  # documented application/pdf
TENANT_OP = "tenant.courses.list-courses"
NOT_FOUND = {"status": "failed", "code": "NOT_FOUND", "message": {"body": "Not found."}}
VALIDATION = {"message": "The title field is required.", "errors": {"title": ["The title field is required."]}}


def schema_errors(findings):
    return [f for f in findings if f.check == "schema" and f.is_error]


# -- isolation: a cross-tenant refusal is the documented error --------------------------------------------------
def test_cross_tenant_refusal_with_the_documented_body_passes(contract):
    assert not_leaked(ctx(contract, COURSE), exchange(contract, COURSE, 404, NOT_FOUND)) == []


@pytest.mark.parametrize(
    "body",
    [
        {"status": "failed", "code": "NOT_FOUND", "message": {"body": "Not found.", "title": 404}},  # envelope-clean
        {"status": "failed", "code": "NOT_FOUND", "message": "Not found."},
        {"data": {"id": 1}},
    ],
)
def test_cross_tenant_refusal_with_a_broken_body_fails(contract, body):
    findings = not_leaked(ctx(contract, COURSE), exchange(contract, COURSE, 404, body))
    assert schema_errors(findings), titles(findings)


def test_cross_tenant_refusal_as_html_fails(contract):
    page = exchange(contract, COURSE, 404, raw=b"<html>Not found</html>", content_type="text/html")
    assert "Not a JSON response" in titles(not_leaked(ctx(contract, COURSE), page))


# -- auth: an anonymous answer on a public route is the documented answer --------------------------------------
def test_anonymous_answer_with_the_documented_body_passes(contract):
    assert (
        answers_anonymously(ctx(contract, PUBLIC), exchange(contract, PUBLIC, 200, valid_body(contract, PUBLIC))) == []
    )


def test_anonymous_answer_with_a_broken_body_fails(contract):
    body = valid_body(contract, PUBLIC)
    broken = {**body, "data": {**body["data"], "id": "not-an-integer"}}
    findings = answers_anonymously(ctx(contract, PUBLIC), exchange(contract, PUBLIC, 200, broken))
    assert [f.pointer for f in schema_errors(findings)] == ["/data/id"]
    assert "data missing" in titles(answers_anonymously(ctx(contract, PUBLIC), exchange(contract, PUBLIC, 200, {})))


def test_anonymous_answer_with_an_undocumented_status_fails(contract):
    findings = answers_anonymously(ctx(contract, PUBLIC), exchange(contract, PUBLIC, 203, valid_body(contract, PUBLIC)))
    assert "Undocumented status code" in titles(findings)


# -- fuzz: a 422 to an invalid request is the contract's validation error -------------------------------------
def test_validation_refusal_with_the_documented_body_passes(contract):
    assert rejects_invalid(ctx(contract, CREATE), exchange(contract, CREATE, 422, VALIDATION)) == []


@pytest.mark.parametrize(
    "body",
    [
        {"message": "The title field is required.", "errors": {"title": "The title field is required."}},
        {"message": "The given data was invalid.", "errors": {}},
        {"message": "The given data was invalid.", "errors": {"title": [7]}},
    ],
)
def test_validation_refusal_with_a_broken_body_fails(contract, body):
    answer = exchange(contract, CREATE, 422, body)
    assert [f for f in envelope(ctx(contract, CREATE), answer) if f.is_error] == []  # the envelope alone passes
    findings = rejects_invalid(ctx(contract, CREATE), answer)
    assert schema_errors(findings) and all(f.pointer.startswith("/errors") for f in schema_errors(findings))


def test_a_recorded_invalid_request_is_judged_the_same_way(contract):
    """Offline fuzzing judges each recorded request as the contract classifies it: this one sends a channel the
    contract does not list, so its 422 is held to error.Validation."""
    invalid = RecordedRequest(
        "POST", BASE + contract.operation(CREATE).path, {"content-type": "application/json"}, b'{"channel": "pigeon"}'
    )
    negative = ctx(contract, CREATE, {"mode": "negative"})
    broken = replace(
        exchange(contract, CREATE, 422, {"message": "invalid", "errors": {"channel": "no"}}), request=invalid
    )
    assert [f.pointer for f in schema_errors(as_recorded(negative, broken))] == ["/errors/channel"]
    assert as_recorded(negative, replace(exchange(contract, CREATE, 422, VALIDATION), request=invalid)) == []


# -- tenant header: the documented body fits its schema too --------------------------------------------------
def test_tenant_error_with_a_mistyped_extra_member_fails(contract):
    body = {"status": "failed", "code": "TENANT_NOT_FOUND", "message": {"body": "Tenant not found", "title": 1}}
    found = tenant_refused(
        ctx(contract, TENANT_OP, {"code": "TENANT_NOT_FOUND"}), exchange(contract, TENANT_OP, 400, body)
    )
    assert [f.pointer for f in schema_errors(found)] == ["/message/title"]


# -- media types, compared in full ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content_type", ["application/pdf", "application/pdf; charset=binary", "Application/PDF", "application/pdf;name=a"]
)
def test_documented_media_type_passes_with_any_parameters(contract, content_type):
    answer = exchange(contract, RECEIPT, 200, raw=b"%PDF-1.4\n", content_type=content_type)
    assert envelope(ctx(contract, RECEIPT), answer) == []


@pytest.mark.parametrize("content_type", ["application/zip", "application/octet-stream", "image/pdf", "text/plain"])
def test_another_media_type_fails_even_with_the_same_major_type(contract, content_type):
    answer = exchange(contract, RECEIPT, 200, raw=b"PK\x03\x04", content_type=content_type)
    findings = envelope(ctx(contract, RECEIPT), answer)
    assert titles(findings) == ["Unexpected media type"]
    assert findings[0].expected == "application/pdf" and findings[0].actual == content_type.split(";")[0]


# -- the five kinds an independent validator rejects (issue 25), each judged by the one documented answer ------
TENANT_READ = "tenant.courses.course-details"  # documents 404, no 403
DOWNLOAD = "tenant.products.download-product-media"  # application/octet-stream, x-media-type-unknown
REDIRECT = "tenant.courses.chapters.contents.join-meeting"  # 302 with a required Location
FORBIDDEN = {"status": "failed", "code": "FORBIDDEN", "message": {"body": "Forbidden."}}


def without_content_type(answer):
    return replace(answer, headers={k: v for k, v in answer.headers.items() if k != "content-type"})


def test_a_refusal_with_a_status_the_operation_does_not_document_fails(contract):
    assert not_leaked(ctx(contract, TENANT_READ), exchange(contract, TENANT_READ, 404, NOT_FOUND)) == []
    findings = not_leaked(ctx(contract, TENANT_READ), exchange(contract, TENANT_READ, 403, FORBIDDEN))
    assert titles(findings) == ["Undocumented status code"] and findings[0].actual == "403"
    assert not_leaked(ctx(contract, COURSE), exchange(contract, COURSE, 403, FORBIDDEN)) == []  # documented there
    for status in (409, 404):  # a validation refusal turned into a conflict, or a not-found, documented nowhere
        assert "Undocumented status code" in titles(
            rejects_invalid(ctx(contract, CREATE), exchange(contract, CREATE, status, NOT_FOUND))
        )


@pytest.mark.parametrize("content_type", ["application/problem+json", "text/x-json", "application/json-seq"])
def test_a_json_like_media_type_is_not_the_documented_json(contract, content_type):
    body = valid_body(contract, COURSE)
    found = documented_answer(ctx(contract, COURSE), exchange(contract, COURSE, 200, body, content_type=content_type))
    assert titles(found) in (["Unexpected media type"], ["Not a JSON response"])
    assert found[0].expected == "application/json" and found[0].actual == content_type
    refusal = exchange(contract, COURSE, 401, NOT_FOUND | {"code": "UNAUTHENTICATED"}, content_type=content_type)
    assert titles(refuses_unauthenticated(ctx(contract, COURSE), refusal)) == titles(found)


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_with_parameters_the_contract_does_not_write_passes(contract, content_type):
    body = valid_body(contract, COURSE)
    assert (
        documented_answer(ctx(contract, COURSE), exchange(contract, COURSE, 200, body, content_type=content_type)) == []
    )


def test_a_parameter_the_contract_writes_must_be_answered():
    assert fits("text/plain; charset=utf-8", "text/plain; charset=UTF-8")
    assert not fits("text/plain; charset=utf-8", "text/plain")
    assert not fits("text/plain; charset=utf-8", "text/plain; charset=iso-8859-1")
    assert fits("image/*", "image/png") and not fits("image/*", "application/png") and fits("*/*", "a/b")


def test_a_documented_file_without_content_type_fails(contract):
    pdf = without_content_type(exchange(contract, RECEIPT, 200, raw=b"%PDF-1.4\n", content_type="application/pdf"))
    assert titles(documented_answer(ctx(contract, RECEIPT), pdf)) == ["No Content-Type"]
    blob = without_content_type(exchange(contract, DOWNLOAD, 200, raw=b"PK\x03\x04", content_type="x/y"))
    assert titles(documented_answer(ctx(contract, DOWNLOAD), blob)) == ["No Content-Type"]


def test_a_file_of_unknown_type_is_accepted_and_reported(contract):
    """The contract says the sources name no type (x-media-type-unknown): another type passes, as a warning."""
    answer = exchange(contract, DOWNLOAD, 200, raw=b"PK\x03\x04", content_type="application/zip")
    found = documented_answer(ctx(contract, DOWNLOAD), answer)
    assert titles(found) == [] and [f.title for f in found] == ["Media type accepted: the contract names none"]
    assert "x-media-type-unknown" in found[0].message and found[0].actual == "application/zip"
    assert contract.operation(RECEIPT).responses["200"].media_type_unknown is None  # a PDF is a PDF
    exact = exchange(contract, DOWNLOAD, 200, raw=b"PK", content_type="application/octet-stream")
    assert documented_answer(ctx(contract, DOWNLOAD), exact) == []


def test_a_required_header_is_judged(contract):
    moved = exchange(
        contract, REDIRECT, 302, raw=b"", content_type="text/html", headers={"location": "https://x.test/m"}
    )
    assert required_headers(ctx(contract, REDIRECT), moved) == []
    assert documented_answer(ctx(contract, REDIRECT), moved) == []
    lost = replace(moved, headers={k: v for k, v in moved.headers.items() if k != "location"})
    found = documented_answer(ctx(contract, REDIRECT), lost)
    assert titles(found) == ["Required header missing"] and "Location" in found[0].message
