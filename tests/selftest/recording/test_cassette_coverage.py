"""The committed cassettes cover every documented endpoint id and every check family that applies to it, say
where they were recorded from, and were recorded on the routes of the current contract."""

import json
from pathlib import Path

import pytest

from msaaq_contract.contract.access import control_cassettes
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.families import APPLICABILITY, applies_to, family_tests, path_ids
from msaaq_contract.recording.files import find

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"
# Recorded only where the other academy has its own id (checked below), and chains are checked on their own.
CONDITIONAL = {"isolation", "stateful"}


@pytest.fixture(scope="module")
def meta():
    return json.loads((CASSETTES / "_meta.json").read_text())


def test_every_documented_id_has_its_cassettes(contract):
    missing = []
    for doc_id, op in contract.documented():
        tests = [test for family, test in family_tests(contract, op, doc_id) if family.name not in CONDITIONAL]
        expected = {name for test in tests for name in test.cassettes}
        missing += [f"{doc_id}/{name}" for name in sorted(expected) if not find(CASSETTES / doc_id / name).is_file()]
    assert missing == []


def test_the_registry_names_every_committed_cassette(contract):
    """Every cassette file on disk is one a registered test replays, or a positive control of the access
    families (a renamed test orphans nothing)."""
    named = {
        (doc_id, name)
        for doc_id, op in contract.documented()
        for _, test in family_tests(contract, op, doc_id)
        for name in test.cassettes
    }
    named |= control_cassettes(contract)
    on_disk = {(f.name, p.name.split(".")[0]) for f in CASSETTES.iterdir() if f.is_dir() for p in f.iterdir()}
    assert on_disk - named == set()


def test_the_stateful_rule_picks_the_chains(contract):
    picked = [doc_id for doc_id, op in contract.documented() if applies_to(contract, "crud", op, doc_id)]
    assert picked == sorted(resource_graph(contract).chains) and picked


def test_every_documented_path_has_its_method_probe(contract):
    assert [d for d in path_ids(contract) if not find(CASSETTES / d / "methods").is_file()] == []


def test_every_stateful_chain_and_isolation_read_is_recorded(contract, meta):
    for doc_id in resource_graph(contract).chains:
        assert find(CASSETTES / doc_id / "stateful").is_file(), doc_id
    other = meta["fixtures"]["other_tenant_path"]
    owned = [
        doc_id
        for doc_id, op in contract.documented()
        if APPLICABILITY["owned_reads"](op, doc_id)
        and any(
            p.name in other and str(other[p.name]) != str(meta["fixtures"]["path"].get(p.name)) for p in op.path_params
        )
    ]
    assert len(owned) > 50
    assert [d for d in owned if not find(CASSETTES / d / "isolation").is_file()] == []


def test_cassettes_were_recorded_from_the_reference_server_on_the_current_routes(contract, meta):
    assert meta["recorded_from"] == {"kind": "reference-server"}
    moved = [doc_id for doc_id, op in contract.documented() if meta["operations"].get(doc_id) != op.label]
    assert moved == [], "re-record: pytest tests/conformance --sim --record-mode=rewrite -p no:xdist"


def test_no_orphan_cassette_folders(contract):
    folders = {p.name for p in CASSETTES.iterdir() if p.is_dir()}
    assert folders - set(contract.by_doc_id) == set()
