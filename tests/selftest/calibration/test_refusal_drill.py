"""Learning the request side from the API's own 422s, live: the reference server refuses creates and updates
that lack ``name`` with Laravel's "The name field is required." on three operations whose contract does not
require it (one declares ``name``, one does not, one declares no body at all). A recorded live run, then
``calibrate``: one ``require name`` proposal per refusing operation and nothing else (the failures the refusals
caused are not groups of their own); ``--apply`` on a copy of the contract, and a second live run sends ``name``
and passes; calibrating it proposes nothing; the build tool reproduces the calibrated contract."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from tests.selftest.calibration.test_drill import FACTS, rebuilt, snapshot
from tests.selftest.plugin.test_end_to_end import run_suite
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.cli.main import main
from msaaq_contract.contract import load_contract
from msaaq_contract.contract.loader import DEFAULT_CONTRACT
from msaaq_contract.recording import files
from msaaq_contract.refserver import Fault, start_server

CREATE, UPDATE, REPLICATE = (
    "admin.campaigns.create-campaign",  # declares `name`, requires nothing
    "admin.campaigns.update-campaign",  # does not declare `name`
    "admin.campaigns.replicate-campaign",  # declares no body
)
REFUSING = [CREATE, UPDATE, REPLICATE]
EXPECTED = {f"request:{op}:required:name" for op in REFUSING}


@dataclass
class Learned:
    work: Path
    before: dict
    review: str
    applied: str
    after_code: int
    after_output: str
    after: dict
    recalibrated: str


def live_run(work: Path, base_url: str, name: str, contract: Path) -> tuple[int, str, dict]:
    result = run_suite(
        "--base-url", base_url, "--allow-writes", "--contract", str(contract), "--record-mode=rewrite",
        "--cassette-dir", str(work / f"cassettes-{name}"), "--report-dir", str(work / name),
        "-p", "no:xdist", "-k", " or ".join(REFUSING), env=live_env(base_url),
    )  # fmt: skip
    return result.returncode, result.stdout[-3000:], json.loads((work / name / "conformance.json").read_text())


def calibrate(work: Path, run: str, *extra: str) -> str:
    args = ["calibrate", str(work / run / "conformance.json"), "--contract", str(work / "contracts")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*args, "--cassettes", str(work / f"cassettes-{run}"), *extra]) == 0, out.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def learned(tmp_path_factory) -> Learned:
    work = tmp_path_factory.mktemp("refusals")
    shutil.copytree(DEFAULT_CONTRACT.parent, work / "contracts")
    with start_server(faults=[Fault("requires_field", operations=REFUSING, field="name")]) as server:
        code, output, before = live_run(work, server.base_url, "before", work / "contracts" / "openapi.yaml")
        assert code == 1, output
        calibrate(work, "before")
        review_path = work / "before" / "calibration.md"
        review = review_path.read_text()
        review_path.write_text(review.replace("decision: undecided", "decision: fix"))
        applied = calibrate(work, "before", "--apply")
        after_code, after_output, after = live_run(work, server.base_url, "after", work / "contracts" / "openapi.yaml")
    recalibrated = calibrate(work, "after")
    return Learned(work, before, review, applied, after_code, after_output, after, recalibrated)


@pytest.mark.slow
def test_each_refusing_operation_gets_one_required_proposal_and_nothing_else(learned):
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", learned.review, re.DOTALL)][1:]
    assert {b["group"] for b in blocks} == EXPECTED
    failing = {e["id"] for e in learned.before["endpoints"] if e["outcome"] == "failed"}
    assert failing == set(REFUSING)  # the happy request ({} or no body) was refused on each
    assert "POST /admin/campaigns requires `name`\n" in learned.review
    assert "PUT /admin/campaigns/{campaign} requires `name` (a member the contract does not declare)" in learned.review
    assert "The name field is required." in learned.review  # the 422 answer is the evidence
    assert "3 fixed (3 contract changes)" in learned.applied


@pytest.mark.slow
def test_the_calibrated_contract_requires_name_and_the_happy_request_sends_it(learned):
    contract = load_contract(learned.work / "contracts", fresh=True)
    for doc_id in REFUSING:
        op = contract.operation(doc_id)
        schema = contract.deref(op.request_schema)
        assert "name" in schema["required"] and "name" in schema["properties"], doc_id
        assert schema["x-source"] == "observed" and op.response_for(422) is not None
        recorded = files.read_cassette(files.find(learned.work / "cassettes-after" / doc_id / "conformance"), "")
        assert "name" in json.loads(recorded[0].request.body), doc_id
    assert main(["validate-contract", "--full", "--contract", str(learned.work / "contracts")]) == 0


@pytest.mark.slow
def test_a_second_live_run_passes_there_and_proposes_nothing(learned):
    assert learned.after_code == 0, learned.after_output
    outcomes = {c["outcome"] for e in learned.after["endpoints"] for c in e["checks"].values()}
    assert outcomes <= {"passed", "skipped"} and "passed" in outcomes
    assert "calibration: no deviation to group" in learned.recalibrated


@pytest.mark.slow
@pytest.mark.skipif(not FACTS.is_dir(), reason="the build tool's facts (../shared/msaaq-api) are not here")
def test_the_build_tool_reproduces_the_learned_request_rules(learned, tmp_path):
    built = rebuilt(learned.work / "contracts" / "overrides.yaml", tmp_path / "built")
    applied = snapshot(learned.work / "contracts")
    assert built == {k: v for k, v in applied.items() if k in built}
