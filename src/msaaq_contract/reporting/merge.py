"""Merge the reports of several shards (pytest-split groups) into one.

Shards of one run split the (endpoint x family) items between them, so the same endpoint shows up in
several shards, each with the checks it ran. The merge unions the checks; when two shards both hold a
verdict for the same check, a real verdict beats skipped/not-run and otherwise the worse outcome wins.
Shards must have run against the same contract (digest): anything else would mix two different contracts'
verdicts in one matrix.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ReportError
from .access_matrix import combine
from .verdict import OUTCOME_ORDER, CheckVerdict, EndpointVerdict, Finding, Report, RunInfo
from .writers import load_report

# Lower is preferred: a check that ran outranks one a shard merely listed as skipped or not run.
_RANK = {o: i for i, o in enumerate(OUTCOME_ORDER)}


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: list[Finding] = []
    for f in findings:
        if f not in seen:
            seen.append(f)
    return seen


def merge_checks(a: CheckVerdict, b: CheckVerdict) -> CheckVerdict:
    winner = a if _RANK.get(a.outcome, len(_RANK)) <= _RANK.get(b.outcome, len(_RANK)) else b
    return replace(
        winner,
        nodeids=list(dict.fromkeys([*a.nodeids, *b.nodeids])),
        violations=_unique([*a.violations, *b.violations]),
        warnings=_unique([*a.warnings, *b.warnings]),
        target_error=winner.target_error or a.target_error or b.target_error,
        cassette=winner.cassette or a.cassette or b.cassette,
        duration_s=a.duration_s + b.duration_s,
    )


def merge_endpoints(a: EndpointVerdict, b: EndpointVerdict) -> EndpointVerdict:
    checks = dict(a.checks)
    for family, cv in b.checks.items():
        checks[family] = merge_checks(checks[family], cv) if family in checks else cv
    return replace(
        a,
        title=a.title or b.title,
        method=a.method or b.method,
        path=a.path or b.path,
        source=a.source or b.source,
        checks=checks,
        access=combine(b.access.items(), dict(a.access)),
    )


def _merge_runs(runs: list[RunInfo], names: list[str]) -> RunInfo:
    first = runs[0]
    statuses = [r.exit_status for r in runs if r.exit_status is not None]
    return replace(
        first,
        started_at=min(r.started_at for r in runs),
        duration_s=max(r.duration_s for r in runs),  # shards run side by side: the run took the longest one
        interrupted=any(r.interrupted for r in runs),
        exit_status=max(statuses) if statuses else None,
        shard="merged: " + ", ".join(names),
        pytest_args=list(first.pytest_args),
        ledger=_merged_ledger([r.ledger for r in runs if r.ledger]),
    )


def _merged_ledger(ledgers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Shards send to the same target: their requests add up."""
    if not ledgers:
        return None
    total: dict[str, Any] = {}
    for one in ledgers:
        for key, value in one.items():
            if isinstance(value, dict):
                counts = total.setdefault(key, Counter())
                counts.update(value)
            elif isinstance(value, int | float):
                total[key] = total.get(key, 0) + value
    return {k: dict(sorted(v.items())) if isinstance(v, Counter) else v for k, v in total.items()}


def merge_reports(reports: list[Report], names: list[str] | None = None) -> Report:
    """Merge in memory; ``names`` label the shards in messages (default: their shard field or index)."""
    if not reports:
        raise ReportError("no reports to merge", hint="pass the shards' conformance.json files")
    labels = names or [r.run.shard or f"report {i + 1}" for i, r in enumerate(reports)]
    digest = reports[0].run.contract_digest
    for report, label in zip(reports[1:], labels[1:], strict=True):
        if report.run.contract_digest != digest:
            raise ReportError(
                f"{label} was run against contract {report.run.contract_digest}, {labels[0]} against {digest}",
                hint="merge only shards of one run (same contract digest)",
            )
    merged: dict[str, EndpointVerdict] = {}
    for report in reports:
        for endpoint in report.endpoints:
            known = merged.get(endpoint.id)
            merged[endpoint.id] = merge_endpoints(known, endpoint) if known else endpoint
    shard_names = [r.run.shard or label for r, label in zip(reports, labels, strict=True)]
    return Report(run=_merge_runs([r.run for r in reports], shard_names), endpoints=list(merged.values()))


def merge_files(paths: list[Path]) -> Report:
    """Load (and validate) each shard's conformance.json, then merge them."""
    if not paths:
        raise ReportError("no reports to merge", hint="pass the shards' conformance.json files")
    reports = [load_report(p) for p in paths]
    return merge_reports(reports, [str(p) for p in paths])
