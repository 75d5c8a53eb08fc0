"""X-Tenant: tenant operations without the header, or with an unknown academy, are refused with 400 and the
exact documented body."""

import pytest

UNKNOWN_TENANT = "no-such-academy.msaaq.invalid"


@pytest.mark.msaaq("tenant_header")
def test_missing_tenant(conformance, doc_id):
    with conformance.recording():
        exchange = conformance.send(conformance.call().without_header("X-Tenant"))
    conformance.check(exchange, expectation={"code": "TENANT_HEADER_NOT_PROVIDED"})


@pytest.mark.msaaq("tenant_header")
def test_unknown_tenant(conformance, doc_id):
    call = conformance.call()
    call.headers["X-Tenant"] = UNKNOWN_TENANT
    with conformance.recording():
        exchange = conformance.send(call)
    conformance.check(exchange, expectation={"code": "TENANT_NOT_FOUND"})
