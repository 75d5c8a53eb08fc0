"""Stateful chains catch writes that do nothing: an update whose body documents no text member still writes one
(one the contract derived for the body, the create accepts, or the read's model declares) and reads it back, and
a read after a delete that still serves the resource is reported, on the operation that broke. A clean server
passes the same chains. The unit tests pick their chains from the contract by the property they need, or edit a
copy of it, so they hold whatever bodies the contract declares."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from tests.selftest.plugin.test_end_to_end import run_suite

from msaaq_contract.checks.request import GUESSED
from msaaq_contract.contract import Contract, load_contract
from msaaq_contract.contract.loader import Bundle
from msaaq_contract.contract.resources import Chain, resource_graph
from msaaq_contract.pytest_plugin.stateful import TEXT_MEMBERS, UPDATED_CODE, UPDATED_TEXT, _members, _update_change

CHAINS = "admin.quizzes.create or admin.campaigns.create-campaign or admin.coupons.create-coupon"
BROKEN_UPDATES = ("admin.quizzes.update-quiz", "admin.campaigns.update-campaign")  # the misses
BROKEN_DELETES = ("admin.quizzes.delete-quiz", "admin.coupons.delete-coupon")


READ_ALL = dict.fromkeys(TEXT_MEMBERS, "x")  # a read that shows every text member a chain may write


def updating(contract: Contract) -> dict[str, Chain]:
    """The chains with an update, by their create's id."""
    return {key: chain for key, chain in resource_graph(contract).chains.items() if "update" in chain.links}


def text_members(contract: Contract, op, derived: bool) -> list[str]:
    """The text members ``op``'s body declares, derived by the contract (``x-source``) or documented."""
    members = _members(contract, op.request_schema)
    return [n for n in TEXT_MEMBERS if n in members and (members[n].get("x-source") in GUESSED) == derived]


def with_bodies(contract: Contract, schema: dict, digest: str, creates: bool = False) -> Contract:
    """A copy of ``contract`` whose every update (and with ``creates``, every create) takes ``schema`` as body."""
    document = copy.deepcopy(contract.document)
    for chain in updating(contract).values():
        for op in (chain.links["update"], chain.create) if creates else (chain.links["update"],):
            body = document["paths"][op.path][op.method].setdefault("requestBody", {"content": {}})
            for media in body["content"].values() or [body["content"].setdefault("application/json", {})]:
                media["schema"] = copy.deepcopy(schema)
    return Contract(Bundle(document, contract.bundle.root, [], digest=digest))


def stateful_rows(report_dir) -> dict[str, dict]:
    """The stateful verdicts: of each chain (its create id), and of each operation a chain found broken."""
    data = json.loads((report_dir / "conformance.json").read_text())
    return {e["id"]: e["checks"]["stateful"] for e in data["endpoints"] if "stateful" in e["checks"]}


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    work = tmp_path_factory.mktemp("stateful-drill")
    faults = work / "faults.yaml"
    faults.write_text(
        yaml.safe_dump([
            {"fault": "update_changes_nothing", "operations": list(BROKEN_UPDATES)},
            {"fault": "delete_does_nothing", "operations": list(BROKEN_DELETES)},
        ])
    )  # fmt: skip
    runs = {}
    for name, extra in (("clean", []), ("faulty", ["--sim-faults", str(faults)])):
        out = work / name
        result = run_suite("--sim", *extra, "-p", "no:xdist", "-m", "stateful", "-k", CHAINS, "--report-dir", str(out))
        runs[name] = (result, stateful_rows(out))
    return runs


@pytest.mark.slow
def test_a_clean_server_passes_the_chains(drill):
    result, rows = drill["clean"]
    assert result.returncode == 0, result.stdout[-3000:]
    chains = ("admin.quizzes.create", "admin.campaigns.create-campaign", "admin.coupons.create-coupon")
    assert {doc_id: row["outcome"] for doc_id, row in rows.items()} == dict.fromkeys(chains, "passed")


@pytest.mark.slow
def test_an_update_that_changes_nothing_fails_on_the_update_even_without_a_documented_body(drill, contract):
    result, rows = drill["faulty"]
    assert result.returncode == 1, result.stdout[-3000:]
    chains = {chain.links["update"].doc_ids[0]: chain for chain in updating(contract).values()}
    for doc_id in BROKEN_UPDATES:
        change, origin = _update_change(contract, chain := chains[doc_id], chain.links["update"], READ_ALL)
        assert origin and not text_members(contract, chain.links["update"], derived=False)  # no documented member
        ((member, value),) = change.items()
        assert rows[doc_id]["outcome"] == "failed", (doc_id, rows[doc_id])
        finding = rows[doc_id]["violations"][0]
        assert finding["title"] == "Written value not read back" and finding["pointer"] == f"/data/{member}"
        assert finding["operation"] == doc_id and repr(value) == finding["expected"]
        assert origin in finding["message"]
        assert finding["curl"].startswith("curl -X GET")  # the read that shows it


@pytest.mark.slow
def test_a_read_that_still_serves_a_deleted_resource_fails_on_the_delete(drill):
    _, rows = drill["faulty"]
    for doc_id in BROKEN_DELETES:
        assert rows[doc_id]["outcome"] == "failed", (doc_id, rows[doc_id])
        finding = rows[doc_id]["violations"][0]
        assert finding["title"] == "Deleted resource still served"
        assert (finding["expected"], finding["actual"]) == ("404", "200")
    assert "admin.campaigns.delete-campaign" not in rows  # its delete was not broken: no finding lands on it


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract()


def test_the_update_writes_what_it_declares_first(contract):
    documented = {k: c for k, c in updating(contract).items() if text_members(contract, c.links["update"], False)}
    assert documented  # e.g. the chapter's update: a title Laravel requires (minLength 1, pattern \\S) the text fits
    for key, chain in documented.items():
        change, origin = _update_change(contract, chain, chain.links["update"], READ_ALL)
        assert origin == "" and set(change) <= set(text_members(contract, chain.links["update"], False)), key
        assert change and set(change.values()) <= {UPDATED_TEXT, UPDATED_CODE}, key


def test_a_declared_member_the_text_does_not_fit_is_not_written(contract):
    document = copy.deepcopy(contract.document)
    documented = {k: c for k, c in updating(contract).items() if text_members(contract, c.links["update"], False)}
    for chain in documented.values():
        update = chain.links["update"]
        for media in document["paths"][update.path][update.method]["requestBody"]["content"].values():
            for name in TEXT_MEMBERS:
                if name in media["schema"].get("properties", {}):
                    media["schema"]["properties"][name]["pattern"] = "^[0-9]+$"
    digits = Contract(Bundle(document, contract.bundle.root, [], digest="digits-only-update"))
    for key in documented:
        chain = resource_graph(digits).chains[key]
        assert _update_change(digits, chain, chain.links["update"], READ_ALL)[1] != "", key  # taken elsewhere


def test_an_update_without_a_known_body_writes_what_the_create_accepts_or_the_model_declares(contract):
    derived = {k: c for k, c in updating(contract).items() if text_members(contract, c.links["update"], True)}
    derived = {k: c for k, c in derived.items() if not text_members(contract, c.links["update"], False)}
    assert derived  # the contract's derived update bodies (x-source model or create): the finding says so
    for chain in derived.values():
        change, origin = _update_change(contract, chain, chain.links["update"], READ_ALL)
        ((name, _),) = change.items()
        member = _members(contract, chain.links["update"].request_schema)[name]
        source, ref = member["x-source"], member["x-source-ref"]
        assert origin == (
            "a member the create accepts" if source == "create" else f"a member the contract derived from {ref}"
        )
    unknown = with_bodies(contract, {"type": "object"}, digest="unknown-update-bodies")
    origins = {}
    for key, chain in updating(unknown).items():
        change, origin = _update_change(unknown, chain, chain.links["update"], READ_ALL)
        origins[key] = origin
        if text_members(unknown, chain.create, derived=False):
            assert origin == "a member the create accepts" and change, key
    assert "a member the create accepts" in origins.values()
    assert set(origins.values()) <= {"a member the create accepts", "a member the read's model declares", ""}
    bare = with_bodies(contract, {"type": "object"}, digest="unknown-bodies", creates=True)
    from_model = [_update_change(bare, c, c.links["update"], READ_ALL) for c in updating(bare).values()]
    assert from_model and {origin for change, origin in from_model if change} == {"a member the read's model declares"}
    quiz = updating(unknown)["admin.quizzes.create"]
    assert _update_change(unknown, quiz, quiz.links["update"], {}) == ({}, "")  # the read shows none: no check


def test_an_update_that_forbids_undeclared_members_is_not_written_to(contract):
    closed = with_bodies(contract, {"type": "object", "additionalProperties": False}, digest="closed-update")
    open_ = with_bodies(contract, {"type": "object"}, digest="unknown-update-bodies")
    for key, chain in updating(closed).items():
        assert _update_change(closed, chain, chain.links["update"], READ_ALL) == ({}, ""), key
    written = [key for key, c in updating(open_).items() if _update_change(open_, c, c.links["update"], READ_ALL)[0]]
    assert written  # the same chains with an open body do write: forbidding undeclared members is what stops it
