"""Who may call what: a foreign identity's refusal, the owner's read after a refused write, and the pair of
refusals that must not tell which ids exist. Each passes the conforming answer and fails each violation."""

import pytest
from tests.selftest.fixtures.responses import ctx, exchange, titles, valid_body

from msaaq_contract.checks.access import access_of, no_existence_leak, no_foreign_items, refused, unchanged

COURSE = "admin.courses.get-course"
UPDATE = "admin.courses.update-course"
UNAUTHENTICATED = {"status": "failed", "code": "UNAUTHENTICATED", "message": {"body": "Unauthenticated."}}
NOT_FOUND = {"status": "failed", "code": "NOT_FOUND", "message": {"body": "Not found."}}
STUDENT = {"who": "tenantStudent"}


@pytest.mark.parametrize("status", [401, 404])
def test_a_documented_refusal_of_a_foreign_token_passes(contract, status):
    body = UNAUTHENTICATED if status == 401 else NOT_FOUND
    assert refused(ctx(contract, COURSE, STUDENT), exchange(contract, COURSE, status, body)) == []


def test_a_foreign_token_served_fails_naming_whom(contract):
    findings = refused(ctx(contract, COURSE, STUDENT), exchange(contract, COURSE, 200, valid_body(contract, COURSE)))
    assert titles(findings) == ["Served to a foreign identity"]
    assert "served tenantStudent (HTTP 200" in findings[0].message


@pytest.mark.parametrize("status", [422, 500])
def test_a_foreign_token_let_through_to_validation_or_a_crash_fails(contract, status):
    findings = refused(ctx(contract, UPDATE, STUDENT), exchange(contract, UPDATE, status, {"message": "x"}))
    assert titles(findings) == ["Foreign identity not refused"]


def test_a_refusal_without_the_error_envelope_fails(contract):
    findings = refused(ctx(contract, COURSE, STUDENT), exchange(contract, COURSE, 401, {"error": "no"}))
    assert findings and all(f.is_error for f in findings)


def _after(sent, before):
    return {"who": "the other academy's adminUser", "write": "PUT /admin/courses/{course}", "sent": sent,
            "before": before}  # fmt: skip


def test_the_owner_reads_what_was_there_before_the_refused_write(contract):
    read = exchange(contract, COURSE, 200, {"data": {"id": 7, "title": "Before"}})
    assert unchanged(ctx(contract, UPDATE, _after({"title": "Foreign"}, {"title": "Before"})), read) == []


def test_a_refused_update_that_was_stored_fails(contract):
    read = exchange(contract, COURSE, 200, {"data": {"id": 7, "title": "Foreign"}})
    findings = unchanged(ctx(contract, UPDATE, _after({"title": "Foreign"}, {"title": "Before"})), read)
    assert titles(findings) == ["Refused write was applied"]
    assert findings[0].pointer == "/data/title"


def test_a_value_the_resource_already_held_proves_nothing(contract):
    read = exchange(contract, COURSE, 200, {"data": {"id": 7, "title": "Same"}})
    assert unchanged(ctx(contract, UPDATE, _after({"title": "Same"}, {"title": "Same"})), read) == []


def test_a_refused_delete_that_deleted_fails(contract):
    findings = unchanged(ctx(contract, UPDATE, _after({}, {})), exchange(contract, COURSE, 404, NOT_FOUND))
    assert titles(findings) == ["Refused write was applied"]


def _pair(contract, real_status, real_body, fake_status, fake_body):
    real = exchange(contract, COURSE, real_status, real_body)
    fake = exchange(contract, COURSE, fake_status, fake_body)
    return no_existence_leak(ctx(contract, COURSE, {"real": real, "ids": ("1001", "999999999")}), fake)


def _missing(text):
    return {"status": "failed", "code": "NOT_FOUND", "message": {"body": text}}


def test_alike_refusals_pass_once_ids_and_timestamps_are_taken_out(contract):
    real = _missing("No query results for model [Course] 1001 at 2026-12-06T10:00:00Z.")
    fake = _missing("No query results for model [Course] 999999999 at 2026-12-06T10:00:03Z.")
    assert _pair(contract, 404, real, 404, fake) == []


def test_a_403_for_a_real_id_and_a_404_for_a_never_issued_one_fails(contract):
    findings = _pair(contract, 403, NOT_FOUND, 404, NOT_FOUND)
    assert titles(findings) == ["Refusal tells which ids exist"]
    assert "403" in findings[0].actual and "404" in findings[0].actual


def test_the_same_status_with_a_telling_body_fails(contract):
    forbidden = {"status": "failed", "code": "FORBIDDEN", "message": {"body": "Not yours."}}
    assert titles(_pair(contract, 404, forbidden, 404, NOT_FOUND)) == ["Refusal tells which ids exist"]


def test_a_served_real_id_is_left_to_the_isolation_check(contract):
    assert _pair(contract, 200, valid_body(contract, COURSE), 404, NOT_FOUND) == []


@pytest.mark.parametrize(("status", "reading"), [(200, "allowed"), (204, "allowed"), (302, "allowed"),
                                                  (401, "refused"),
                                                  (403, "refused"), (404, "refused"), (422, "unclear"),
                                                  (500, "unclear")])  # fmt: skip
def test_the_matrix_reads_each_status(status, reading):
    assert access_of(status) == reading


LIST = "admin.courses.list-courses"


def _listed(contract, *ids):
    body = valid_body(contract, LIST)
    item = body["data"][0] if body["data"] else {}
    body["data"] = [{**item, "id": i} for i in ids]
    return exchange(contract, LIST, 200, body)


def test_the_other_academy_s_list_without_this_academy_s_ids_passes(contract):
    expectation = {"foreign_ids": {"id": ["1001", "1002"]}}
    assert no_foreign_items(ctx(contract, LIST, expectation), _listed(contract, 2001, 2002)) == []


def test_the_other_academy_s_list_with_this_academy_s_id_fails(contract):
    expectation = {"foreign_ids": {"id": ["1001"]}}
    findings = no_foreign_items(ctx(contract, LIST, expectation), _listed(contract, 2001, 1001))
    assert titles(findings) == ["Cross-tenant leak in a list"]
    assert findings[0].actual == "id=1001"


def test_a_refused_list_leaks_nothing(contract):
    refusal = exchange(contract, LIST, 401, UNAUTHENTICATED)
    assert no_foreign_items(ctx(contract, LIST, {"foreign_ids": {"id": ["1001"]}}), refusal) == []


def test_a_marker_the_resource_did_not_show_before_proves_the_refused_write(contract):
    read = exchange(contract, COURSE, 200, {"data": {"id": 7, "title": "Marker", "price": 1}})
    after = {**_after({"title": "Marker", "price": 1}, {}), "markers": ["Marker"]}
    findings = unchanged(ctx(contract, UPDATE, after), read)
    assert titles(findings) == ["Refused write was applied"] and "title" in findings[0].message
    assert "price" not in findings[0].message  # a number the server may default to proves nothing
