"""The known-deviations baseline: its format, and the gate's decision against a report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.selftest.reporting.report_factory import endpoint, passed, run_info, sample_report

from msaaq_contract.errors import ReportError
from msaaq_contract.reporting.baseline import KnownDeviation, load_baseline, parse_baseline
from msaaq_contract.reporting.gate import evaluate
from msaaq_contract.reporting.verdict import CheckVerdict, Report

REPO_BASELINE = Path(__file__).resolve().parents[3] / "contracts" / "known-deviations.yaml"
TODAY = dt.date(2026, 3, 1)


def entry(id_="admin.courses.get-course", check="schema", expires="2026-12-31", index=0) -> KnownDeviation:
    return KnownDeviation(id_, check, "staging bug 42", "@api-team", dt.date.fromisoformat(expires), index)


def test_repository_baseline_is_valid_and_empty():
    assert load_baseline(REPO_BASELINE) == []
    assert REPO_BASELINE.read_text(encoding="utf-8").startswith("# Known deviations")


def test_unquoted_yaml_dates_and_globs_are_accepted(tmp_path):
    path = tmp_path / "kd.yaml"
    path.write_text(
        "- id: admin.dashboards.*\n  check: '*'\n  reason: r\n  owner: o\n  expires: 2026-06-30\n", encoding="utf-8"
    )
    (d,) = load_baseline(path)
    assert d.expires == dt.date(2026, 6, 30)
    assert d.matches("admin.dashboards.main.best-sales", "schema")
    assert not d.matches("admin.courses.list", "schema")


@pytest.mark.parametrize(
    ("data", "pointer"),
    [
        ({"id": "x"}, "#: "),
        ([{"id": "x", "check": "schema", "reason": "r", "owner": "o"}], "#/0: "),
        ([{"id": "x", "check": "speed", "reason": "r", "owner": "o", "expires": "2026-01-01"}], "#/0/check: "),
        ([{"id": "x", "check": "auth", "reason": "r", "owner": "o", "expires": "soon"}], "#/0/expires: "),
        ([{"id": "x", "check": "auth", "reason": "r", "owner": "o", "expires": "2026-02-30"}], "#/0/expires: "),
        ([{"id": "x", "check": "auth", "reason": "", "owner": "o", "expires": "2026-01-01"}], "#/0/reason: "),
    ],
)
def test_invalid_entries_name_their_pointer(data, pointer):
    with pytest.raises(ReportError) as info:
        parse_baseline(data, "kd.yaml")
    assert info.value.one_line().startswith(f"kd.yaml{pointer}")


def test_corrupt_yaml_is_one_line(tmp_path):
    path = tmp_path / "kd.yaml"
    path.write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"kd\.yaml: invalid YAML at line 2, column 1"):
        load_baseline(path)


def test_gate_new_known_and_not_gating():
    result = evaluate(sample_report(), [entry()], TODAY)
    assert [(i.endpoint_id, i.family) for i in result.new] == [("admin.members.update-member", "envelope")]
    assert [(i.endpoint_id, i.family) for i in result.known] == [("admin.courses.get-course", "schema")]
    assert sorted(i.outcome for i in result.not_gating) == ["error", "uncertain"]
    assert result.exit_code == 1


def test_strict_gates_uncertain_and_error():
    baseline = [entry(), entry("admin.members.*", "envelope", index=1)]
    assert evaluate(sample_report(), baseline, TODAY).exit_code == 0
    strict = evaluate(sample_report(), baseline, TODAY, strict=True)
    assert sorted(i.outcome for i in strict.new) == ["error", "uncertain"]
    assert strict.exit_code == 1


def test_expiry_is_inclusive_of_the_last_day():
    baseline = [entry(expires="2026-03-01"), entry("admin.members.*", "envelope", index=1)]
    assert evaluate(sample_report(), baseline, TODAY).exit_code == 0
    late = evaluate(sample_report(), baseline, TODAY + dt.timedelta(days=1))
    assert [d.index for d in late.expired] == [0]
    assert late.exit_code == 1


def test_fixed_stale_and_unverified_entries_are_listed_but_do_not_gate():
    report = Report(
        run=run_info(),
        endpoints=[endpoint("admin.courses.get-course", [passed("schema"), CheckVerdict("fuzz", "not-run")])],
    )
    baseline = [entry(), entry("admin.gone.*", "schema", index=1), entry(check="fuzz", index=2)]
    result = evaluate(report, baseline, TODAY)
    assert [d.index for d in result.removable] == [0]
    assert [d.index for d in result.stale] == [1]
    assert [d.index for d in result.unverified] == [2]
    assert result.exit_code == 0


def test_interrupted_or_empty_runs_gate():
    assert evaluate(sample_report(interrupted=True), [], TODAY).problems == [
        "the run was interrupted: its verdicts are incomplete"
    ]
    empty = Report(run=run_info(), endpoints=[endpoint("oauth.ping", [CheckVerdict("auth", "skipped")])])
    assert evaluate(empty, [], TODAY).exit_code == 1
