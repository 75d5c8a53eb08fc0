"""The mass-assignment family live, against a target the suite did not write (the reference server behind the
varying proxy, no fixtures file): where the server stores members its bodies do not declare (the
``mass_assignable`` fault: on a create only, and on a create and its update) the probe fails on the broken
operation's row, naming the member and both values; every other resource passes, as Laravel's ``$fillable``
ignores the members; nothing the probes created is left behind; without ``--msaaq-allow-writes`` a remote target is
sent nothing."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import yaml
from tests.selftest.plugin.test_end_to_end import run_suite
from tests.selftest.plugin.test_live_destructive import stored_rows
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.pytest_plugin.mass_assignment import MassAssignmentProbe
from msaaq_contract.refserver import Fault, start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations
from msaaq_contract.settings import Settings

CREATE_ONLY = "admin.courses.create-course"  # its update is clean: the second create confirms
CREATE_AND_UPDATE = ("admin.quizzes.create", "admin.quizzes.update-quiz")
BROKEN = (CREATE_ONLY, *CREATE_AND_UPDATE)


def rows_of(report_dir) -> dict[str, dict]:
    data = json.loads((report_dir / "conformance.json").read_text())
    return {e["id"]: e["checks"]["mass_assignment"] for e in data["endpoints"] if "mass_assignment" in e["checks"]}


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    runs = {}
    for name, writes in (("faulty", ["--msaaq-allow-writes"]),):
        out = tmp_path_factory.mktemp(f"mass-assignment-{name}")
        faults = [Fault("mass_assignable", operations=list(BROKEN))]
        with (
            start_server(faults=faults) as server,
            start_proxy(server.base_url, Variations.parse(["all"], latency_ms=2)) as proxy,
        ):
            before = stored_rows(server)
            result = run_suite(
                *writes, "-p", "no:xdist", "-rs", "-m", "mass_assignment", "--msaaq-report-dir", str(out),
                env=live_env(proxy.base_url),
            )  # fmt: skip
            after = stored_rows(server)
        runs[name] = (result, rows_of(out), before, after)
    return runs


@pytest.mark.slow
def test_the_broken_writes_fail_on_their_own_rows_and_the_rest_pass(drill):
    result, rows, _, _ = drill["faulty"]
    assert result.returncode == 1, result.stdout[-3000:]
    failed = {doc_id for doc_id, row in rows.items() if row["outcome"] == "failed"}
    assert failed == set(BROKEN), {doc_id: row["outcome"] for doc_id, row in rows.items()}
    assert {row["outcome"] for doc_id, row in rows.items() if doc_id not in BROKEN} <= {"passed", "skipped"}
    assert sum(row["outcome"] == "passed" for row in rows.values()) >= 15  # the clean resources were judged


@pytest.mark.slow
def test_a_finding_names_the_member_both_values_and_what_was_read_back(drill):
    _, rows, _, _ = drill["faulty"]
    update = rows["admin.quizzes.update-quiz"]["violations"]
    assert update and all(f["operation"] == "admin.quizzes.update-quiz" for f in update)
    created_at = next(f for f in update if f["pointer"] == "/data/created_at")
    assert "create, then update" in created_at["message"]
    assert (
        '"2001-02-03T04:05:06.000000Z"' in created_at["message"]
        and '"2000-01-02T03:04:05.000000Z"' in created_at["message"]
    )
    assert created_at["curl"].startswith("curl -X GET") and "Bearer <redacted>" in created_at["curl"]
    create_only = rows[CREATE_ONLY]["violations"]
    assert create_only and all("two creates" in f["message"] for f in create_only)
    assert "admin.courses.update-course" not in rows or rows["admin.courses.update-course"]["outcome"] != "failed"


@pytest.mark.slow
def test_nothing_the_probes_created_is_left(drill):
    _, _, before, after = drill["faulty"]
    assert before and after == before


def test_without_allow_writes_nothing_is_sent_to_a_live_target():
    contract = load_contract()
    settings = Settings(mode="live", base_url="https://staging.example.test/v1", tenant="academy.example")
    assert not settings.writes_allowed()

    def refuse(*args, **kwargs):
        raise AssertionError("the probe sent a request")

    runtime = SimpleNamespace(settings=settings, contract=contract, client=SimpleNamespace(send=refuse))
    conformance = SimpleNamespace(runtime=runtime, contract=contract, send=refuse)
    for chain in resource_graph(contract).chains.values():
        with pytest.raises(pytest.skip.Exception, match=r"mutating: .* refused against staging\.example\.test"):
            MassAssignmentProbe(conformance, chain).run()


@pytest.mark.slow
def test_a_recording_of_the_fault_replays_offline_to_the_same_verdicts(tmp_path):
    faults = tmp_path / "faults.yaml"
    faults.write_text(yaml.safe_dump([{"fault": "mass_assignable", "operations": list(BROKEN)}]))
    cassettes, recorded, replayed = tmp_path / "cassettes", tmp_path / "recorded", tmp_path / "replayed"
    selected = ["-p", "no:xdist", "-m", "mass_assignment", "-k", " or ".join((CREATE_ONLY, CREATE_AND_UPDATE[0]))]
    run_suite(
        "--msaaq-sim", "--msaaq-sim-faults", str(faults), "--record-mode=rewrite", *selected,
        "--msaaq-cassette-dir", str(cassettes), "--msaaq-report-dir", str(recorded),
    )  # fmt: skip
    result = run_suite(*selected, "--msaaq-cassette-dir", str(cassettes), "--msaaq-report-dir", str(replayed))
    assert result.returncode == 1, result.stdout[-3000:]
    live, offline = rows_of(recorded), rows_of(replayed)
    assert {d: r["outcome"] for d, r in offline.items()} == {d: r["outcome"] for d, r in live.items()}
    assert {d for d, r in offline.items() if r["outcome"] == "failed"} == set(BROKEN)
    messages = {d: sorted(f["message"] for f in r["violations"]) for d, r in live.items()}
    assert messages == {d: sorted(f["message"] for f in r["violations"]) for d, r in offline.items()}
