"""Destructive operations live, against a target the suite did not write (the reference server behind the varying
proxy, no fixtures file): every one whose collection has a create acts on what the run created through it (the
resource graph says which create and which member of its answer), every other one is skipped naming the missing
create, and no record the target held before the run is destroyed."""

from __future__ import annotations

import json

import pytest
from tests.selftest.plugin.test_end_to_end import run_suite, verdicts
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.refserver import start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations


def destructive_ids() -> tuple[list[str], list[str]]:
    """(with a create in their collection, without): the documented destructive operations."""
    contract = load_contract()
    graph = resource_graph(contract)
    created, not_created = [], []
    for doc_id, op in contract.documented():
        target = graph.destroyed(op)
        if target is not None:
            (created if target.create is not None else not_created).append(doc_id)
    return created, not_created


def stored_rows(server) -> set[tuple[str, str]]:
    graph = resource_graph(server.engine.contract)
    return {(key, row.id) for key in graph.resources for row in server.engine.store.list(key, None, None)}


@pytest.fixture(scope="module")
def destructive_run(tmp_path_factory):
    created, not_created = destructive_ids()
    out = tmp_path_factory.mktemp("live-destructive")
    with start_server() as server, start_proxy(server.base_url, Variations.parse(["all"], latency_ms=2)) as proxy:
        before = stored_rows(server)
        selected = "test_status and (" + " or ".join(created + not_created) + ")"
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-rs", "-k", selected, "--report-dir", str(out),
            env=live_env(proxy.base_url),
        )  # fmt: skip
        after = stored_rows(server)
    return result, out, before, after


@pytest.mark.slow
def test_every_destructive_operation_whose_collection_has_a_create_runs(destructive_run):
    result, out, _, _ = destructive_run
    created, not_created = destructive_ids()
    status = {doc_id: o for (doc_id, fam), o in verdicts(out).items() if fam == "status"}
    ran = {doc_id: status.get(doc_id) for doc_id in created}
    assert ran == dict.fromkeys(created, "passed"), result.stdout[-4000:]
    assert "admin.builder.pages.delete-page" in created
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    for doc_id in not_created:
        assert status.get(doc_id) == "skipped"
        assert any(doc_id in line and "the contract has no create for" in line for line in skipped), doc_id
    assert result.returncode == 0, result.stdout[-4000:]
    assert json.loads((out / "conformance.json").read_text())["run"]["aborted"] is None


@pytest.mark.slow
def test_no_record_the_target_held_before_is_destroyed(destructive_run):
    _, _, before, after = destructive_run
    assert before and before <= after
