"""Methods: a method a documented path does not declare is refused by routing with 405 and an ``Allow`` header
listing the path's methods, as Laravel's router does. One probe per path, with a safe method (GET where no
route of the URL serves GET, else OPTIONS): it never writes, so it runs against any target."""

import pytest

from msaaq_contract.checks import methods


@pytest.mark.msaaq("methods")
def test_undeclared_method(conformance, doc_id):
    call = conformance.probe_call()
    method = methods.probe(conformance.contract, conformance.op, call.path)
    probe = call.copy(method=method, query={}, json=None, data=None, files=None)
    with conformance.recording():
        exchange = conformance.send(probe, mutating=False)
    conformance.check(exchange)
