"""Mass assignment: members only the server sets (response-only or readOnly) sent on the run's own creates and
updates, twice with distinct values, must not both be stored (a 422, or a member ignored, conforms)."""

import pytest

from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.pytest_plugin.mass_assignment import MassAssignmentProbe


@pytest.mark.msaaq("mass_assignment")
def test_mass_assignment(conformance, doc_id):
    MassAssignmentProbe(conformance, resource_graph(conformance.contract).chains[doc_id]).run()
