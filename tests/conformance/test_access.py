"""Who may call what. Every operation that requires a user is also sent with tokens that must not work there,
after a positive control showed each token works where it should:

- roles: the token of a user identity the operation's security does not list (a student's on the Admin API);
- binding: the operation's own identity's token issued by the other academy, with this academy's X-Tenant;
- ownership: a second user of this academy, on what the first created (where the contract says an identity's
  objects are its users' own: x-identity objects: own).

Reads are probed as they are; creates with the happy body (a wrongly accepted one is deleted at the end);
updates and deletes on a resource the probe creates as its owner, who reads it back: a refused write must have
changed nothing."""

import pytest

from msaaq_contract.contract.access import foreign_users
from msaaq_contract.pytest_plugin.access import foreign_probes


@pytest.mark.msaaq("roles")
def test_foreign_role(conformance, doc_id):
    foreign_probes(conformance, [(name, "") for name in foreign_users(conformance.contract, conformance.op)])


@pytest.mark.msaaq("binding")
def test_other_academy_token(conformance, doc_id):
    foreign_probes(conformance, [(conformance.identity, "other")])


@pytest.mark.msaaq("ownership")
def test_other_user(conformance, doc_id):
    foreign_probes(conformance, [(conformance.identity, "second")])
