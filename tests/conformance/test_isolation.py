"""Tenant isolation: the main academy's resource, requested as the other academy (its X-Tenant and its own
token), is never returned."""

import pytest


@pytest.mark.msaaq("isolation")
def test_isolation(conformance, doc_id):
    call, token = conformance.other_tenant_call()
    with conformance.recording():
        exchange = conformance.send(call, token=token)
    conformance.check(exchange)
