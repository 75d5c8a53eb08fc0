"""X-Tenant: tenant operations without the header, or with an unknown academy, are refused with 400 and the
exact documented body."""

import pytest

from msaaq_contract.checks import tenant

UNKNOWN_TENANT = "no-such-academy.msaaq.invalid"


@pytest.mark.msaaq(family="tenant_header", applies="tenant")
def test_missing_tenant(conformance, doc_id):
    with conformance.recording("tenant-missing"):
        exchange = conformance.send(conformance.call().without_header("X-Tenant"))
    conformance.check(exchange, tenant.tenant_refused, expectation={"code": "TENANT_HEADER_NOT_PROVIDED"})


@pytest.mark.msaaq(family="tenant_header", applies="tenant")
def test_unknown_tenant(conformance, doc_id):
    call = conformance.call()
    call.headers["X-Tenant"] = UNKNOWN_TENANT
    with conformance.recording("tenant-unknown"):
        exchange = conformance.send(call)
    conformance.check(exchange, tenant.tenant_refused, expectation={"code": "TENANT_NOT_FOUND"})
