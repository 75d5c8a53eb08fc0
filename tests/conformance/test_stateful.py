"""Stateful chains for every resource the contract links (create -> read -> update -> list -> delete):
what was written is read back, and a deleted resource is gone."""

import pytest

from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.pytest_plugin.stateful import run_chain


@pytest.mark.msaaq("stateful")
def test_crud(conformance, doc_id):
    run_chain(conformance, resource_graph(conformance.contract).chains[doc_id])
    conformance.conclude()
