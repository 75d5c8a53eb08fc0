"""Envelope, field types and status of the happy request, for every documented endpoint.

The three families judge the same exchange (the minimal valid request), recorded once per endpoint in
``cassettes/<id>/conformance.json``.
"""

import pytest


@pytest.mark.msaaq("envelope")
def test_envelope(conformance, doc_id):
    conformance.check(conformance.happy())


@pytest.mark.msaaq("schema")
def test_field_types(conformance, doc_id):
    conformance.check(conformance.happy())


@pytest.mark.msaaq("status")
def test_status(conformance, doc_id):
    exchange = conformance.happy()
    conformance.access(conformance.identity, exchange)  # the authorization matrix: the operation's own identity
    conformance.check(exchange)
