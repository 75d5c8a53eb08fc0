"""The writers: JSON round trip, the Markdown summary snapshot, atomic writes, and load_report's errors."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from tests.selftest.reporting.report_factory import SCRIPT, sample_report

from msaaq_contract.errors import ReportError
from msaaq_contract.reporting import atomic, writers
from msaaq_contract.reporting.markdown import render_markdown
from msaaq_contract.reporting.writers import load_report, write_reports

SNAPSHOTS = Path(__file__).parent / "snapshots"


def placeholders(text: str) -> str:
    """Replace what changes from run to run (start time, duration) so the snapshot stays stable."""
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<STARTED>", text)
    return re.sub(r"\| duration \| [\d.]+ s \|", "| duration | <DURATION> |", text)


def test_write_reports_writes_the_three_formats(tmp_path):
    written = write_reports(sample_report(), tmp_path / "out")
    assert [p.name for p in written] == ["conformance.json", "summary.md", "conformance.html"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


def test_json_round_trip_through_load_report(tmp_path):
    report = sample_report(interrupted=True, shard="shard-2", exit_status=1)
    (path,) = write_reports(report, tmp_path, formats=["json"])
    loaded = load_report(path)
    assert loaded.to_dict() == report.to_dict()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["totals"]["by_outcome"] == {"failed": 2, "passed": 2, "uncertain": 1, "error": 1}
    assert "عنوان الدورة" in path.read_text(encoding="utf-8")  # kept readable, not \\u-escaped


def test_markdown_summary_matches_the_snapshot():
    text = placeholders(render_markdown(sample_report(started_at="2031-12-30T23:59:59Z", duration_s=99.9)))
    snapshot = SNAPSHOTS / "summary.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")


def test_markdown_lists_failures_and_uncertain_separately():
    text = render_markdown(sample_report())
    failures = text.split("## Failures (2)")[1].split("## Contract uncertain")[0]
    uncertain = text.split("## Contract uncertain (1)")[1].split("## Target errors")[0]
    assert "| `admin.courses.get-course` | schema |" in failures
    assert "tenant.courses.get-course" not in failures
    assert "| `tenant.courses.get-course` | language |" in uncertain
    assert SCRIPT not in text.split("<details>")[0]  # escaped in tables; raw only inside the code fence


def test_markdown_of_an_interrupted_run_says_so():
    text = render_markdown(sample_report(interrupted=True))
    assert text.startswith("# MSAAQ conformance: failed (interrupted)\n")
    assert "| interrupted | yes: verdicts are incomplete |" in text


def test_atomic_write_leaves_no_partial_file_when_the_writer_raises(tmp_path):
    target = tmp_path / "summary.md"

    def half_then_boom(stream):
        stream.write("# half a rep")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        atomic.atomic_write(target, half_then_boom)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_the_previous_file_when_interrupted(tmp_path):
    target = tmp_path / "conformance.json"
    target.write_text("previous", encoding="utf-8")

    def interrupted(stream):
        stream.write("{")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(target, interrupted)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["conformance.json"]


def test_write_reports_writes_nothing_when_a_renderer_raises(tmp_path, monkeypatch):
    def broken(report):
        raise RuntimeError("html renderer crashed")

    formats = dict(writers.FORMATS)
    formats["html"] = writers.ReportFormat("html", "conformance.html", broken)
    monkeypatch.setattr(writers, "FORMATS", formats)
    with pytest.raises(RuntimeError):
        write_reports(sample_report(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_load_report_missing_file(tmp_path):
    with pytest.raises(ReportError, match=r"conformance\.json: no such file"):
        load_report(tmp_path / "conformance.json")


def test_load_report_invalid_json(tmp_path):
    path = tmp_path / "conformance.json"
    path.write_text('{"run": ', encoding="utf-8")
    with pytest.raises(ReportError) as info:
        load_report(path)
    assert info.value.one_line() == f"{path}: not valid JSON (line 1, column 9: Expecting value)"


def test_load_report_schema_error_names_the_pointer(tmp_path):
    data = sample_report().to_dict()
    data["endpoints"][0]["checks"]["schema"]["outcome"] = "broken"
    path = tmp_path / "conformance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportError) as info:
        load_report(path)
    message = info.value.one_line()
    assert message.startswith(f"{path}#/endpoints/0/checks/schema/outcome: not a valid conformance report: ")
    assert "\n" not in message


def test_load_report_refuses_a_finding_without_a_message(tmp_path):
    data = sample_report().to_dict()
    del data["endpoints"][0]["checks"]["schema"]["violations"][0]["message"]
    path = tmp_path / "conformance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReportError, match=r"#/endpoints/0/checks/schema/violations/0: .*message"):
        load_report(path)
