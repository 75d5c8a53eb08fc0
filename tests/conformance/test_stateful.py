"""Stateful chains for every resource the contract links (create -> read -> update -> list -> delete):
what was written is read back, and a deleted resource is gone."""

import pytest

from msaaq_contract.pytest_plugin.stateful import chains, run_chain


@pytest.mark.msaaq("stateful")
def test_crud(conformance, doc_id):
    run_chain(conformance, chains(conformance.contract)[doc_id])
    conformance.conclude()
