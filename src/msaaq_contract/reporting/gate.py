"""The CI gate's decision: a report's failures against the known-deviations baseline.

What gates (documented in ``cli/gate.py`` and the README):
- outcome ``failed``: gates unless a baseline entry covers it;
- ``uncertain`` (a failure on a low-confidence operation: the contract may be wrong) and ``error`` (the target
  did not answer): listed but not gating, because neither says the API broke the contract; ``strict=True``
  makes them gate like failures;
- an expired baseline entry gates, whether or not it still matches anything, so accepted deviations are
  revisited instead of living forever;
- an interrupted run, or a report in which no check ran, gates: its silence proves nothing;
- with an access baseline (an earlier report), a cell of the authorization matrix that was refused there and is
  allowed now gates: an escalation, whatever the contract says.
Entries that now only match passing checks are "removable"; entries that match no endpoint/check of the
report are "stale"; both are listed and do not gate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .access_matrix import Escalation, escalations, matrix_of
from .baseline import KnownDeviation
from .render import check_one_line
from .verdict import Report

FAILING = ("failed",)
STRICT_FAILING = ("failed", "uncertain", "error")
_NOT_VERIFIED = ("error", "skipped", "not-run")


@dataclass(frozen=True)
class GateItem:
    endpoint_id: str
    family: str
    outcome: str
    message: str
    deviation: KnownDeviation | None = None

    @property
    def line(self) -> str:
        return f"{self.endpoint_id}  {self.family}  {self.message}"


@dataclass
class GateResult:
    strict: bool
    new: list[GateItem] = field(default_factory=list)
    known: list[GateItem] = field(default_factory=list)
    not_gating: list[GateItem] = field(default_factory=list)
    expired: list[KnownDeviation] = field(default_factory=list)
    removable: list[KnownDeviation] = field(default_factory=list)
    unverified: list[KnownDeviation] = field(default_factory=list)
    stale: list[KnownDeviation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # run-level reasons to fail (interrupted, empty)
    # Cells of the authorization matrix refused in the access baseline and allowed now (--access-baseline).
    escalations: list[Escalation] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.new or self.expired or self.problems or self.escalations)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


def evaluate(
    report: Report,
    baseline: list[KnownDeviation],
    today: dt.date,
    strict: bool = False,
    access_baseline: Report | None = None,
) -> GateResult:
    """``access_baseline``: an earlier report whose authorization matrix this run must not escalate."""
    result = GateResult(strict=strict)
    if access_baseline is not None:
        result.escalations = escalations(matrix_of(access_baseline), report)
    gating = STRICT_FAILING if strict else FAILING
    matched: dict[int, list[str]] = {d.index: [] for d in baseline}
    ran = 0
    for endpoint, cv in report.checks():
        if cv.outcome not in ("skipped", "not-run"):
            ran += 1
        covering = [d for d in baseline if d.matches(endpoint.id, cv.family)]
        for d in covering:
            matched[d.index].append(cv.outcome)
        if cv.outcome not in STRICT_FAILING:
            continue
        # An expired entry still marks the failure as known: the entry itself is what fails the gate.
        item = GateItem(endpoint.id, cv.family, cv.outcome, check_one_line(cv), covering[0] if covering else None)
        if cv.outcome not in gating:
            result.not_gating.append(item)
        elif covering:
            result.known.append(item)
        else:
            result.new.append(item)
    for d in baseline:
        outcomes = matched[d.index]
        if d.expired(today):
            result.expired.append(d)
        if not outcomes:
            result.stale.append(d)
        elif any(o in ("failed", "uncertain") for o in outcomes):
            continue
        elif any(o in _NOT_VERIFIED for o in outcomes):
            result.unverified.append(d)
        else:
            result.removable.append(d)
    if report.run.aborted:
        result.problems.append(f"nothing was judged: {report.run.aborted}")
    if report.run.interrupted:
        result.problems.append("the run was interrupted: its verdicts are incomplete")
    if ran == 0:
        result.problems.append("the report holds no check that ran (all skipped or not run)")
    return result
