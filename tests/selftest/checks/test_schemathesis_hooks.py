"""Our checks run inside the schemathesis CLI (one implementation): clean server passes, a fault is caught."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from msaaq_contract.contract import load_contract
from msaaq_contract.refserver import Fault, start_server

OPERATION = "admin.coupons.list"  # no path parameter: generated requests reach a 2xx


def schemathesis_run(tmp_path, base_url):
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(load_contract().document))
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", str(schema), "--url", base_url,
        "--checks", "msaaq_answer,msaaq_envelope,msaaq_schema,msaaq_status", "--include-operation-id", OPERATION,
        "--max-examples", "3", "--phases", "fuzzing", "--seed", "1", "--warnings", "off",
        "--report-dir", str(tmp_path / "st"),
    ]  # fmt: skip
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "msaaq_contract.checks.schemathesis_hooks",
        "MSAAQ_CONTRACT": str(Path("contracts/openapi.yaml").resolve()),
    }
    # In tmp_path: schemathesis keeps a crash cache in its working directory and replays it on the next run.
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.slow
def test_custom_checks_flag_a_broken_envelope(tmp_path):
    contract = load_contract()
    with start_server(
        contract=contract, faults=[Fault("auth_not_enforced", [OPERATION]), Fault("drop_data", [OPERATION])]
    ) as server:
        result = schemathesis_run(tmp_path, server.base_url)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "data missing (msaaq envelope)" in result.stdout


@pytest.mark.slow
def test_custom_checks_pass_a_conforming_server(tmp_path):
    contract = load_contract()
    with start_server(contract=contract, faults=[Fault("auth_not_enforced", [OPERATION])]) as server:
        result = schemathesis_run(tmp_path, server.base_url)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "No issues found" in result.stdout
