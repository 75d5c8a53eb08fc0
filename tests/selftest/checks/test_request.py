"""Request validity (what replay asks of every recorded request), the status check that uses it, and offline
fuzz judging: a request the contract accepts must succeed or conform, one it refuses must be refused."""

from __future__ import annotations

import json

from tests.selftest.fixtures.responses import ctx, titles, valid_body

from msaaq_contract.checks.base import Exchange, RecordedRequest
from msaaq_contract.checks.fuzz import as_recorded
from msaaq_contract.checks.request import request_problems
from msaaq_contract.checks.status import success_expected

BASE = "https://api.msaaq.test/v1"
COUPON = "admin.coupons.create-coupon"
COURSES = "admin.courses.list-courses"
COURSE = "admin.courses.get-course"
JSON = {"Content-Type": "application/json"}
CREATED = {"status": "success", "data": {"id": 1}}
REFUSED = {"message": "The given data was invalid.", "errors": {"type": ["The selected type is invalid."]}}


def request(method: str, path: str, body: object = None, headers: dict[str, str] | None = None) -> RecordedRequest:
    raw = b"" if body is None else json.dumps(body).encode()
    return RecordedRequest(method, BASE + path, headers or JSON, raw)


def answered(req: RecordedRequest, status: int, body: object) -> Exchange:
    return Exchange(req, status, {"content-type": "application/json"}, json.dumps(body).encode())


def where(contract, doc_id, req):
    return [f.pointer for f in request_problems(contract, contract.operation(doc_id), req)]


def test_a_valid_body_query_and_path_have_no_problem(contract):
    assert where(contract, COUPON, request("POST", "/admin/coupons", {"code": "X1", "type": "flat"})) == []
    assert where(contract, COURSES, request("GET", "/admin/courses?page=2&sort_direction=asc&filters[a]=b")) == []
    assert where(contract, COURSE, request("GET", "/admin/courses/1001")) == []


def test_each_refused_part_is_pointed(contract):
    assert where(contract, COUPON, request("POST", "/admin/coupons", {"type": "gift"})) == ["body/type"]
    assert where(contract, COUPON, request("POST", "/admin/coupons", [1])) == ["body"]
    assert where(contract, COURSES, request("GET", "/admin/courses?page=0&sort_direction=up")) == [
        "query/page",
        "query/sort_direction",
    ]
    assert where(contract, COURSE, request("GET", "/admin/courses/abc")) == ["path/course"]
    bad_json = RecordedRequest("POST", BASE + "/admin/coupons", JSON, b"{not json")
    assert where(contract, COUPON, bad_json) == []  # read as empty input, which the coupon's create accepts


def test_a_body_that_was_sent_but_not_captured_is_not_judged(contract):
    streamed = RecordedRequest("POST", BASE + "/admin/coupons", {"content-type": "multipart/form-data; boundary=x"})
    assert where(contract, COUPON, streamed) == []
    assert where(contract, COUPON, RecordedRequest("POST", BASE + "/admin/coupons", {}, b"")) == []


def test_redacted_values_are_not_judged(contract):
    # Redaction replaced a phone-like id before the request was recorded: what was sent is unknown.
    assert where(contract, COURSE, request("GET", "/admin/courses/<phone-0123abcd>")) == []
    assert where(contract, COUPON, request("POST", "/admin/coupons", {"type": "<redacted>"})) == []


def test_status_expects_a_refusal_when_the_contract_refuses_the_request(contract):
    invalid = request("POST", "/admin/coupons", {"type": "gift"})
    accepted = success_expected(ctx(contract, COUPON), answered(invalid, 201, CREATED))
    assert titles(accepted) == ["Request the contract refuses was accepted"]
    assert "body/type" in accepted[0].message and accepted[0].actual == "201"
    assert success_expected(ctx(contract, COUPON), answered(invalid, 422, REFUSED)) == []
    valid = request("POST", "/admin/coupons", {"type": "flat"})
    assert success_expected(ctx(contract, COUPON), answered(valid, 201, CREATED)) == []
    assert titles(success_expected(ctx(contract, COUPON), answered(valid, 422, REFUSED))) == [
        "Valid request not accepted"
    ]


def test_recorded_fuzz_requests_are_judged_by_what_the_contract_says_of_them(contract):
    invalid = request("POST", "/admin/coupons", {"type": 5})
    negative = ctx(contract, COUPON, {"mode": "negative"})
    assert as_recorded(negative, answered(invalid, 422, REFUSED)) == []
    found = as_recorded(negative, answered(invalid, 201, CREATED))
    assert titles(found) == ["Invalid request accepted"]
    assert found[0].message == "a generated invalid request got HTTP 201"
    # Generated as valid, refused by the contract as it is now: the API's acceptance contradicts the edit.
    positive = ctx(contract, COUPON, {"mode": "positive"})
    found = as_recorded(positive, answered(invalid, 201, CREATED))
    assert titles(found) == ["Invalid request accepted"]
    assert "a generated request the contract refuses (body/type" in found[0].message
    server_error = answered(request("POST", "/admin/coupons", {"type": "flat"}), 500, {})
    assert titles(as_recorded(positive, server_error)) == ["Server error"]


QUIZ_UPDATE = "admin.quizzes.update-quiz"  # its body's members are the Quiz model's writable ones (x-source: model)


def test_a_value_outside_a_guessed_member_is_no_reason_to_refuse(contract):
    # `passing_score` is declared from the model the clients read: an API that does not validate it ignores it.
    guessed = request("PUT", "/admin/quizzes/1", {"passing_score": "high"})
    assert where(contract, QUIZ_UPDATE, guessed) == []
    negative = ctx(contract, QUIZ_UPDATE, {"mode": "negative"})
    assert [f for f in as_recorded(negative, answered(guessed, 422, REFUSED)) if f.is_error] == []
    updated = answered(guessed, 200, valid_body(contract, QUIZ_UPDATE))
    assert [f for f in as_recorded(negative, updated) if f.is_error] == []
    # A member the sources saw is still judged, next to a guessed one.
    assert where(contract, COUPON, request("POST", "/admin/coupons", {"type": "gift", "enabled": "yes"})) == [
        "body/type"
    ]
    assert where(contract, QUIZ_UPDATE, request("PUT", "/admin/quizzes/1", [1])) == ["body"]


def json_create(contract, empty_input_valid: bool):
    """A JSON create without path parameters whose schema accepts (or refuses) empty input."""
    for doc_id, op in contract.documented():
        if op.method != "post" or op.request_media_type != "application/json" or op.path_params:
            continue
        empty = RecordedRequest("POST", BASE + op.path, JSON, b"{}")
        accepted = not request_problems(contract, op, empty)
        if accepted == empty_input_valid:
            return doc_id, op
    raise AssertionError("no such create in the contract")


def test_a_body_that_cannot_be_decoded_is_read_as_empty_input_as_laravel_reads_it(contract):
    """json_decode gives null and Laravel validates empty input: where that is valid, a server that accepts such
    a body breaks nothing; where members are required, it must still refuse, for the members empty input lacks."""
    doc_id, op = json_create(contract, empty_input_valid=True)
    for raw in (b"{not json", b"\xb3m\xf9"):
        assert where(contract, doc_id, RecordedRequest("POST", BASE + op.path, JSON, raw)) == []
    doc_id, op = json_create(contract, empty_input_valid=False)
    found = request_problems(contract, op, RecordedRequest("POST", BASE + op.path, JSON, b"\xb3m"))
    assert len(found) == 1 and "the body is not UTF-8, read as empty input:" in found[0].message


LOGIN = "admin.auth.login"  # remember_me: integer, enum [0, 1] (Laravel's `integer|in:0,1`)
LOGIN_PATH = "/admin/authentication/login"
CREDENTIALS = {"email": "a@b.test", "password": "x" * 8}
REMINDER = "admin.abandoned-carts.store-reminder"  # cart_min_total: number, discount_enabled: boolean


def test_what_laravels_validator_takes_by_design_is_a_valid_request(contract):
    def login(value: object) -> list:
        return where(contract, LOGIN, request("POST", LOGIN_PATH, {**CREDENTIALS, "remember_me": value}))

    for taken in (0, 1, True, "1", "0", " 1 "):  # filter_var(FILTER_VALIDATE_INT), then in:0,1 on (string) value
        assert login(taken) == [], taken
    for refused in (False, 2, "2", "01", 1.5, "one"):
        assert set(login(refused)) == {"body/remember_me"}, refused
    reminder = {"cart_min_total": "6.36e+234", "discount_enabled": "1", "abandonment_duration": "12"}
    assert where(contract, REMINDER, request("POST", "/admin/carts/reminders", reminder)) == []
    for bad in ({"cart_min_total": True}, {"discount_enabled": "true"}, {"discount_enabled": 2}):
        assert where(contract, REMINDER, request("POST", "/admin/carts/reminders", bad)) != [], bad
    # Strict (calibration's question): only what the contract says as written.
    strict = request_problems(contract, contract.operation(REMINDER), request("POST", "/admin/carts/reminders",
                              reminder), strict=True)  # fmt: skip
    assert [f.pointer for f in strict] == ["body/abandonment_duration", "body/cart_min_total", "body/discount_enabled"]


def test_an_empty_string_is_null_to_a_nullable_member(contract):
    op = "admin.courses.update-course"  # publish_at: [string, null]; multipart, so text reaches it as sent
    form = RecordedRequest("PUT", BASE + "/admin/courses/1", {"content-type": "application/x-www-form-urlencoded"},
                           b"publish_at=")  # fmt: skip
    assert where(contract, op, form) == []


def test_a_loose_value_laravel_accepts_is_no_invalid_request_accepted(contract):
    negative = ctx(contract, LOGIN, {"mode": "negative"})
    loose = request("POST", LOGIN_PATH, {**CREDENTIALS, "remember_me": True})
    assert [f for f in as_recorded(negative, answered(loose, 422, REFUSED)) if f.is_error] == []
    invalid = request("POST", LOGIN_PATH, {**CREDENTIALS, "remember_me": 2})
    assert titles(as_recorded(negative, answered(invalid, 200, {"data": {}}))) == ["Invalid request accepted"]
