"""Offline runs re-judge the committed recordings with the *current* contract. Each test edits a temporary copy
of the contract and replays the committed cassettes: a response-side edit is judged (passes or fails with the
cassette and the JSON pointer) and is never "stale"; a path that no longer fits the recorded requests is stale,
with the re-record command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DOC = "admin.courses.get-course"
CASSETTE = f"cassettes/{DOC}/conformance.json"
# The admin.Course model: `slug` is a plain string and the recorded course has status "draft".
COURSE_SLUG_STATUS = """    slug:
      type: string
    status:
      enum:
      - draft
      - published"""

pytestmark = pytest.mark.slow


def edited_contract(tmp_path: Path, file: str, old: str, new: str) -> Path:
    copy = tmp_path / "contracts"
    shutil.copytree(REPO / "contracts", copy)
    target = copy / file
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must be unambiguous in {file}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return copy / "openapi.yaml"


def replay(tmp_path: Path, contract: Path) -> tuple[subprocess.CompletedProcess[str], dict[tuple[str, str], dict]]:
    reports = tmp_path / "reports"
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "-q", "--no-header", "-p", "no:xdist",
        "-k", DOC, "--contract", str(contract), "--report-dir", str(reports),
    ]  # fmt: skip
    env = {**os.environ, "MSAAQ_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("MSAAQ_BASE_URL", None)
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, env=env, check=False)
    data = json.loads((reports / "conformance.json").read_text())
    checks = {(e["id"], fam): c for e in data["endpoints"] for fam, c in e["checks"].items()}
    return result, checks


def test_a_recorded_field_made_nullable_still_passes(tmp_path):
    nullable = COURSE_SLUG_STATUS.replace(
        "      type: string\n    status:", "      type: [string, 'null']\n    status:"
    )
    contract = edited_contract(tmp_path, "components/models-admin.yaml", COURSE_SLUG_STATUS, nullable)
    result, checks = replay(tmp_path, contract)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "CassetteError" not in result.stdout and "stale" not in result.stdout
    assert checks[(DOC, "schema")]["outcome"] == "passed"


def test_a_removed_enum_value_the_recording_uses_fails_with_cassette_and_pointer(tmp_path):
    without_draft = COURSE_SLUG_STATUS.replace("      - draft\n", "")
    contract = edited_contract(tmp_path, "components/models-admin.yaml", COURSE_SLUG_STATUS, without_draft)
    result, checks = replay(tmp_path, contract)
    assert result.returncode == 1
    assert "CassetteError" not in result.stdout, "a response-side edit is judged, never stale"
    schema = checks[(DOC, "schema")]
    assert schema["outcome"] == "failed"
    assert schema["cassette"] == CASSETTE
    found = [(v["pointer"], v["cassette"]) for v in schema["violations"]]
    assert ("/data/status", CASSETTE) in found  # the course itself; nested courses are drafts too
    assert all(pointer.endswith("/status") and cassette == CASSETTE for pointer, cassette in found)
    assert f"cassette: {CASSETTE}" in result.stdout
    assert "/data/status" in result.stdout


def test_a_renamed_path_makes_the_recording_stale_with_the_rerecord_command(tmp_path):
    contract = edited_contract(tmp_path, "openapi.yaml", "  /admin/courses/{course}:\n", "  /admin/course/{course}:\n")
    result, checks = replay(tmp_path, contract)
    assert result.returncode == 1
    assert (
        f"CassetteError: {DOC}/conformance: the recorded GET /v1/admin/courses/1001 no longer fits "
        "GET /admin/course/{course} (recorded against GET /admin/courses/{course})"
    ) in result.stdout
    assert (
        f"re-record: pytest tests/conformance --msaaq-sim --msaaq-record-mode=rewrite -k '{DOC}' -p no:xdist"
        in result.stdout
    )
    assert checks[(DOC, "envelope")]["outcome"] == "error"
