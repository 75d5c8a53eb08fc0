"""Envelope, field types and status of the happy request, for every documented endpoint.

The three families judge the same exchange (the minimal valid request), recorded once per endpoint in
``cassettes/<id>/conformance.json``.
"""

import pytest

from msaaq_contract.checks import envelope, schema, status


@pytest.mark.msaaq(family="envelope", applies="all")
def test_envelope(conformance, doc_id):
    conformance.check(conformance.happy(), envelope.envelope)


@pytest.mark.msaaq(family="schema", applies="all")
def test_field_types(conformance, doc_id):
    conformance.check(conformance.happy(), schema.schema)


@pytest.mark.msaaq(family="status", applies="all")
def test_status(conformance, doc_id):
    conformance.check(conformance.happy(), status.success_expected, status.status_documented)
