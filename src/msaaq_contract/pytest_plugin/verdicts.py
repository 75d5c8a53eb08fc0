"""Collect test outcomes into verdicts and write the reports at the end of the session (also on Ctrl-C).

Outcomes travel in ``report.user_properties`` so that the xdist controller sees its workers' results.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ..checks.base import Finding
from ..contract import Contract
from ..families import EVERY_ANSWER
from ..redaction import Redactor
from ..reporting.access_matrix import combine, parse
from ..reporting.verdict import OUTCOME_ORDER, CheckVerdict, EndpointVerdict, Report, RunInfo
from . import properties


def _outcome(report: pytest.TestReport, props: dict[str, object]) -> tuple[str, str | None]:
    if hasattr(report, "wasxfail"):
        return "uncertain", None
    if report.passed:
        return "passed", None
    if properties.NOT_RUN in props:
        return "not-run", None
    if report.skipped:
        return "skipped", None
    if properties.TARGET_ERROR in props:
        return "error", str(props[properties.TARGET_ERROR])[:300]
    if report.when != "call":  # a fixture or the runtime failed before the check could judge anything
        text = str(report.longrepr or "").strip()
        return "error", (text.splitlines()[-1] if text else "error")[:300]
    return "failed", None


class VerdictCollector:
    def __init__(self) -> None:
        self.checks: dict[tuple[str, str], CheckVerdict] = {}
        self.started = time.monotonic()
        self.started_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.interrupted = False
        # Findings a test made about another documented id (a stateful read step): (that id, family, finding)
        self.attributed: list[tuple[str, str, Finding, str]] = []
        self.access: dict[str, dict[str, str]] = {}  # doc id -> the authorization matrix's row

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.interrupted = True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.add(report)

    def add(self, report: pytest.TestReport) -> None:
        if report.when == "setup" and report.passed:
            return
        if report.when == "teardown" and not report.failed:
            return
        props = dict(report.user_properties)
        if properties.ID not in props:
            return
        doc_id, family = str(props[properties.ID]), str(props[properties.FAMILY])
        cells = [value for name, value in report.user_properties if name == properties.ACCESS]
        if cells and report.when == "call":
            combine(parse(cells), self.access.setdefault(doc_id, {}))
        payload = json.loads(str(props[properties.FINDINGS])) if properties.FINDINGS in props else {}
        outcome, target_error = _outcome(report, props)
        key = (doc_id, family)
        verdict = self.checks.get(key)
        if verdict is None:
            verdict = self.checks[key] = CheckVerdict(family=family, outcome="not-run")
        if OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(verdict.outcome):
            verdict.outcome = outcome  # type: ignore[assignment]
        verdict.nodeids.append(report.nodeid)
        verdict.duration_s += float(report.duration)
        violations = [Finding.from_dict(v) for v in payload.get("violations", [])]
        verdict.violations.extend(violations)
        self.attributed.extend(
            (f.operation, family, f, report.nodeid) for f in violations if f.operation not in (None, doc_id)
        )
        # An every-answer check's finding in another family's answer (a debug trace in a 401): its own column
        # collects it too, on the row of the operation that broke.
        self.attributed.extend(
            (f.operation or doc_id, f.check, f, report.nodeid)
            for f in violations
            if f.check in EVERY_ANSWER and f.check != family
        )
        verdict.warnings.extend(Finding.from_dict(v) for v in payload.get("warnings", []))
        if verdict.cassette is None and properties.CASSETTE in props:
            verdict.cassette = str(props[properties.CASSETTE])
        if target_error:
            verdict.target_error = target_error
        if outcome == "failed" and not payload.get("violations"):
            # An assertion outside the checks (a stateful read-back): keep its text as the finding.
            text = str(report.longrepr or "").strip().splitlines()
            verdict.violations.append(
                Finding(check=family, title="Check failed", message=(text[-1] if text else "failed")[:500])
            )

    def report(self, contract: Contract, run: dict[str, Any]) -> Report:
        info = RunInfo(
            started_at=self.started_at,
            duration_s=round(time.monotonic() - self.started, 3),
            interrupted=self.interrupted,
            contract_version=contract.version,
            contract_digest=contract.digest,
            **run,
        )
        judged = dict(self.checks)
        for doc_id, fam, finding, nodeid in self.attributed:
            if doc_id not in contract.by_doc_id:
                continue
            outcome = "uncertain" if contract.operation(doc_id).low_confidence(doc_id) else "failed"
            # A copy: the collected verdicts stay as the tests reported them, whatever reads them after.
            seen = judged.get((doc_id, fam), CheckVerdict(family=fam, outcome="not-run"))
            verdict = replace(seen, violations=list(seen.violations), nodeids=list(seen.nodeids))
            judged[(doc_id, fam)] = verdict
            if OUTCOME_ORDER.index(outcome) < OUTCOME_ORDER.index(verdict.outcome):
                verdict.outcome = outcome  # type: ignore[assignment]
            verdict.violations.append(finding)
            if nodeid not in verdict.nodeids:
                verdict.nodeids.append(nodeid)
        by_endpoint: dict[str, dict[str, CheckVerdict]] = {}
        for (doc_id, fam), verdict in judged.items():  # one pass: linear in the number of checks
            by_endpoint.setdefault(doc_id, {})[fam] = verdict
        endpoints = []
        for doc_id, op in contract.documented():
            entry = op.doc_entry(doc_id)
            checks = by_endpoint.get(doc_id, {})
            endpoints.append(
                EndpointVerdict(
                    id=doc_id,
                    area=doc_id.split(".")[0],
                    title=entry.title,
                    method=op.method.upper(),
                    path=op.path,
                    operation_id=op.operation_id,
                    confidence=entry.confidence,
                    source=entry.source,
                    checks=checks,
                    access=dict(self.access.get(doc_id, {})),
                )
            )
        return Report(run=info, endpoints=endpoints)


def write(report: Report, out_dir: Path, redactor: Redactor) -> list[Path]:
    from ..reporting.writers import write_reports

    return write_reports(report, out_dir, redactor=redactor)
