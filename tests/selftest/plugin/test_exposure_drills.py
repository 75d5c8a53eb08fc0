"""Drills for the exposure, enumeration and CORS families (issue 22, items 7-9): each new fault of the reference
server is caught by its family on the row of the operation it broke, and the same families pass on the clean
server behind the varying proxy (CORS headers for the deployment's own front-end, tracing headers).

One suite run carries all five faults, each on its own operations; one live run goes through the proxy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.selftest.plugin.test_end_to_end import run_suite, verdicts
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.checks.cors import area_ids
from msaaq_contract.checks.enumeration import login_ids
from msaaq_contract.checks.exposure import declared_members, probe_ids
from msaaq_contract.contract import load_contract
from msaaq_contract.refserver import Fault, start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

REPO = Path(__file__).resolve().parents[3]
PER_FAULT = 2
MINE = "exposure or enumeration or cors"  # the families under drill (auth too where refusals carry the fault)


def _plain_reads(contract, fault: str, skip: set[str]) -> list[str]:
    """Sure, protected, parameterless reads the fault shows on and whose answers declare no ``password``."""
    kind = Fault(fault)
    chosen = []
    for doc_id, op in contract.documented():
        if doc_id in skip or op.method != "get" or op.auth != "required" or op.path_params:
            continue
        sure = len(op.doc_ids) == 1 and op.confidence == "high"
        if sure and kind.applies(op, contract) and "password" not in declared_members(contract, op):
            chosen.append(doc_id)
        if len(chosen) == PER_FAULT:
            return chosen
    raise AssertionError(f"no operation to apply {fault} to")


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    contract = load_contract()
    secret = _plain_reads(contract, "secret_member", set())
    debug = _plain_reads(contract, "debug_error_body", set(secret))
    plan = {
        "secret_member": secret,
        "debug_error_body": debug,
        "debug_routes_served": probe_ids(contract),
        "login_enumerates": login_ids(contract),
        "cors_echoes_origin": area_ids(contract),
    }
    work = tmp_path_factory.mktemp("exposure-drill")
    faults = work / "faults.yaml"
    faults.write_text(yaml.safe_dump([{"fault": name, "operations": ids} for name, ids in plan.items()]))
    selected = sorted({i for ids in plan.values() for i in ids})
    selection = ["-k", " or ".join(selected), "-m", f"{MINE} or auth"]
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(faults), "--report-dir",
        str(work), "-p", "no:xdist", "-q", "--no-header", "--record-mode=rewrite", "--cassette-dir",
        str(work / "cassettes"), *selection,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    report = json.loads((work / "conformance.json").read_text())
    return plan, {e["id"]: e for e in report["endpoints"]}, result, (work, selection)


def findings(report_dir: Path) -> dict[tuple[str, str], list[str]]:
    data = json.loads((report_dir / "conformance.json").read_text())
    return {
        (e["id"], fam): sorted(f"{v['title']} {v.get('pointer')}" for v in c["violations"])
        for e in data["endpoints"]
        for fam, c in e["checks"].items()
    }


def _titles(entry: dict, family: str) -> list[str]:
    cell = entry["checks"].get(family, {})
    assert cell.get("outcome") == "failed", (entry["id"], family, cell.get("outcome"))
    return [v["title"] for v in cell["violations"]]


# fault -> (family whose column must fail on each chosen id, a title among its findings)
EXPECTED = {
    "secret_member": ("exposure", "Secret member exposed"),
    "debug_error_body": ("exposure", "Debug output in the answer"),
    "debug_routes_served": ("exposure", "Debug route served"),
    "login_enumerates": ("enumeration", "Login tells whether the e-mail exists"),
    "cors_echoes_origin": ("cors", "Any origin may read the API with credentials"),
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_each_fault_is_caught_on_its_operations(drill, fault):
    plan, by_id, result, _ = drill
    family, title = EXPECTED[fault]
    assert result.returncode == 1, result.stdout[-3000:]
    for doc_id in plan[fault]:
        assert title in _titles(by_id[doc_id], family), (doc_id, result.stdout[-2000:])


@pytest.mark.slow
def test_findings_name_the_member_and_kind_never_the_value(drill):
    plan, by_id, _, _ = drill
    text = json.dumps([by_id[i] for ids in plan.values() for i in ids])
    assert "$2y$10$" not in text and "ZmFrZS1kcmlsbC1rZXk" not in text  # the planted hash and APP_KEY
    secret = by_id[plan["secret_member"][0]]["checks"]["exposure"]["violations"][0]
    assert secret["pointer"].endswith("/password") and "value withheld" in secret["message"]
    debug = by_id[plan["debug_error_body"][0]]
    # A 401 with debug members fails the auth test that received it; the exposure column collects it too.
    assert "Debug output in the answer" in [v["title"] for v in debug["checks"]["auth"]["violations"]]
    routes = by_id[plan["debug_routes_served"][0]]["checks"]["exposure"]["violations"]
    assert len([v for v in routes if v["title"] == "Debug route served"]) == 10  # 5 routes x (host root, API base)


@pytest.mark.slow
def test_the_recordings_replay_to_the_same_verdicts_and_hold_no_planted_secret(drill, tmp_path):
    _, _, _, (work, selection) = drill
    recorded = verdicts(work)
    result = run_suite("-p", "no:xdist", "--cassette-dir", str(work / "cassettes"), "--report-dir", str(tmp_path),
                       *selection)  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    assert verdicts(tmp_path) == recorded and "failed" in recorded.values()
    assert findings(tmp_path) == findings(work)  # each finding again, not only each outcome
    written = "\n".join(p.read_text() for p in (work / "cassettes").rglob("*.json"))
    assert "APP_KEY=<redacted>" in written  # a served .env keeps its names only
    assert "$2y$10$" not in written and "ZmFrZS1kcmlsbC1rZXk" not in written


@pytest.mark.slow
def test_clean_server_behind_the_varying_proxy_raises_no_alarm(tmp_path):
    contract = load_contract()
    ids = sorted({*probe_ids(contract), *login_ids(contract), *area_ids(contract)})
    with start_server() as server, start_proxy(server.base_url, Variations.parse(["all"], latency_ms=0)) as proxy:
        result = run_suite(
            "-p", "no:xdist", "-k", " or ".join(ids), "-m", MINE, "--report-dir", str(tmp_path),
            env=live_env(proxy.base_url),
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    outcomes = verdicts(tmp_path)
    mine = {key: o for key, o in outcomes.items() if key[1] in ("exposure", "enumeration", "cors")}
    assert set(mine.values()) == {"passed"}, mine
    assert {fam for _, fam in mine} == {"exposure", "enumeration", "cors"}
