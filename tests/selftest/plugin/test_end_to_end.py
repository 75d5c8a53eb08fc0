"""The conformance suite end to end, as a user runs it (a pytest subprocess in the repository):
record against the reference server with canary credentials, replay offline (serially and in parallel) with
identical verdicts, leave no secret behind, and turn every kind of bad input into a one-line error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.selftest.recording.secret_scan import scan

REPO = Path(__file__).resolve().parents[3]
SUBSET = "admin.coupons or tenant.courses.course-details or oauth or tenant.ping-pong or admin.courses.get-course"
CANARY = {"MSAAQ_REFSERVER_CLIENT_SECRET": "canary-client-secret-91f2", "MSAAQ_REFSERVER_PASSWORD": "canary-pw-5d0e"}


def run_suite(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "--no-header", *args]
    full_env = {**os.environ, **(env or {})}
    for key in ("MSAAQ_BASE_URL", "MSAAQ_TENANT", "MSAAQ_CLIENT_ID", "MSAAQ_CLIENT_SECRET"):
        if env is None or key not in env:
            full_env.pop(key, None)
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, env=full_env, check=False)


def verdicts(report_dir: Path) -> dict[tuple[str, str], str]:
    data = json.loads((report_dir / "conformance.json").read_text())
    return {(e["id"], fam): c["outcome"] for e in data["endpoints"] for fam, c in e["checks"].items()}


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    cassettes, reports = work / "cassettes", work / "record-reports"
    result = run_suite(
        "--sim",
        "--record-mode=rewrite",
        "-p",
        "no:xdist",
        "-k",
        SUBSET,
        "--cassette-dir",
        str(cassettes),
        "--report-dir",
        str(reports),
        env=CANARY,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return work, cassettes, reports


@pytest.mark.slow
def test_replay_gives_the_recorded_verdicts_serial_and_parallel(recording):
    work, cassettes, reports = recording
    recorded = verdicts(reports)
    assert recorded and set(recorded.values()) <= {"passed", "skipped", "uncertain"}
    for name, extra in (("serial", ["-p", "no:xdist"]), ("parallel", ["-n", "2"])):
        out = work / name
        result = run_suite("-k", SUBSET, "--cassette-dir", str(cassettes), "--report-dir", str(out), *extra)
        assert result.returncode == 0, result.stdout[-3000:]
        assert verdicts(out) == recorded, name
        assert "verdict on recordings of the reference server (a simulation)" in result.stdout, name


@pytest.mark.slow
def test_recording_states_its_source_and_routes(recording):
    _work, cassettes, reports = recording
    meta = json.loads((cassettes / "_meta.json").read_text())
    assert meta["recorded_from"] == {"kind": "reference-server"}
    assert meta["operations"]["admin.courses.get-course"] == "GET /admin/courses/{course}"
    assert "admin.orders.list" not in meta["operations"]  # only what this (partial) recording recorded
    summary = (reports / "summary.md").read_text()
    assert "Verdict on the reference server (a simulation): this verdict is on the simulation" in summary


@pytest.mark.slow
def test_recording_leaves_no_secret(recording):
    _work, cassettes, reports = recording
    hits = scan([cassettes, reports], secrets=list(CANARY.values()))
    assert hits == []
    text = "\n".join(p.read_text(errors="replace") for p in cassettes.rglob("*") if p.suffix in (".json", ".yaml"))
    assert "Bearer <redacted>" in text  # the recordings did carry tokens: they were redacted


@pytest.mark.slow
def test_missing_and_corrupt_cassettes_are_one_line_errors_and_the_run_goes_on(recording, tmp_path):
    _, cassettes, _ = recording
    broken = tmp_path / "cassettes"
    shutil.copytree(cassettes, broken)
    (broken / "admin.coupons.get-coupon" / "conformance.json").unlink()
    (broken / "admin.coupons.list" / "auth-missing.json").write_text('{"interactions": [{"request": ')
    result = run_suite("-p", "no:xdist", "-k", SUBSET, "--cassette-dir", str(broken), "--report-dir", str(tmp_path))
    assert result.returncode == 1
    assert "CassetteError: admin.coupons.get-coupon/conformance: no cassette at" in result.stdout
    assert "corrupt cassette" in result.stdout
    assert (
        "re-record: pytest tests/conformance --msaaq-sim --msaaq-record-mode=rewrite -k 'admin.coupons.list'"
        in result.stdout
    )
    outcomes = verdicts(tmp_path)
    assert outcomes[("admin.coupons.get-coupon", "envelope")] == "error"
    assert outcomes[("admin.coupons.list", "auth")] == "error"
    assert outcomes[("tenant.ping-pong", "envelope")] == "passed"


def test_unwritable_cassette_folder_is_one_line(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cassette folder should be")
    result = run_suite(
        "--sim",
        "--record-mode=rewrite",
        "-p",
        "no:xdist",
        "-k",
        "tenant.ping-pong and envelope",
        "--cassette-dir",
        str(blocker),
        "--report-dir",
        str(tmp_path),
    )
    assert result.returncode == 1
    assert "CassetteError: cannot write cassettes under" in result.stdout
    assert "Traceback" not in result.stdout


def test_live_run_without_credentials_is_a_usage_error(tmp_path):
    result = run_suite(
        "--base-url", "https://staging.example.invalid/v1", "-k", "tenant.ping-pong", "--report-dir", str(tmp_path)
    )
    assert result.returncode == 4
    assert "needs MSAAQ_CLIENT_ID, MSAAQ_CLIENT_SECRET, MSAAQ_TENANT" in result.stdout + result.stderr


def test_interrupted_run_still_writes_reports(tmp_path):
    plugin = tmp_path / "interrupt_after_three.py"
    plugin.write_text(
        "seen = []\n"
        "def pytest_runtest_logreport(report):\n"
        "    if report.when == 'call':\n"
        "        seen.append(report)\n"
        "        if len(seen) == 3:\n"
        "            raise KeyboardInterrupt\n"
    )
    result = run_suite(
        "--sim",
        "-p",
        "no:xdist",
        "-p",
        "interrupt_after_three",
        "-k",
        "tenant.ping-pong",
        "--report-dir",
        str(tmp_path),
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 2
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["run"]["interrupted"] is True
    assert (tmp_path / "summary.md").is_file()
    assert (tmp_path / "conformance.html").is_file()
