"""Creates and updates store what their body declares, as Laravel's ``$request->validated()`` into a model's
``$fillable``: members only the answer has (``created_at``, counters, the row's id) are accepted and ignored; the
``mass_assignable`` fault stores them (``$guarded = []``)."""

from __future__ import annotations

from tests.selftest.fixtures.refserver import RefClient

from msaaq_contract.checks.mass_assignment import probes
from msaaq_contract.contract import load_contract
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.refserver import Fault

CHAIN = resource_graph(load_contract()).chains["admin.courses.create-course"]
PROBES = probes(load_contract(), CHAIN.create, CHAIN.links["read"])


def create_and_read(client: RefClient, values: dict) -> tuple[int, dict]:
    call = client.happy(CHAIN.create.doc_ids[0])
    call.json = {**(call.json or {}), **values}
    created = client.send(call)
    assert created.status_code in (200, 201), created.text
    read = client.happy(CHAIN.links["read"].doc_ids[0])
    new_id = created.json()["data"]["id"]
    read.path = CHAIN.links["read"].path.replace("{course}", str(new_id))
    return new_id, client.send(read).json()["data"]


def test_members_the_body_does_not_declare_are_ignored(fresh_client: RefClient):
    values = {p.member: p.first for p in PROBES}
    assert {"id", "created_at", "enrollments_count"} <= set(values)
    new_id, row = create_and_read(fresh_client, values)
    assert new_id != values["id"] and row["id"] == new_id  # the store's key, never the body's
    assert [m for m, v in values.items() if row.get(m) == v] == []


def test_the_mass_assignable_fault_stores_them(fresh_client: RefClient):
    fresh_client.server.set_faults([Fault("mass_assignable", operations=[CHAIN.create.operation_id])])
    values = {p.member: p.first for p in PROBES}
    new_id, row = create_and_read(fresh_client, values)
    assert row["id"] == new_id != values["id"]  # the primary key stays the store's even then
    assert row["created_at"] == values["created_at"] and row["enrollments_count"] == values["enrollments_count"]
