"""The calibration drill: the reference server differs from the contract *systematically* (one model field null
wherever the model appears, also inside nullable references, one number sent as a string, an undeclared enum
value, one operation answering 204 instead of 200). A recorded run, then ``calibrate``: each difference is one
proposal, none touches what conformed; ``--apply`` all as fix and the same run passes, and calibrating it proposes
nothing; applying again changes nothing; the result is valid OpenAPI and the build tool reproduces it byte for
byte."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from msaaq_contract.cli.main import main
from msaaq_contract.contract.loader import DEFAULT_CONTRACT

REPO = Path(__file__).resolve().parents[3]
FACTS = REPO.parent / "shared" / "msaaq-api"
# Coupon in five operations (nested in CouponUse too), Member nested in CouponUse; a quiz nests admin.Course in
# nullable references (admin.Quiz.course: anyOf [$ref admin.Course, null]; also through its chapter and content).
SUBSET = "admin.coupons or admin.quizzes.get-quiz"
FAULTS = [
    {"fault": "null_model_field", "operations": ["*"], "model": "admin.Coupon", "field": "minimum_amount"},
    {"fault": "number_as_string", "operations": ["*"], "model": "admin.Coupon", "field": "usage_limit"},
    {"fault": "undeclared_enum_value", "operations": ["*"], "model": "admin.Member", "field": "status",
     "value": "suspended"},
    {"fault": "undocumented_status", "operations": ["admin.coupons.export-uses"], "status": 204},
    {"fault": "null_model_field", "operations": ["admin.quizzes.*"], "model": "admin.Course", "field": "slug"},
]  # fmt: skip
EXPECTED = {
    "null:admin.Coupon/properties/minimum_amount": "null-field",
    "type:admin.Coupon/properties/usage_limit:string": "field-type",
    "enum:admin.Member/properties/status": "enum-value",
    "status:204": "undocumented-status",
    "null:admin.Course/properties/slug": "null-field",  # inside the unions: not "admin.Quiz.course is a object"
}


def run_suite(work: Path, name: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(work / "faults.yaml"),
        "--contract", str(work / "contracts" / "openapi.yaml"), "--record-mode=rewrite",
        "--cassette-dir", str(work / f"cassettes-{name}"), "--report-dir", str(work / name),
        "-p", "no:xdist", "-q", "--no-header", "-k", SUBSET,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    return result, json.loads((work / name / "conformance.json").read_text())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rebuilt(overrides: Path, out: Path) -> dict[str, bytes]:
    """The contract the build tool makes from the facts with ``overrides`` merged last, as a file snapshot."""
    command = [sys.executable, "tools/build_contract.py", "--facts", str(FACTS), "--out", str(out),
               "--overrides", str(overrides)]  # fmt: skip
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    return snapshot(out)


def calibrate(work: Path, *extra: str, run: str = "before") -> tuple[int, str]:
    report = work / run / "conformance.json"
    args = ["calibrate", str(report), "--contract", str(work / "contracts")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*args, "--cassettes", str(work / f"cassettes-{run}"), *extra])
    return code, out.getvalue()


@dataclass
class Drill:
    work: Path
    before: dict
    review: str
    first_apply: str
    second_apply: str
    applied: dict[str, bytes]


@pytest.fixture(scope="module")
def drill(tmp_path_factory) -> Drill:
    """Run the faulted suite (recording), calibrate, decide every group ``fix``, apply twice."""
    work = tmp_path_factory.mktemp("drill")
    shutil.copytree(DEFAULT_CONTRACT.parent, work / "contracts")
    (work / "faults.yaml").write_text(yaml.safe_dump(FAULTS, sort_keys=False))
    result, before = run_suite(work, "before")
    assert result.returncode == 1, result.stdout[-3000:]
    assert calibrate(work)[0] == 0
    review_path = work / "before" / "calibration.md"
    review = review_path.read_text()
    review_path.write_text(review.replace("decision: undecided", "decision: fix"))
    code, first = calibrate(work, "--apply")
    assert code == 0, first
    applied = snapshot(work / "contracts")
    code, second = calibrate(work, "--apply")
    assert code == 0, second
    return Drill(work, before, review, first, second, applied)


@pytest.mark.slow
def test_each_systematic_difference_is_one_proposal_and_none_touches_what_conformed(drill):
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", drill.review, re.DOTALL)][1:]
    assert {b["group"] for b in blocks} == set(EXPECTED)
    for key, kind in EXPECTED.items():
        section = drill.review[: drill.review.index(f"group: {key}\n")].rsplit("## ", 1)[-1]
        assert f"`{kind}`" in section, key
    evidence = re.findall(r"- \*\*Evidence\*\*: (.*) \(families", drill.review)
    named = {entry.split(" ×")[0] for line in evidence for entry in line.split(", ")}
    failing = {e["operation_id"] for e in drill.before["endpoints"] if e["outcome"] in ("failed", "uncertain")}
    assert named and named <= failing


@pytest.mark.slow
def test_apply_writes_each_proposal_once(drill):
    assert f"{len(EXPECTED)} fixed ({len(EXPECTED)} contract changes)" in drill.first_apply
    assert "nothing to write" in drill.second_apply
    assert snapshot(drill.work / "contracts") == drill.applied


@pytest.mark.slow
def test_the_calibrated_contract_is_valid_and_the_same_run_passes(drill):
    assert main(["validate-contract", "--full", "--contract", str(drill.work / "contracts")]) == 0
    result, after = run_suite(drill.work, "after")
    assert result.returncode == 0, result.stdout[-3000:]
    assert {c["outcome"] for e in after["endpoints"] for c in e["checks"].values()} <= {"passed", "skipped"}
    code, clean = calibrate(drill.work, run="after")  # a clean run proposes nothing
    assert code == 0 and "calibration: no deviation to group" in clean


@pytest.mark.slow
@pytest.mark.skipif(not FACTS.is_dir(), reason="the build tool's facts (../shared/msaaq-api) are not here")
def test_the_build_tool_reproduces_the_calibrated_contract(drill, tmp_path):
    built = rebuilt(drill.work / "contracts" / "overrides.yaml", tmp_path / "built")
    assert built == {k: v for k, v in drill.applied.items() if k in built}
    assert set(drill.applied) - set(built) == {"README.md", "known-deviations.yaml", "overrides.yaml"}
