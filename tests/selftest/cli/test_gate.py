"""``msaaq-contract gate``: exit codes 0/1/2 and what it prints, run through the real entry point."""

from __future__ import annotations

import json

import pytest
from tests.selftest.reporting.report_factory import endpoint, failed_check, passed, run_info, sample_report

from msaaq_contract.cli.main import main
from msaaq_contract.reporting.verdict import Report
from msaaq_contract.reporting.writers import write_reports

TODAY = "2026-03-01"


def one_failure() -> Report:
    return Report(
        run=run_info(),
        endpoints=[
            endpoint("admin.courses.get-course", [passed("auth"), failed_check("schema")]),
            endpoint("admin.courses.list-courses", [passed("auth"), passed("schema")]),
        ],
    )


def baseline_yaml(*entries: tuple[str, str, str]) -> str:
    if not entries:
        return "[]\n"
    return "".join(
        f"- id: '{i}'\n  check: '{c}'\n  reason: known staging bug\n  owner: '@api-team'\n  expires: {e}\n"
        for i, c, e in entries
    )


@pytest.fixture
def gate(tmp_path, capsys):
    """Write a report and a baseline, run the gate; returns (exit code, stdout, stderr)."""

    def run(report: Report | None, baseline: str = "[]\n", *extra: str, raw_report: str | None = None):
        report_path = tmp_path / "reports" / "conformance.json"
        if report is not None:
            write_reports(report, report_path.parent, formats=["json"])
        if raw_report is not None:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_text(raw_report, encoding="utf-8")
        baseline_path = tmp_path / "known-deviations.yaml"
        baseline_path.write_text(baseline, encoding="utf-8")
        code = main(["gate", str(report_path), "--baseline", str(baseline_path), "--today", TODAY, *extra])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def test_new_failure_exits_1_naming_exactly_that_id_and_check(gate):
    code, out, err = gate(one_failure())
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "gate: FAILED (1 new failure)"
    failures = [line.strip() for line in lines if line.startswith("  admin.")]
    assert failures == [
        "admin.courses.get-course  schema  Response field has the wrong type: data.title must be a string "
        "(at /data/title)"
    ]
    assert "summary (gate FAILED)" in out
    assert "  new failures                          1  gates" in out


def test_same_failure_in_the_baseline_exits_0(gate):
    code, out, _ = gate(one_failure(), baseline_yaml(("admin.courses.get-course", "schema", "2026-12-31")))
    assert code == 0
    assert out.splitlines()[0] == "gate: passed"
    assert "  known deviations (still failing)      1" in out


def test_glob_entry_covers_the_failure(gate):
    code, _, _ = gate(one_failure(), baseline_yaml(("admin.courses.*", "*", "2026-12-31")))
    assert code == 0


def test_expired_entry_exits_1_naming_it(gate):
    code, out, _ = gate(one_failure(), baseline_yaml(("admin.courses.get-course", "schema", "2026-02-28")))
    assert code == 1
    assert out.splitlines()[0] == "gate: FAILED (1 expired known deviation)"
    assert "expired known deviations (fix the endpoint, or renew the entry with a reason):" in out
    assert "  admin.courses.get-course  schema  (" in out
    assert "entry 1, owner @api-team, expires 2026-02-28)" in out


def test_fixed_deviation_is_listed_as_removable(gate):
    baseline = baseline_yaml(
        ("admin.courses.get-course", "schema", "2026-12-31"),
        ("admin.courses.list-courses", "schema", "2026-12-31"),
        ("admin.removed-endpoint", "auth", "2026-12-31"),
    )
    code, out, _ = gate(one_failure(), baseline)
    assert code == 0
    removable = out.split("known deviations that now pass (can be removed):\n")[1].split("\n\n")[0]
    assert removable.startswith("  admin.courses.list-courses  schema  (")
    assert "admin.courses.get-course" not in removable
    stale = out.split("no longer exists in the report (can be removed):\n")[1].split("\n\n")[0]
    assert stale.startswith("  admin.removed-endpoint  auth  (")


def test_uncertain_and_error_are_listed_but_gate_only_with_strict(gate):
    baseline = baseline_yaml(
        ("admin.courses.get-course", "schema", "2026-12-31"), ("admin.members.update-member", "envelope", "2026-12-31")
    )
    code, out, _ = gate(sample_report(), baseline)
    assert code == 0
    assert "not gating (use --strict to gate on them):" in out
    assert "  uncertain tenant.courses.get-course  language  " in out
    assert "  error     tenant.members.list  auth  timeout after 30.0s" in out
    code, out, _ = gate(sample_report(), baseline, "--strict")
    assert code == 1
    assert out.splitlines()[0] == "gate: FAILED (2 new failures)"


def test_interrupted_run_fails_the_gate(gate):
    code, out, _ = gate(sample_report(interrupted=True), baseline_yaml(("*", "*", "2026-12-31")))
    assert code == 1
    assert out.splitlines()[0] == "gate: FAILED (the run was interrupted: its verdicts are incomplete)"


def test_corrupt_json_report_exits_2_with_one_line(gate, tmp_path):
    code, out, err = gate(None, raw_report='{"schema_version": 1, "run": {')
    assert code == 2
    assert out == ""
    path = tmp_path / "reports" / "conformance.json"
    assert (
        err == f"error: {path}: not valid JSON (line 1, column 31: Expecting property name enclosed in double quotes)\n"
    )


def test_schema_invalid_report_exits_2_naming_the_pointer(gate, tmp_path):
    data = one_failure().to_dict()
    data["run"]["seed"] = "not-a-number"
    code, _, err = gate(None, raw_report=json.dumps(data))
    assert code == 2
    assert err.startswith(
        f"error: {tmp_path / 'reports' / 'conformance.json'}#/run/seed: not a valid conformance report"
    )
    assert err.count("\n") == 1


def test_missing_report_exits_2(gate, tmp_path):
    code, _, err = gate(None)
    assert code == 2
    assert err == (
        f"error: {tmp_path / 'reports' / 'conformance.json'}: no such file — "
        "run the conformance suite first, or check the path\n"
    )


def test_schema_invalid_baseline_exits_2(gate, tmp_path):
    bad = "- id: admin.courses.get-course\n  check: schema\n  owner: me\n  expires: 2026-12-31\n"
    code, out, err = gate(one_failure(), bad)
    assert code == 2
    assert out == ""
    assert err.startswith(f"error: {tmp_path / 'known-deviations.yaml'}#/0: not a valid known-deviations baseline: ")
    assert "reason" in err
    assert err.count("\n") == 1


def test_corrupt_baseline_yaml_exits_2(gate):
    code, _, err = gate(one_failure(), "- id: [\n")
    assert code == 2
    assert "invalid YAML at line 2" in err
    assert err.count("\n") == 1


def test_bad_today_exits_2(gate):
    code, _, err = gate(one_failure(), "[]\n", "--today", "tomorrow")
    assert code == 2
    assert err == "error: --today 'tomorrow' is not a date — use YYYY-MM-DD\n"


def with_access(**cells: str) -> Report:
    report = one_failure()
    report.endpoints[1].access = dict(cells)
    return report


def test_an_identity_refused_in_the_access_baseline_and_allowed_now_fails_the_gate(gate, tmp_path):
    before = tmp_path / "before"
    write_reports(with_access(tenantStudent="refused", adminUser="allowed"), before, formats=["json"])
    now = with_access(tenantStudent="allowed", adminUser="allowed")
    entry = ("admin.courses.get-course", "schema", "2026-12-31")
    code, out, _ = gate(now, baseline_yaml(entry), "--access-baseline", str(before / "conformance.json"))
    assert code == 1
    assert out.splitlines()[0] == "gate: FAILED (1 escalation in the authorization matrix)"
    assert "  admin.courses.list-courses  tenantStudent: refused -> allowed" in out.splitlines()
    assert "  authorization escalations             1  gates" in out


def test_a_matrix_that_keeps_or_narrows_its_refusals_passes_the_gate(gate, tmp_path):
    before = tmp_path / "before"
    write_reports(with_access(tenantStudent="refused", adminUser="allowed"), before, formats=["json"])
    narrower = with_access(tenantStudent="refused", adminUser="refused", anonymous="allowed")  # a new cell
    entry = ("admin.courses.get-course", "schema", "2026-12-31")
    code, out, _ = gate(narrower, baseline_yaml(entry), "--access-baseline", str(before / "conformance.json"))
    assert code == 0, out


def test_a_missing_access_baseline_is_a_one_line_error(gate, tmp_path):
    code, _, err = gate(with_access(), "[]\n", "--access-baseline", str(tmp_path / "nope.json"))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
