"""Learning the request side from the API's own 422s, live: the reference server refuses creates and updates
that lack ``name`` with Laravel's "The name field is required." on three writes whose contract does not require
it, chosen from the contract by that property (one declares ``name``, one has a body without it, one declares no
body at all). A recorded live run, then
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
from msaaq_contract.contract import Contract, Operation, load_contract
from msaaq_contract.contract.flatten import flatten
from msaaq_contract.contract.loader import DEFAULT_CONTRACT
from msaaq_contract.recording import files
from msaaq_contract.refserver import Fault, start_server
from msaaq_contract.refserver.fault_rules import WRITES

FIELD = "name"
DECLARES, UNDECLARED, NO_BODY = "declares", "does not declare", "no body"


def kind(contract: Contract, op: Operation) -> str | None:
    """How a write's contract knows ``FIELD`` when it does not require it (None: not a candidate). A write of
    low confidence is none: its refusal is uncertain, not the failure the drill learns from."""
    if op.method not in WRITES or any(k in op.raw for k in ("x-own-account", "x-session", "x-undocumented")):
        return None
    if op.low_confidence(op.operation_id):
        return None
    if op.request_schema is None:
        return NO_BODY
    if "application/json" not in (op.raw.get("requestBody") or {}).get("content", {}):
        return None
    schema = flatten(contract, op.request_schema)  # what calibration reads
    if FIELD in (schema.get("required") or []):
        return None
    return DECLARES if FIELD in (schema.get("properties") or {}) else UNDECLARED


def refusing(contract: Contract) -> dict[str, Operation]:
    """One admin write of each kind, from one resource that has all three when there is one; none whose id is
    part of another's (``-k`` would select that one too)."""
    ids = list(contract.operations)
    kinds = {i: kind(contract, op) for i, op in contract.operations.items() if i.startswith("admin.")}
    kinds = {i: k for i, k in kinds.items() if k and not any(i != j and i in j for j in ids)}
    resource_kinds: dict[str, set[str | None]] = {}
    for i, k in kinds.items():
        resource_kinds.setdefault(i.rsplit(".", 1)[0], set()).add(k)
    chosen: dict[str, Operation] = {}
    for i in sorted(kinds, key=lambda i: (len(resource_kinds[i.rsplit(".", 1)[0]]) < 3, i)):
        chosen.setdefault(str(kinds[i]), contract.operations[i])
    assert set(chosen) == {DECLARES, UNDECLARED, NO_BODY}, f"the contract has no write of each kind: {chosen}"
    return chosen


CHOSEN = refusing(load_contract(DEFAULT_CONTRACT))
REFUSING = [op.operation_id for op in CHOSEN.values()]
EXPECTED = {f"request:{op}:required:{FIELD}" for op in REFUSING}


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
    with start_server(faults=[Fault("requires_field", operations=REFUSING, field=FIELD)]) as server:
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
    for which, op in CHOSEN.items():
        tail = "\n" if which == DECLARES else " (a member the contract does not declare)"
        assert f"{op.method.upper()} {op.path} requires `{FIELD}`{tail}" in learned.review, which
    assert f"The {FIELD} field is required." in learned.review  # the 422 answer is the evidence
    assert "3 fixed (3 contract changes)" in learned.applied


@pytest.mark.slow
def test_the_calibrated_contract_requires_name_and_the_happy_request_sends_it(learned):
    contract = load_contract(learned.work / "contracts", fresh=True)
    for doc_id in REFUSING:
        op = contract.operation(doc_id)
        schema = contract.deref(op.request_schema)
        assert FIELD in schema["required"] and FIELD in schema["properties"], doc_id
        assert schema["x-source"] == "observed" and op.response_for(422) is not None
        recorded = files.read_cassette(files.find(learned.work / "cassettes-after" / doc_id / "conformance"), "")
        assert FIELD in json.loads(recorded[0].request.body), doc_id
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
