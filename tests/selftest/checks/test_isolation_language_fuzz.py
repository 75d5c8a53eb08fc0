"""Isolation, language and fuzz verdicts: pass the conforming answer, fail each violation."""

import json

import pytest
from tests.selftest.fixtures.responses import ctx, exchange, titles, valid_body

from msaaq_contract.checks.fuzz import conforms, no_server_error, rejects_invalid
from msaaq_contract.checks.isolation import not_leaked
from msaaq_contract.checks.language import arabic_intact

COURSE = "admin.courses.get-course"
WITH_INPUT = "admin.abandoned-carts.store-reminder"  # documents a 422
NOT_FOUND = {"status": "failed", "code": "NOT_FOUND", "message": {"body": "Not found."}}


@pytest.mark.parametrize("status", [401, 403, 404])
def test_refused_cross_tenant_read_passes(contract, status):
    assert not_leaked(ctx(contract, COURSE), exchange(contract, COURSE, status, NOT_FOUND)) == []


def test_cross_tenant_leak_fails(contract):
    body = valid_body(contract, COURSE)
    findings = not_leaked(ctx(contract, COURSE, {"own_id": body["data"]["id"]}), exchange(contract, COURSE, 200, body))
    assert titles(findings) == ["Cross-tenant leak"]


def test_cross_tenant_server_error_fails(contract):
    findings = not_leaked(ctx(contract, COURSE), exchange(contract, COURSE, 500, NOT_FOUND))
    assert titles(findings) == ["Unexpected refusal status"]


def test_arabic_text_intact_passes(contract):
    ok = exchange(
        contract, COURSE, 200, {"data": {"title": "مقدمة في البرمجة"}}, content_type="application/json; charset=utf-8"
    )
    assert arabic_intact(ctx(contract, COURSE), ok) == []


def test_mojibake_fails(contract):
    garbled = "مقدمة".encode().decode("latin-1")
    findings = arabic_intact(ctx(contract, COURSE), exchange(contract, COURSE, 200, {"data": {"title": garbled}}))
    assert titles(findings) == ["Mojibake in Arabic text"]


def test_php_escaped_json_is_judged_decoded(contract):
    """PHP's json_encode escapes every non-ASCII letter: intact Arabic passes, escaped mojibake still fails."""
    quoted = 'application/json; charset="UTF-8"'
    ok = json.dumps({"data": {"title": "مقدمة في البرمجة"}}, ensure_ascii=True).encode()
    assert arabic_intact(ctx(contract, COURSE), exchange(contract, COURSE, 200, raw=ok, content_type=quoted)) == []
    garbled = json.dumps({"data": {"title": "مقدمة".encode().decode("latin-1")}}, ensure_ascii=True).encode()
    assert b"\\u00d9" in garbled and "Ù".encode() not in garbled
    found = arabic_intact(ctx(contract, COURSE), exchange(contract, COURSE, 200, raw=garbled, content_type=quoted))
    assert titles(found) == ["Mojibake in Arabic text"]


def test_invalid_utf8_fails(contract):
    findings = arabic_intact(ctx(contract, COURSE), exchange(contract, COURSE, 200, raw=b'{"title": "\xd9"}'))
    assert titles(findings) == ["Invalid UTF-8"]


def test_non_utf8_charset_fails(contract):
    ex = exchange(contract, COURSE, 200, {"data": {}}, content_type="application/json; charset=iso-8859-1")
    assert titles(arabic_intact(ctx(contract, COURSE), ex)) == ["Not UTF-8"]


def test_no_server_error(contract):
    assert no_server_error(ctx(contract, COURSE), exchange(contract, COURSE, 404, NOT_FOUND)) == []
    assert titles(no_server_error(ctx(contract, COURSE), exchange(contract, COURSE, 503, NOT_FOUND))) == [
        "Server error"
    ]


def test_conforms_combines_status_envelope_and_schema(contract):
    assert conforms(ctx(contract, COURSE), exchange(contract, COURSE, 200, valid_body(contract, COURSE))) == []
    findings = conforms(ctx(contract, COURSE), exchange(contract, COURSE, 200, {"nope": 1}))
    assert "data missing" in titles(findings)
    assert any(f.check == "schema" for f in findings)


def test_invalid_request_refused_passes(contract):
    body = {"message": "The amount must be a number.", "errors": {"amount": ["must be a number"]}}
    assert rejects_invalid(ctx(contract, WITH_INPUT), exchange(contract, WITH_INPUT, 422, body)) == []
    # The same refusal where the operation documents no 422 is no documented answer.
    assert "Undocumented status code" in titles(
        rejects_invalid(ctx(contract, COURSE), exchange(contract, COURSE, 422, body))
    )


@pytest.mark.parametrize(
    ("status", "title"), [(200, "Invalid request accepted"), (500, "Server error on invalid input")]
)
def test_invalid_request_not_refused_fails(contract, status, title):
    findings = rejects_invalid(
        ctx(contract, COURSE, {"mutation": "a string for an integer"}), exchange(contract, COURSE, status, NOT_FOUND)
    )
    assert titles(findings) == [title]
    assert "a string for an integer" in findings[0].message
