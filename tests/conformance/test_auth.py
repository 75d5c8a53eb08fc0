"""Auth: protected operations refuse a missing, malformed or revoked token with 401 and the error envelope;
public storefront reads still answer without one."""

import pytest

MALFORMED = "not-a-valid-token"


@pytest.mark.msaaq("auth")
def test_missing_token(conformance, doc_id):
    with conformance.recording():
        exchange = conformance.send(conformance.call(), token=None)
    conformance.access("anonymous", exchange)
    conformance.check(exchange, expectation={"variant": "no token"})


@pytest.mark.msaaq("auth")
def test_malformed_token(conformance, doc_id):
    with conformance.recording():
        exchange = conformance.send(conformance.call(), token=MALFORMED)
    conformance.check(exchange, expectation={"variant": "a malformed token"})


@pytest.mark.msaaq("auth")
def test_revoked_token(conformance, doc_id, revoked_token):
    call = conformance.call()
    token = revoked_token(call.identity)  # obtained (and revoked) outside the recording
    with conformance.recording():
        exchange = conformance.send(call, token=token)
    conformance.check(exchange, expectation={"variant": "a revoked token"})


@pytest.mark.msaaq("auth")
def test_public_without_token(conformance, doc_id):
    with conformance.recording():
        exchange = conformance.send(conformance.call(), token=None)
    conformance.access("anonymous", exchange)
    conformance.check(exchange)
