"""The envelope check passes conforming bodies and fails each kind of envelope violation."""

import copy

import pytest
from tests.selftest.fixtures.responses import ctx, exchange, titles, valid_body

from msaaq_contract.checks.envelope import envelope

SINGLE = "admin.courses.get-course"
PAGINATED = "admin.coupons.list"
MESSAGE = "admin.members.export"
ERROR = {"status": "failed", "code": "NOT_FOUND", "message": {"body": "Not found."}}


@pytest.mark.parametrize("doc_id", [SINGLE, PAGINATED, MESSAGE, "tenant.ping-pong", "oauth.craete-token"])
def test_conforming_success_passes(contract, doc_id):
    body = valid_body(contract, doc_id)
    assert envelope(ctx(contract, doc_id), exchange(contract, doc_id, 200, body)) == []


def test_conforming_error_passes(contract):
    assert envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 404, ERROR)) == []
    laravel = {"message": "The title field is required.", "errors": {"title": ["required"]}}
    assert envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 422, laravel)) == []


def test_missing_data_fails(contract):
    body = valid_body(contract, SINGLE)
    del body["data"]
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 200, body))
    assert titles(findings) == ["data missing"]
    assert findings[0].pointer == "/data"


def test_failed_status_word_on_success_fails(contract):
    body = {**valid_body(contract, SINGLE), "status": "failed"}
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 200, body))
    assert titles(findings) == ["status contradicts HTTP status"]
    assert "HTTP 200" in findings[0].message


def test_success_status_word_on_error_fails(contract):
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 404, {**ERROR, "status": "success"}))
    assert titles(findings) == ["status contradicts HTTP status"]


def test_numeric_code_fails(contract):
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 401, {**ERROR, "code": 401}))
    assert titles(findings) == ["code is not a string"]
    assert findings[0].actual == "401"


def test_lowercase_code_fails(contract):
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 403, {**ERROR, "code": "forbidden"}))
    assert titles(findings) == ["code is not UPPER_SNAKE"]


def test_error_without_envelope_fails(contract):
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 401, {"error": "Unauthenticated"}))
    assert titles(findings) == ["status missing", "code is not a string", "message.body missing"]


def test_html_500_fails(contract):
    findings = envelope(
        ctx(contract, SINGLE),
        exchange(contract, SINGLE, 500, raw=b"<html><body>Server Error</body></html>", content_type="text/html"),
    )
    assert titles(findings) == ["Not a JSON response"]
    assert "text/html" in findings[0].message


def test_json_served_as_html_fails(contract):
    raw = exchange(contract, SINGLE, 200, valid_body(contract, SINGLE), content_type="text/html").body
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 200, raw=raw, content_type="text/html"))
    assert titles(findings) == ["Not a JSON response"]


def test_paginated_without_meta_fails(contract):
    body = copy.deepcopy(valid_body(contract, PAGINATED))
    del body["meta"]
    findings = envelope(ctx(contract, PAGINATED), exchange(contract, PAGINATED, 200, body))
    assert titles(findings) == ["meta missing"]


def test_invalid_json_fails(contract):
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 200, raw=b'{"data": '))
    assert titles(findings) == ["Body is not valid JSON"]


def test_validation_errors_not_an_object_fails(contract):
    body = {"message": "invalid", "errors": ["title"]}
    findings = envelope(ctx(contract, SINGLE), exchange(contract, SINGLE, 422, body))
    assert titles(findings) == ["422 errors is not an object"]
