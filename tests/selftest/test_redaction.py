"""Redaction: nothing secret or personal survives into what we write; placeholders are stable."""

import json

from msaaq_contract.redaction import REDACTED, Redactor, normalise_body

SECRET = "canary-secret-7f3a9c"
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
