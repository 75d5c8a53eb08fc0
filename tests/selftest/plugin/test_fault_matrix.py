"""Proof that the suite works: the conformance suite against the reference server with each fault of its
catalogue injected on a sample of operations. Every fault must be caught by the expected check families on
every operation it was applied to; 429s are waited out and slow answers become target errors, not violations.

One suite run carries all faults at once, each on its own operations, so the matrix costs one server start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from msaaq_contract.checks.mass_assignment import probes
from msaaq_contract.checks.schema import _properties
from msaaq_contract.contract import Operation, load_contract
from msaaq_contract.contract.access import probe_kind
from msaaq_contract.contract.identities import identities
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.families import negative_applies, path_ids
from msaaq_contract.pytest_plugin.mass_assignment import requests_at_most
from msaaq_contract.refserver import Fault, fixture_values

REPO = Path(__file__).resolve().parents[3]
PER_FAULT = 2

# fault -> (kind of operation to apply it to, families of which at least one must fail, extra params)
MATRIX: dict[str, tuple[str, set[str], dict[str, object]]] = {
    "drop_data": ("read", {"envelope", "schema"}, {}),
    "wrong_status_word": ("read", {"envelope"}, {}),
    "numeric_code": ("protected_read", {"auth"}, {}),
    "wrong_field_type": ("read", {"schema"}, {}),
    "missing_required_field": ("read", {"schema"}, {}),
    "null_required_field": ("read", {"schema"}, {}),
    "enum_out_of_range": ("read", {"schema"}, {}),
    "broken_pagination_meta": ("read", {"schema", "envelope"}, {}),
    "html_500": ("read", {"status", "envelope"}, {}),
    "wrong_content_type": ("read", {"envelope"}, {}),
    "auth_not_enforced": ("protected_read", {"auth"}, {}),
    "tenant_not_enforced": ("tenant_read", {"tenant_header"}, {}),
    "cross_tenant_leak": ("owned_read", {"isolation"}, {}),
    "error_without_envelope": ("protected_read", {"auth"}, {}),
    "undocumented_status": ("read", {"status"}, {}),
    "slow_response": ("read", set(), {"delay_ms": 1500}),
    "rate_limit_429": ("read", set(), {"retry_after": 0, "times": 1}),
    "extra_field": ("closed_read", set(), {}),
    "method_not_refused": ("path_read", {"methods"}, {}),
    # Only generated requests reach these two: they prove the fuzz family can fail.
    "accepts_invalid": ("json_write", {"fuzz"}, {}),
    "optional_member_500": ("json_write", {"fuzz"}, {}),
    # Who may call what: each keeps the answers well-formed and breaks one authorization rule.
    "foreign_role_served": ("protected_read", {"roles"}, {}),
    "token_not_bound": ("protected_read", {"binding"}, {}),
    "write_before_refusal": ("owned_write", {"binding"}, {}),
    "existence_leak": ("owned_read", {"isolation"}, {}),
    "owner_not_checked": ("owned_write", {"ownership"}, {}),
    # Answers whose body fits its envelope: only the documented-answer judgement (status, media type) sees them.
    "json_like_media_type": ("read", {"envelope"}, {}),
    "file_without_content_type": ("file_read", {"envelope"}, {}),
    "undocumented_refusal": ("owned_read", {"isolation"}, {}),
    # Only a write of a member the body does not declare, read back twice, shows it.
    "mass_assignable": ("probed_create", {"mass_assignment"}, {}),
}


def _kind_ok(kind: str, op: Operation, doc_id: str, fixtures: dict) -> bool:
    if kind == "json_write":  # a plain create or update with a JSON body fuzzing can break
        table = identities(contract_of(op))
        plain = table.issued_by(op) is None and not table.ends_session(op) and not table.alters_own_account(op)
        return (
            plain and negative_applies(op, doc_id) and not op.destructive and not op.undocumented
            and op.confidence != "low" and len(op.doc_ids) == 1 and op.path_params == ()
        )  # fmt: skip
    if kind == "owned_write":  # an update or delete the foreign-token probes make their own resource for
        sure = not op.undocumented and op.confidence != "low" and len(op.doc_ids) == 1
        return sure and probe_kind(contract_of(op), op) == "write"
    if kind == "probed_create":  # a create the mass-assignment family probes (a response-only member, a delete)
        chain = resource_graph(contract_of(op)).chains.get(doc_id)
        if chain is None or op.confidence == "low" or not requests_at_most(contract_of(op), chain):
            return False  # the fault never stores the row's own id: another member must show it
        return any(p.member != chain.member for p in probes(contract_of(op), op, chain.links["read"]))
    if op.method != "get" or op.undocumented or op.confidence == "low" or len(op.doc_ids) > 1:
        return False
    if kind == "file_read":  # a documented file, not JSON
        return not any(op.responses[s].is_json for s in op.success_statuses)
    if not any(op.responses[s].is_json for s in op.success_statuses):
        return False
    if kind == "protected_read":
        return op.auth == "required"
    if kind == "tenant_read":
        return op.tenant_required
    if kind == "path_read":  # the id the methods family probes its path with
        return doc_id in path_ids(contract_of(op))
    if kind == "owned_read":
        other = fixtures["other_tenant_path"]
        return any(p.name in other and other[p.name] != fixtures["path"].get(p.name) for p in op.path_params)
    if kind == "closed_read":  # the data model declares its members, so an extra one is visible
        props, _, _ = _properties(contract_of(op), op.responses[op.success_statuses[0]].schema)
        data = props.get("data", {})
        inner_props, open_ended, items = _properties(contract_of(op), data)
        if items is not None:
            inner_props, open_ended, _ = _properties(contract_of(op), items)
        return bool(inner_props) and not open_ended
    table = identities(contract_of(op))
    return table.of(op) is None or table.user_of(op) is not None  # not an OAuth client's call


def contract_of(op: Operation):
    return load_contract()


@pytest.fixture(scope="module")
def matrix_run(tmp_path_factory):
    contract = load_contract()
    fixtures = fixture_values(contract)
    used: set[str] = set()
    plan: dict[str, list[str]] = {}
    for name, (kind, _, _params) in MATRIX.items():
        fault = Fault(name)
        chosen = []
        for doc_id, op in contract.documented():
            if op.operation_id in used or not _kind_ok(kind, op, doc_id, fixtures):
                continue
            if fault.applies(op, contract):
                chosen.append(doc_id)
                used.add(op.operation_id)
            if len(chosen) == PER_FAULT:
                break
        assert len(chosen) == PER_FAULT, f"no operation to apply {name} to"
        plan[name] = chosen
    work = tmp_path_factory.mktemp("matrix")
    faults_file = work / "faults.yaml"
    faults_file.write_text(yaml.safe_dump([{"fault": n, "operations": ids, **MATRIX[n][2]} for n, ids in plan.items()]))
    selected = sorted({i for ids in plan.values() for i in ids})
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(faults_file),
        "--report-dir", str(work), "--request-timeout", "1", "-p", "no:xdist", "-q", "--no-header",
        "-k", " or ".join(selected),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    report = json.loads((work / "conformance.json").read_text())
    by_id = {e["id"]: e for e in report["endpoints"]}
    return plan, by_id, result


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(MATRIX))
def test_fault_is_caught_on_every_operation(matrix_run, fault):
    plan, by_id, _ = matrix_run
    _, families, _ = MATRIX[fault]
    for doc_id in plan[fault]:
        checks = by_id[doc_id]["checks"]
        outcomes = {fam: c["outcome"] for fam, c in checks.items()}
        failed = {fam for fam, o in outcomes.items() if o == "failed"}
        if fault == "slow_response":
            assert "error" in outcomes.values(), (doc_id, outcomes)
            errors = [c["target_error"] for c in checks.values() if c["outcome"] == "error"]
            assert any("timed out" in (e or "") for e in errors), errors
        elif fault in ("rate_limit_429", "extra_field"):
            assert set(outcomes.values()) <= {"passed", "skipped"}, (doc_id, outcomes)
            if fault == "extra_field":
                warnings = [w["title"] for c in checks.values() for w in c["warnings"]]
                assert "Undocumented field" in warnings
        else:
            assert failed & families, f"{fault} on {doc_id} not caught by {families}: {outcomes}"


@pytest.mark.slow
def test_matrix_run_reports_failures_with_actionable_messages(matrix_run):
    plan, by_id, result = matrix_run
    assert result.returncode == 1, result.stdout[-2000:]
    doc_id = plan["wrong_field_type"][0]
    violation = by_id[doc_id]["checks"]["schema"]["violations"][0]
    assert violation["pointer"].startswith("/data")
    assert violation["expected"].startswith("type:")
    assert violation["curl"].startswith("curl -X GET")
    assert "Bearer <redacted>" in violation["curl"]
    untouched = [e for e in by_id.values() if e["id"] not in {i for ids in plan.values() for i in ids}]
    assert all(e["outcome"] in ("not-run", "passed", "skipped") for e in untouched)
