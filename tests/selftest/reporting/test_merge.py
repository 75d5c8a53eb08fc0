"""Merging shard reports: checks unioned, run metadata combined, mismatched contracts refused."""

from __future__ import annotations

import pytest
from tests.selftest.reporting.report_factory import endpoint, failed_check, passed, run_info

from msaaq_contract.errors import ReportError
from msaaq_contract.reporting.merge import merge_files, merge_reports
from msaaq_contract.reporting.verdict import CheckVerdict, Report
from msaaq_contract.reporting.writers import write_reports


def shards() -> tuple[Report, Report]:
    one = Report(
        run=run_info(shard="1/2", duration_s=30.0, started_at="2026-01-02T03:04:06Z"),
        endpoints=[
            endpoint("admin.courses.get-course", [passed("auth"), CheckVerdict("schema", "not-run")]),
            endpoint("admin.courses.list-courses", [passed("auth")]),
        ],
    )
    two = Report(
        run=run_info(shard="2/2", duration_s=42.0, interrupted=True, exit_status=2),
        endpoints=[
            endpoint("admin.courses.get-course", [failed_check("schema"), passed("status")]),
            endpoint("tenant.cart.show", [passed("auth")]),
        ],
    )
    return one, two


def test_checks_are_unioned_and_a_real_verdict_beats_not_run():
    merged = merge_reports(list(shards()))
    by_id = {e.id: e for e in merged.endpoints}
    assert sorted(by_id) == ["admin.courses.get-course", "admin.courses.list-courses", "tenant.cart.show"]
    course = by_id["admin.courses.get-course"]
    assert {f: c.outcome for f, c in course.checks.items()} == {
        "auth": "passed",
        "schema": "failed",
        "status": "passed",
    }
    assert len(course.checks["schema"].violations) == 1
    assert course.outcome == "failed"


def test_run_metadata_takes_the_longest_duration_and_any_interruption():
    run = merge_reports(list(shards())).run
    assert run.duration_s == 42.0
    assert run.interrupted is True
    assert run.started_at == "2026-01-02T03:04:05Z"
    assert run.exit_status == 2
    assert run.shard == "merged: 1/2, 2/2"


def test_same_check_in_two_shards_keeps_the_worse_outcome_and_all_findings():
    one, two = shards()
    one.endpoints[0].checks["schema"] = failed_check("schema")
    two.endpoints[0].checks["schema"].violations[0].pointer = "/data/other"
    merged = merge_reports([one, two])
    schema = next(e for e in merged.endpoints if e.id == "admin.courses.get-course").checks["schema"]
    assert schema.outcome == "failed"
    assert [v.pointer for v in schema.violations] == ["/data/title", "/data/other"]


def test_different_contract_digests_are_refused():
    one, two = shards()
    two.run.contract_digest = "ffff000011112222"
    with pytest.raises(ReportError, match=r"2/2 was run against contract ffff000011112222, 1/2 against abcdef"):
        merge_reports([one, two], ["1/2", "2/2"])


def test_merge_files_reads_and_validates_each_shard(tmp_path):
    one, two = shards()
    paths = []
    for i, report in enumerate((one, two), start=1):
        (path,) = write_reports(report, tmp_path / f"shard-{i}", formats=["json"])
        paths.append(path)
    merged = merge_files(paths)
    assert len(merged.endpoints) == 3
    with pytest.raises(ReportError, match="no such file"):
        merge_files([*paths, tmp_path / "shard-3" / "conformance.json"])
    with pytest.raises(ReportError, match="no reports to merge"):
        merge_files([])
