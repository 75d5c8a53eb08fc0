"""Auth: protected operations refuse a missing, malformed or revoked token with 401 and the error envelope;
public storefront reads still answer without one."""

import pytest

from msaaq_contract.checks import auth

MALFORMED = "not-a-valid-token"


@pytest.mark.msaaq(family="auth", applies="protected")
def test_missing_token(conformance, doc_id):
    with conformance.recording("auth-missing"):
        exchange = conformance.send(conformance.call(), token=None)
    conformance.check(exchange, auth.refuses_unauthenticated, expectation={"variant": "no token"})


@pytest.mark.msaaq(family="auth", applies="protected")
def test_malformed_token(conformance, doc_id):
    with conformance.recording("auth-malformed"):
        exchange = conformance.send(conformance.call(), token=MALFORMED)
    conformance.check(exchange, auth.refuses_unauthenticated, expectation={"variant": "a malformed token"})


@pytest.mark.msaaq(family="auth", applies="revocable")
def test_revoked_token(conformance, doc_id, revoked_token):
    call = conformance.call()
    token = revoked_token(call.identity)  # obtained (and revoked) outside the recording
    with conformance.recording("auth-revoked"):
        exchange = conformance.send(call, token=token)
    conformance.check(exchange, auth.refuses_unauthenticated, expectation={"variant": "a revoked token"})


@pytest.mark.msaaq(family="auth", applies="public")
def test_public_without_token(conformance, doc_id):
    with conformance.recording("auth-public"):
        exchange = conformance.send(conformance.call(), token=None)
    conformance.check(exchange, auth.answers_anonymously)
