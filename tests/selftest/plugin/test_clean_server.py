"""The whole conformance suite against the clean reference server passes: no false alarm on any of the 531
documented endpoint ids (run in two workers, each with its own server)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_whole_suite_passes_against_the_clean_reference_server(tmp_path):
    command = [sys.executable, "-m", "pytest", "tests/conformance", "--sim", "-n", "2", "-q", "--no-header",
               "--report-dir", str(tmp_path)]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads((tmp_path / "conformance.json").read_text())
    outcomes = {e["id"]: e["outcome"] for e in report["endpoints"]}
    assert len(outcomes) == 531
    assert set(outcomes.values()) == {"passed"}
