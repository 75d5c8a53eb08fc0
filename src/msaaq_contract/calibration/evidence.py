"""The evidence of one run: what a report (and, when recorded, its cassettes) says the target did.

A report is accepted when it comes from a run against a target (mode ``live``, ``sim`` or ``record``; an
offline replay proves nothing new) and was made with this contract, or with one this contract was calibrated
from (``calibrated_from`` of ``contracts/overrides.yaml``). Every error-severity finding of a ``failed`` or
``uncertain`` check becomes an ``Observation``; ``error`` (the target did not answer) and skipped checks are
not evidence. A warning that proposes a change (a framework method alias: Laravel answers PATCH as PUT) is
evidence too, whatever the check's outcome. Operations whose happy exchange passed envelope, schema and status
are "seen conforming".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..checks.base import Finding
from ..checks.methods import ALIAS_TITLE
from ..contract import Contract
from ..errors import ReportError
from ..reporting.verdict import Report
from ..reporting.writers import load_report

EVIDENT = ("failed", "uncertain")
HAPPY_FAMILIES = ("envelope", "schema", "status")
SIMULATED = "reference server"  # how the plugin labels a run against msaaq-contract's own server


@dataclass(frozen=True)
class Rule:
    """A rule the target stated in a validation answer: ``field`` is required, has type ``values[0]``, or is
    one of ``values`` (``refusals`` reads them)."""

    kind: str  # required | type | enum
    field: str
    values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Observation:
    """One finding, with the response it judged: ``exchange`` is the same for every check of one response."""

    doc_id: str
    family: str
    operation_id: str
    status: int | None
    finding: Finding
    exchange: str
    rule: Rule | None = None  # a rule the target stated about the request (a refusal, not a finding)

    @property
    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.doc_id, self.family, self.exchange, self.finding.pointer or "", self.finding.message)


@dataclass
class Evidence:
    path: Path
    report: Report
    report_digest: str
    observations: list[Observation] = field(default_factory=list)
    conforming: dict[str, list[str]] = field(default_factory=dict)  # operationId -> documented ids

    @property
    def date(self) -> str:
        return self.report.run.started_at[:10]

    @property
    def live_target(self) -> str | None:
        """The host observed, when the target was a real API (never the reference server)."""
        target = self.report.run.target
        if target.startswith(SIMULATED) or self.report.run.mode == "sim":
            return None
        return urlsplit(target).netloc or target

    @property
    def doc_ids(self) -> set[str]:
        return {o.doc_id for o in self.observations}


def run_report(path: Path) -> tuple[Report, str]:
    """Load the report and refuse a corrupt one or an offline run: one-line ReportErrors."""
    report = load_report(path)
    if report.run.mode == "offline":
        raise ReportError(
            f"{path}: an offline run (replayed cassettes) is no evidence about the API",
            hint="calibrate a report of a live run (--base-url), a --sim drill or a recording",
        )
    return report, hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def check_contract(path: Path, report: Report, contract: Contract, calibrated_from: Iterable[str]) -> None:
    """Refuse a report made with another contract than this one or one it was calibrated from."""
    digest = report.run.contract_digest
    if digest != contract.digest and digest not in set(calibrated_from):
        raise ReportError(
            f"{path}: made with contract digest {digest}, not this contract ({contract.digest}) "
            "nor one it was calibrated from",
            hint="re-run the suite with this contract, or pass the --contract the run used",
        )


def _exchange(doc_id: str, family: str, finding: Finding, operation_id: str) -> str:
    # The happy request is judged by three families: the curl line and status identify the response.
    if finding.curl:
        return f"{operation_id} {finding.status} {finding.curl}"
    return f"{doc_id} {family} {finding.cassette or ''}"


def collect(path: Path, report: Report, report_digest: str, contract: Contract) -> Evidence:
    evidence = Evidence(path, report, report_digest)
    for endpoint, check in report.checks():
        if endpoint.id not in contract.by_doc_id:
            continue  # an id this contract no longer documents: nothing to change
        op_id = contract.operation(endpoint.id).operation_id
        for finding in (w for w in check.warnings if w.title == ALIAS_TITLE):
            evidence.observations.append(
                Observation(endpoint.id, check.family, op_id, finding.status, finding,
                            _exchange(endpoint.id, check.family, finding, op_id))
            )  # fmt: skip
        if check.outcome in EVIDENT:
            for finding in check.violations:
                broke = finding.operation
                if not finding.is_error or (broke not in (None, endpoint.id) and broke in contract.by_doc_id):
                    continue  # a chain step's finding about another id: the report holds it on that id's row too
                evidence.observations.append(
                    Observation(
                        endpoint.id,
                        check.family,
                        op_id,
                        finding.status,
                        finding,
                        _exchange(endpoint.id, check.family, finding, op_id),
                    )
                )
        happy = [endpoint.checks.get(f) for f in HAPPY_FAMILIES]
        if all(c is not None and c.outcome == "passed" for c in happy) and check.family == HAPPY_FAMILIES[0]:
            op_id = contract.operation(endpoint.id).operation_id
            evidence.conforming.setdefault(op_id, []).append(endpoint.id)
    evidence.observations.sort(key=lambda o: o.sort_key)
    return evidence
