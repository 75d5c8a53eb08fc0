"""The gate on a real run: one injected regression makes it exit 1 naming exactly that endpoint and check; the
same run with that deviation in the baseline exits 0; the HTML page shows the failure."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from msaaq_contract.cli.main import main

REPO = Path(__file__).resolve().parents[3]
DOC_ID = "admin.coupons.coupon-stats"  # a read no stateful chain passes through


@pytest.fixture(scope="module")
def regression_report(tmp_path_factory):
    work = tmp_path_factory.mktemp("gate")
    faults = work / "faults.yaml"
    faults.write_text(yaml.safe_dump([{"fault": "wrong_field_type", "operations": [DOC_ID]}]))
    command = [sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(faults),
               "-p", "no:xdist", "-q", "-k", "admin.coupons", "--report-dir", str(work)]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stdout[-2000:]
    return work


@pytest.mark.slow
def test_gate_names_exactly_the_regression(regression_report, capsys):
    empty = regression_report / "empty.yaml"
    empty.write_text("[]\n")
    assert main(["gate", str(regression_report / "conformance.json"), "--baseline", str(empty)]) == 1
    out = capsys.readouterr().out
    regressions = [line for line in out.splitlines() if line.startswith("  admin.") or line.startswith("admin.")]
    named = {tuple(line.split()[:2]) for line in regressions}
    assert (DOC_ID, "schema") in named
    assert {doc for doc, _ in named} == {DOC_ID}


@pytest.mark.slow
def test_gate_accepts_the_known_deviation(regression_report, capsys):
    baseline = regression_report / "baseline.yaml"
    report = json.loads((regression_report / "conformance.json").read_text())
    entry = next(e for e in report["endpoints"] if e["id"] == DOC_ID)
    checks = sorted(fam for fam, c in entry["checks"].items() if c["outcome"] == "failed")
    assert "schema" in checks
    baseline.write_text(yaml.safe_dump([
        {"id": DOC_ID, "check": check, "reason": "drill", "owner": "@qa", "expires": "2099-01-01"} for check in checks
    ]))  # fmt: skip
    assert main(["gate", str(regression_report / "conformance.json"), "--baseline", str(baseline)]) == 0


@pytest.mark.slow
def test_html_page_shows_the_failure(regression_report):
    html = (regression_report / "conformance.html").read_text()
    assert DOC_ID in html
    assert "Field type mismatch" in html
