"""Tenant isolation: the main academy's resource, requested as the other academy (its X-Tenant and its own
token), is never returned, nor listed in the other academy's lists; and the refusal of that real id is the
refusal of an id that was never issued (a 403 for one and a 404 for the other tells another academy which ids
exist)."""

import pytest

from msaaq_contract.pytest_plugin.access import existence_pair, other_academy_list


@pytest.mark.msaaq("isolation")
def test_isolation(conformance, doc_id):
    call, token, owned = conformance.other_tenant_call()
    with conformance.recording():
        exchange = conformance.send(call, token=token)
        conformance.access(f"{conformance.identity}@other", exchange)
        conformance.judge(exchange, *conformance.checks[:1])
        existence_pair(conformance, call, token, exchange, owned)
    conformance.conclude()


@pytest.mark.msaaq("isolation")
def test_isolation_lists(conformance, doc_id):
    other_academy_list(conformance)
