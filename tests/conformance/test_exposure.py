"""Exposure: no answer carries a secret member or value the contract does not declare, nor Laravel's debug output.

Every answer of every family is judged so (the plugin adds the check to each test's own); this family judges the
happy answer of each id, and once per run probes the debug routes a Laravel deployment must not serve.
"""

import pytest

from msaaq_contract.checks.exposure import DEBUG_ROUTES


@pytest.mark.msaaq("exposure")
def test_exposure(conformance, doc_id):
    conformance.check(conformance.happy())


@pytest.mark.msaaq("exposure")
def test_debug_routes(conformance, doc_id):
    """Telescope, Horizon, Ignition's health check, .env and the Laravel log, at the host root and under the API
    base (where an API is deployed as the application's root): 10 anonymous GETs, once per run."""
    probes = [(path, conformance.debug_probe(path, root=root)) for root in (True, False) for path in DEBUG_ROUTES]
    with conformance.recording():
        answers = [(path, conformance.send(call, token=None, mutating=False)) for path, call in probes]
    for path, exchange in answers:
        conformance.judge(exchange, *conformance.checks, expectation={"probe": path})
    conformance.conclude()
