"""Redaction: nothing secret or personal survives into what we write; placeholders are stable."""

import json
import subprocess

import pytest

from msaaq_contract.checks.base import Finding, compact, short
from msaaq_contract.pytest_plugin.junit import Case, JUnitLog
from msaaq_contract.redaction import REDACTED, Redactor, normalise_body, shell_quote
from msaaq_contract.reporting.verdict import CheckVerdict, EndpointVerdict, Report, RunInfo
from msaaq_contract.reporting.writers import redacted, write_reports

SECRET = "canary-secret-7f3a9c"
EMAIL_CANARY = "canary.person@canary-mail.org"
RED = Redactor(secrets=[SECRET, "p@ssw0rd-canary"], personal=["admin@academy.example"])


def test_authorization_and_cookies():
    headers = RED.headers({"Authorization": "Bearer abc.def.ghi", "Set-Cookie": "s=1", "Cookie": "s=1", "Accept": "x"})
    assert headers == {"Authorization": f"Bearer {REDACTED}", "Accept": "x"}


def test_token_bodies():
    body = {"status": "success", "code": "200", "data": {"access_token": "tok-123", "token": "t", "expires_in": 5}}
    out = json.loads(RED.body(json.dumps(body).encode(), "application/json"))
    assert out["data"] == {"access_token": REDACTED, "token": REDACTED, "expires_in": 5}


def test_passwords_secrets_and_configured_values_anywhere():
    body = {"client_secret": "x", "password": "p@ssw0rd-canary", "note": f"contains {SECRET} inline"}
    out = RED.body(json.dumps(body).encode(), "application/json").decode()
    assert SECRET not in out and "p@ssw0rd-canary" not in out
    assert json.loads(out)["client_secret"] == REDACTED


def test_emails_and_phones_become_stable_placeholders():
    first = RED.text("write to someone@gmail.com or +966 55 123 4567")
    again = RED.text("write to someone@gmail.com or +966 55 123 4567")
    assert first == again
    assert "someone@gmail.com" not in first and "123 4567" not in first
    assert "@example.invalid" in first and "<phone-" in first


def test_generated_example_addresses_stay_readable():
    assert RED.text("new-register@example.test") == "new-register@example.test"


def test_jwt_and_bearer_shapes_in_free_text():
    text = RED.text("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl and Bearer abcdef123")
    assert "eyJ" not in text and "abcdef123" not in text


def test_form_and_multipart_bodies():
    form = RED.body(b"email=a%40b.co&password=hunter2", "application/x-www-form-urlencoded").decode()
    assert "hunter2" not in form
    multipart = b'--b\r\nContent-Disposition: form-data; name="password"\r\n\r\nhunter2\r\n--b--\r\n'
    assert b"hunter2" not in RED.body(multipart, "multipart/form-data; boundary=b")


def test_binary_bodies_pass_untouched():
    pdf = b"%PDF-1.4\xff\xfe binary"
    assert RED.body(pdf, "application/pdf") == pdf


def test_curl_masks_secrets():
    curl = RED.curl(
        "POST",
        "https://x.test/v1/oauth/token?signature=abc",
        {"Authorization": "Bearer live"},
        json.dumps({"client_id": "id", "client_secret": SECRET}).encode(),
    )
    assert SECRET not in curl and "Bearer live" not in curl and "signature=abc" not in curl
    assert curl.startswith("curl -X POST")


def test_matching_normalisation_ignores_credential_values():
    recorded = normalise_body(json.dumps({"email": "user-1@example.invalid", "password": REDACTED}))
    replayed = normalise_body(json.dumps({"email": "", "password": ""}))
    assert recorded == replayed


# -- one redactor for everything written ------------------------------------------------------------------------
def test_a_secret_member_holding_an_object_keeps_no_value():
    body = {"data": {"token": {"value": "tok-inner-7731", "kind": "bearer"}, "keys": [{"api_key": ["k-one-4410"]}]}}
    out = Redactor().body(json.dumps(body).encode(), "application/json").decode()
    assert "tok-inner-7731" not in out and "bearer" not in out and "k-one-4410" not in out
    assert json.loads(out)["data"]["token"] == {"value": REDACTED, "kind": REDACTED}


def test_a_value_seen_under_a_secret_member_is_removed_wherever_it_shows_up_later():
    red = Redactor()
    red.body(json.dumps({"data": {"id": 5, "api_key": "key-8812-abc"}}).encode(), "application/json")
    assert red.text("id was key-8812-abc") == f"id was {REDACTED}"
    red.learn({"data": {"token": "a/b c+d"}})  # also as it reads inside a URL
    assert "a%2Fb" not in red.url("https://x.test/v1/things/a%2Fb%20c%2Bd") and "a/b c+d" not in red.text("a/b c+d")
    assert red.text("kept") == "kept"


def test_laravels_messages_about_a_secret_member_are_kept_its_values_are_not():
    red = Redactor()
    refusal = {
        "message": "The client secret field is required.",
        "errors": {"client_secret": ["The client secret field is required."], "password": ["hunter22-secret"]},
    }
    out = json.loads(red.body(json.dumps(refusal).encode(), "application/json") or b"")
    assert out["errors"]["client_secret"] == ["The client secret field is required."]
    assert out["message"] == "The client secret field is required."  # not learned as a secret
    assert out["errors"]["password"] == [REDACTED]  # no message about the member: a value
    sent = json.loads(red.body(json.dumps({"client_secret": ["s3cr3t-value"]}).encode(), "application/json") or b"")
    assert sent == {"client_secret": [REDACTED]}
    red.learn({"client_secret": ["The client secret must be a string."]})
    assert red.text("The client secret must be a string.") == "The client secret must be a string."


def test_a_second_pass_leaves_placeholders_alone():
    red = Redactor()
    once = red.text("call +966 55 123 4567, mail someone@gmail.com, id <phone-12345678> <id-00000000>")
    assert red.text(once) == once
    assert "<phone-12345678>" in once


def test_a_finding_about_a_secret_member_names_the_member_and_the_type_never_the_value():
    document = {"data": {"token": {"value": "tok-9917-zz"}, "title": "x"}}
    finding = Finding(
        "schema",
        "Field type mismatch",
        "/data/token: {'value': 'tok-9917-zz'} is not of type 'string'",
        expected='type: "string"',
        actual='{"value": "tok-9917-zz"}',
        pointer="/data/token",
    )
    red = Redactor()
    red.finding(finding, document)
    assert "tok-9917-zz" not in finding.message + finding.actual
    assert finding.message == "/data/token: the secret-looking member `token` holds an object (value withheld)"
    assert finding.actual == "object (withheld: secret-looking member `token`)"
    assert finding.expected == 'type: "string"'  # what the contract wanted stays readable
    again = Finding(**finding.__dict__)
    Redactor().finding(again)  # a second pass (the report writer's) changes nothing
    assert again == finding
    assert red.text("later: tok-9917-zz") == f"later: {REDACTED}"  # and the run remembers it


def test_without_the_answer_the_type_is_read_from_what_the_finding_quoted():
    finding = Finding(
        "stateful",
        "Written value not read back",
        "password was 'hunter22'",
        actual='"hunter22"',
        pointer="/data/password",
    )
    Redactor().finding(finding)
    assert "hunter22" not in finding.message + (finding.actual or "")
    assert finding.actual == "string (withheld: secret-looking member `password`)"


def test_a_warning_about_a_secret_member_keeps_its_message():
    warning = Finding(
        "schema",
        "Undocumented field",
        "/data/api_key is not in the contract",
        severity="warning",
        pointer="/data/api_key",
    )
    Redactor().finding(warning, {"data": {"api_key": "k-2231-zz"}})
    assert warning.message == "/data/api_key is not in the contract" and warning.actual is None


def test_a_request_finding_is_judged_in_the_request_body():
    finding = Finding(
        "request", "Request invalid for the contract", "body/password: 'pw-55' is too short", pointer="body/password"
    )
    Redactor().finding(finding, {"password": "pw-55"})
    assert "pw-55" not in finding.message and "`password`" in finding.message


def test_checks_quote_an_answer_with_its_secret_members_redacted():
    assert short({"id": 1, "api_key": "k-7781-qq"}) == '{"api_key": "<redacted>", "id": 1}'
    assert compact({"token": {"type": "string"}}) == '{"token": {"type": "string"}}'  # the contract's own text


def test_reports_are_written_redacted(tmp_path):
    leaky = Finding(
        "schema", "Field type mismatch", f"mail {EMAIL_CANARY} and {SECRET}", actual=SECRET, pointer="/data/x"
    )
    verdict = CheckVerdict("schema", "failed", violations=[leaky], target_error=f"boom {SECRET}")
    endpoint = EndpointVerdict(
        "admin.x.y", "admin", "t", "GET", "/x", "admin.x.y", "high", "client", {"schema": verdict}
    )
    report = Report(RunInfo("offline", "offline", "1", "d", 1, "now", pytest_args=[f"--x={SECRET}"]), [endpoint])
    write_reports(report, tmp_path, redactor=Redactor([SECRET]))
    for path in tmp_path.iterdir():
        text = path.read_text()
        assert SECRET not in text and EMAIL_CANARY not in text, path.name
    assert leaky.actual == SECRET  # the caller's report is not changed
    assert redacted(redacted(report, RED), RED).to_dict() == redacted(report, RED).to_dict()


def test_junit_is_written_redacted():
    log = JUnitLog()
    log.cases["t::x"] = Case("t::x", kind="failure", message=f"got {SECRET}", text=f"mail {EMAIL_CANARY}")
    xml = log.render(Redactor([SECRET]))
    assert SECRET not in xml and EMAIL_CANARY not in xml and "got &lt;redacted&gt;" in xml


@pytest.mark.parametrize("value", ["it's", "a\nb\tc", "x\\y'z", "plain", '$HOME `id` "q"'])
def test_curl_values_are_one_shell_word_each(value):
    quoted = shell_quote(value)
    echoed = subprocess.run(["bash", "-c", f"printf %s {quoted}"], capture_output=True, text=True, check=True)
    assert echoed.stdout == value and "\n" not in quoted


def test_curl_runs_in_a_shell_and_says_when_its_body_is_cut():
    line = Redactor().curl("post", "https://x.test/v1/a?q=1&b=2", {"Content-Type": "text/plain"}, b"O'Brien\n" * 300)
    assert "\n" not in line and line.endswith("# body cut at 2000 of 2400 characters")
    shell = 'curl() { printf "%s\\0" curl "$@"; }\n' + line  # the line as bash runs it, each word shown
    words = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=True).stdout.split("\0")
    assert words[:4] == ["curl", "-X", "POST", "https://x.test/v1/a?q=1&b=2"]
    assert words[-2] == ("O'Brien\n" * 300)[:2000]
    short = Redactor().curl("post", "https://x.test/v1/a", {"Content-Type": "text/plain"}, b"O'Brien")
    assert short.endswith("--data-raw 'O'\\''Brien'") and "cut" not in short
