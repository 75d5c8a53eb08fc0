"""The committed cassettes cover every documented endpoint id and every check family that applies to it, say
where they were recorded from, and were recorded on the routes of the current contract."""

import json
from pathlib import Path

import pytest

from msaaq_contract.families import APPLICABILITY, negative_applies, path_ids, positive_applies
from msaaq_contract.pytest_plugin.stateful import chains
from msaaq_contract.recording.files import find

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"

# cassette file -> the applicability rule of the tests that replay it
FILES = {
    "conformance": "all",
    "auth-missing": "protected",
    "auth-malformed": "protected",
    "auth-revoked": "revocable",
    "auth-public": "public",
    "tenant-missing": "tenant",
    "tenant-unknown": "tenant",
    "language-ar": "reads",
    "language-en": "reads",
}


@pytest.fixture(scope="module")
def meta():
    return json.loads((CASSETTES / "_meta.json").read_text())


def test_every_documented_id_has_its_cassettes(contract):
    missing = []
    for doc_id, op in contract.documented():
        expected = [name for name, rule in FILES.items() if APPLICABILITY[rule](op, doc_id)]
        if positive_applies(op, doc_id):
            expected.append("fuzz-positive")
        if negative_applies(op, doc_id):
            expected.append("fuzz-negative")
        missing += [f"{doc_id}/{name}" for name in expected if not find(CASSETTES / doc_id / name).is_file()]
    assert missing == []


def test_every_documented_path_has_its_method_probe(contract):
    assert [d for d in path_ids(contract) if not find(CASSETTES / d / "methods").is_file()] == []


def test_every_stateful_chain_and_isolation_read_is_recorded(contract, meta):
    for doc_id in chains(contract):
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
