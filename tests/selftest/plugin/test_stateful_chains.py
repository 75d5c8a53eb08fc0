"""Stateful chains catch writes that do nothing: an update whose body the contract does not know still writes a
member (one the create accepts, or the read's model declares) and reads it back, and a read after a delete that
still serves the resource is reported, on the operation that broke. A clean server passes the same chains."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from tests.selftest.plugin.test_end_to_end import run_suite

from msaaq_contract.contract import Contract, load_contract
from msaaq_contract.contract.loader import Bundle
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.pytest_plugin.stateful import UPDATED_TEXT, _update_change

CHAINS = "admin.quizzes.create or admin.campaigns.create-campaign or admin.coupons.create-coupon"
BROKEN_UPDATES = ("admin.quizzes.update-quiz", "admin.campaigns.update-campaign")  # the misses
BROKEN_DELETES = ("admin.quizzes.delete-quiz", "admin.coupons.delete-coupon")


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
def test_an_update_that_changes_nothing_fails_on_the_update_even_without_a_documented_body(drill):
    result, rows = drill["faulty"]
    assert result.returncode == 1, result.stdout[-3000:]
    for doc_id, member in zip(BROKEN_UPDATES, ("title", "name"), strict=True):
        assert rows[doc_id]["outcome"] == "failed", (doc_id, rows[doc_id])
        finding = rows[doc_id]["violations"][0]
        assert finding["title"] == "Written value not read back" and finding["pointer"] == f"/data/{member}"
        assert finding["operation"] == doc_id and repr(UPDATED_TEXT) == finding["expected"]
        assert "a member the create accepts" in finding["message"]
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
    chain = resource_graph(contract).chains["admin.courses.chapters.create"]
    assert _update_change(contract, chain, chain.links["update"], {"title": "x"}) == ({"title": UPDATED_TEXT}, "")


def test_an_update_without_a_known_body_writes_what_the_create_accepts_or_the_model_declares(contract):
    chains = resource_graph(contract).chains
    quiz = chains["admin.quizzes.create"]  # the update declares no member; the create accepts a title
    assert _update_change(contract, quiz, quiz.links["update"], {"title": "x"}) == (
        {"title": UPDATED_TEXT}, "a member the create accepts"
    )  # fmt: skip
    video = chains["admin.videos.create"]  # neither declares a member; the Video model has a title
    assert _update_change(contract, video, video.links["update"], {"title": "x"})[1] == (
        "a member the read's model declares"
    )
    assert _update_change(contract, quiz, quiz.links["update"], {}) == ({}, "")  # the read shows none: no check


def test_an_update_that_forbids_undeclared_members_is_not_written_to(contract):
    document = copy.deepcopy(contract.document)
    update = document["paths"]["/admin/quizzes/{quiz}"]["put"]
    schema = update["requestBody"]["content"]["application/json"]["schema"]
    schema["additionalProperties"] = False
    closed = Contract(Bundle(document, contract.bundle.root, [], digest="closed-update"))
    chain = resource_graph(closed).chains["admin.quizzes.create"]
    assert _update_change(closed, chain, chain.links["update"], {"title": "x"}) == ({}, "")
