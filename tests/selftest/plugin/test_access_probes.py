"""Who may call what, end to end against the reference server: a refusal counts only after a positive control,
the other academy's lists are judged, and every answer fills the authorization matrix."""

from __future__ import annotations

import json

import pytest
import yaml
from tests.selftest.plugin.test_end_to_end import run_suite, verdicts

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.access import control_operation

PROBED = "admin.courses.get-course or admin.coupons.get-coupon"


def run_with_faults(tmp_path, faults: list[dict], *args: str):
    faults_file = tmp_path / "faults.yaml"
    faults_file.write_text(yaml.safe_dump(faults))
    out = tmp_path / "reports"
    result = run_suite(
        "--sim", "--sim-faults", str(faults_file), "-p", "no:xdist", "-rs", "--report-dir", str(out), *args
    )
    return result, out


@pytest.mark.slow
def test_a_token_that_fails_its_positive_control_never_passes(tmp_path):
    control = control_operation(load_contract(), "tenantStudent")
    assert control is not None
    # The student logs in, but the target fails the read every student may call: its refusals prove nothing.
    result, out = run_with_faults(
        tmp_path, [{"fault": "html_500", "operations": [control]}], "-m", "roles", "-k", PROBED
    )
    outcomes = verdicts(out)
    assert {outcomes[(d, "roles")] for d in PROBED.split(" or ")} == {"skipped"}, outcomes
    assert "no positive control: tenantStudent's token got HTTP 500" in result.stdout
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.slow
def test_the_other_academy_s_list_holding_this_academy_s_items_fails(tmp_path):
    leak = [{"fault": "cross_tenant_leak", "operations": ["admin.courses.list-courses"]}]
    result, out = run_with_faults(tmp_path, leak, "-k", "test_isolation_lists and admin.courses.list-courses")
    assert result.returncode == 1
    row = json.loads((out / "conformance.json").read_text())["endpoints"]
    found = next(e for e in row if e["id"] == "admin.courses.list-courses")["checks"]["isolation"]["violations"]
    assert [v["title"] for v in found] == ["Cross-tenant leak in a list"]
    assert found[0]["curl"].startswith("curl -X GET") and "x-tenant: academy-b.msaaq.test" in found[0]["curl"].lower()


@pytest.mark.slow
def test_every_probe_fills_the_authorization_matrix(tmp_path):
    result, out = run_with_faults(tmp_path, [], "-k", "admin.courses.get-course and not fuzz")
    assert result.returncode == 0, result.stdout[-2000:]
    row = next(e for e in json.loads((out / "conformance.json").read_text())["endpoints"] if e["id"] == PROBED[:24])
    assert row["access"] == {
        "adminUser": "allowed",
        "adminUser@other": "refused",
        "anonymous": "refused",
        "tenantStudent": "refused",
    }
    assert '<table id="access-matrix">' in (out / "conformance.html").read_text()


# Each authorization fault on one operation of a live target (credentials only, discovery, both academies and a
# second student): the family that probes it fails on that operation's row, and nothing else fails.
LIVE_DRILLS = {
    "foreign_role_served": ("admin.coupons.get-coupon", "roles"),
    "token_not_bound": ("admin.courses.get-course", "binding"),
    "write_before_refusal": ("admin.courses.update-course", "binding"),
    "existence_leak": ("admin.courses.chapters.get-chapter", "isolation"),
    "owner_not_checked": ("tenant.articles.comments.update-comment", "ownership"),
    "cross_tenant_leak": ("admin.articles.list", "isolation"),  # no parent of the other drills: discovery holds
}


@pytest.mark.slow
def test_a_live_run_catches_each_authorization_fault_on_its_row(tmp_path):
    from tests.selftest.plugin.test_live_unknown_target import live_env

    from msaaq_contract.refserver import Fault, start_server

    faults = [Fault(name, operations=[doc_id]) for name, (doc_id, _) in LIVE_DRILLS.items()]
    selected = " or ".join(doc_id for doc_id, _ in LIVE_DRILLS.values())
    with start_server(faults=faults) as server:
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-m", "roles or binding or ownership or isolation", "-k", selected,
            "--report-dir", str(tmp_path), env=live_env(server.base_url),
        )  # fmt: skip
    outcomes = verdicts(tmp_path)
    failed = {key for key, outcome in outcomes.items() if outcome == "failed"}
    assert {(doc_id, family) for doc_id, family in LIVE_DRILLS.values()} <= failed, outcomes
    # The other families of these operations still pass: each fault breaks one rule only.
    assert failed == {(d, f) for d, f in LIVE_DRILLS.values()}, failed
    assert result.returncode == 1
