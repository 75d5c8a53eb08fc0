"""Tenant isolation: the main academy's resource, requested as the other academy (its X-Tenant and its own
token), is never returned."""

import pytest

from msaaq_contract.checks import isolation


@pytest.mark.msaaq(family="isolation", applies="owned_reads")
def test_isolation(conformance, doc_id):
    call, token = conformance.other_tenant_call()
    with conformance.recording("isolation"):
        exchange = conformance.send(call, token=token)
    conformance.check(exchange, isolation.not_leaked)
