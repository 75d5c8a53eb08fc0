"""A fuzz violation hypothesis cannot reproduce keeps its findings: a registration answered with a broken body,
then refused when hypothesis replays the same example ("The email has already been taken"), is a schema finding
on the fuzz row, not a bare "Check failed" that calibration could not place."""

from __future__ import annotations

import json

import pytest
from tests.selftest.plugin.test_end_to_end import run_suite
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.refserver import Fault, start_server

REGISTER = "admin.auth.register"


@pytest.mark.slow
def test_a_violation_hypothesis_calls_flaky_keeps_its_findings(tmp_path):
    fault = Fault("null_model_field", operations=[REGISTER], model="*", field="slug")
    with start_server(faults=[fault]) as server:
        result = run_suite(
            "--base-url", server.base_url, "--allow-writes", "-p", "no:xdist", "--report-dir", str(tmp_path),
            "-k", f"test_fuzz_valid and {REGISTER}", env=live_env(server.base_url),
        )  # fmt: skip
    assert result.returncode == 1, result.stdout[-2000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    [fuzz] = [e["checks"]["fuzz"] for e in report["endpoints"] if e["id"] == REGISTER]
    assert fuzz["outcome"] == "failed"
    findings = fuzz["violations"]
    assert findings and all(f["check"] == "schema" and f["pointer"].endswith("/slug") for f in findings), findings
