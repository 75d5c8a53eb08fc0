"""Mass assignment: which members a write must not store (from the contract), and the verdict on the read after
the second write: both values stored fails; one, none, or a refusal passes."""

from __future__ import annotations

import copy

import pytest
from tests.selftest.fixtures.responses import ctx, exchange, titles

from msaaq_contract.checks.mass_assignment import (
    DATE_TIMES,
    INTEGERS,
    TEXTS,
    deleter,
    mass_assignment,
    probed_creates,
    probes,
    stored,
)
from msaaq_contract.contract import Contract
from msaaq_contract.contract.flatten import flatten, types_of
from msaaq_contract.contract.loader import Bundle
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.contract.shapes import object_members, success_data

COURSE = "admin.courses.create-course"
READ = "admin.courses.get-course"
UPDATE = "admin.courses.update-course"


def _chain(contract: Contract, create: str = COURSE):
    return resource_graph(contract).chains[create]


def expectation(first: dict, after_first: dict, second: dict) -> dict:
    return {"first": first, "after_first": after_first, "second": second, "writes": "create, then update"}


def test_the_probed_members_are_those_only_the_read_shows(contract):
    chain = _chain(contract)
    found = {p.member: p for p in probes(contract, chain.create, chain.links["read"])}
    assert {"id", "created_at", "updated_at", "enrollments_count"} <= set(found)
    assert not set(found) & _declared(contract, chain.create)  # what the create declares is fillable: not probed
    assert (found["id"].first, found["id"].second) == INTEGERS
    assert (found["created_at"].first, found["created_at"].second) == DATE_TIMES  # Laravel's *_at columns
    assert all(p.why == "response-only" for p in found.values())
    videos = _chain(contract, "admin.videos.create")
    assert "academy_id" in {p.member for p in probes(contract, videos.create, videos.links["read"])}


def test_an_enum_gets_its_last_then_its_first_value(contract):
    chain = _chain(contract, "admin.domains.domains-create")
    found = {p.member: p for p in probes(contract, chain.create, chain.links["read"])}
    enum = flatten(contract, _read_members(contract, chain)["status"])["enum"]
    assert (found["status"].first, found["status"].second) == (enum[-1], enum[0])  # against a forward lifecycle


def test_booleans_objects_and_secrets_are_not_probed(contract):
    chain = _chain(contract)
    found = {p.member for p in probes(contract, chain.create, chain.links["read"])}
    members = _read_members(contract, chain)
    kinds = {name: types_of(flatten(contract, sub)) for name, sub in members.items()}
    booleans = {n for n, t in kinds.items() if t == ["boolean"]}
    objects = {n for n, t in kinds.items() if set(t) <= {"object", "array", "null"} and t}
    assert booleans and objects
    assert not found & (booleans | objects)


def test_a_member_the_body_declares_but_marks_read_only_is_probed(contract):
    document = copy.deepcopy(contract.document)
    op = contract.operation(UPDATE)
    media = next(iter(document["paths"][op.path][op.method]["requestBody"]["content"].values()))
    media["schema"] = {"type": "object", "properties": {"title": {"type": "string", "readOnly": True}}}
    edited = Contract(Bundle(document, contract.bundle.root, [], digest="read-only-title"))
    chain = _chain(edited)
    found = {p.member: p for p in probes(edited, chain.links["update"], chain.links["read"])}
    assert found["title"].why == "readOnly" and (found["title"].first, found["title"].second) == TEXTS


def test_a_body_that_declares_nothing_probes_nothing(contract):
    document = copy.deepcopy(contract.document)
    op = contract.operation(UPDATE)
    for media in document["paths"][op.path][op.method]["requestBody"]["content"].values():
        media["schema"] = {"type": "object"}
    edited = Contract(Bundle(document, contract.bundle.root, [], digest="open-update-body"))
    chain = _chain(edited)
    assert probes(edited, chain.links["update"], chain.links["read"]) == []  # its fillable is unknown
    assert probes(edited, chain.create, chain.links["read"])  # the create still declares its body


def test_both_values_stored_fails_naming_the_member_the_values_and_the_reads(contract):
    first, second = {"status": "scheduled"}, {"status": "draft"}
    read = exchange(contract, READ, 200, {"data": {"id": 1, "status": "draft"}})
    findings = mass_assignment(ctx(contract, UPDATE, expectation(first, {"status": "scheduled"}, second)), read)
    assert titles(findings) == ["Read-only member stored (mass assignment)"]
    finding = findings[0]
    assert finding.pointer == "/data/status"
    assert (
        '"scheduled"' in finding.message and '"draft"' in finding.message and "create, then update" in finding.message
    )
    assert finding.actual == 'stored both values: "scheduled", "draft"'


@pytest.mark.parametrize(
    ("after_first", "read_back"),
    [
        ({"status": "draft"}, "draft"),  # the server's own value both times: ignored
        ({"status": "scheduled"}, "scheduled"),  # the first value stuck (a default?), the second did not
        ({}, "draft"),  # the first read did not show the member
    ],
)
def test_a_member_ignored_once_passes(contract, after_first, read_back):
    first, second = {"status": "scheduled"}, {"status": "draft"}
    read = exchange(contract, READ, 200, {"data": {"id": 1, "status": read_back}})
    assert mass_assignment(ctx(contract, UPDATE, expectation(first, after_first, second)), read) == []


def test_a_read_without_the_member_passes(contract):
    read = exchange(contract, READ, 200, {"data": {"id": 1}})
    expect = expectation({"price": 98765.25}, {"price": 98765.25}, {"price": 12345.5})
    assert mass_assignment(ctx(contract, UPDATE, expect), read) == []


def test_numbers_sent_as_form_text_and_dates_in_another_notation_still_count_as_stored():
    assert stored("9876543", 9876543) and stored(9876543, "9876543") and stored(98765.25, 98765.25)
    assert stored(DATE_TIMES[0], "2001-02-03T04:05:06Z") and stored(DATE_TIMES[0], "2001-02-03T06:05:06+02:00")
    assert not stored(DATE_TIMES[0], "2026-01-01T00:00:00.000000Z")
    assert not stored(True, True) and not stored("x", None) and not stored(1, {"id": 1})


def _declared(contract: Contract, op) -> set[str]:
    return set(flatten(contract, op.request_schema).get("properties") or {})


def _read_members(contract: Contract, chain) -> dict:
    return object_members(contract, success_data(contract, chain.links["read"]))


def test_the_family_probes_the_creates_it_can_undo_and_that_have_something_to_send(contract):
    chains = resource_graph(contract).chains
    picked = set(probed_creates(contract))
    assert picked and picked <= set(chains)
    for doc_id, chain in chains.items():
        can_undo = deleter(contract, chain) is not None
        has_members = bool(probes(contract, chain.create, chain.links["read"]))
        assert (doc_id in picked) == (can_undo and has_members), doc_id
    assert any(deleter(contract, c) is None for c in chains.values())  # e.g. payouts: never probed
