"""``calibrate --apply``: the decisions of a review file, written through the contract's source of truth.

``fix`` groups become overrides changes (with the run's date, the evidence count and the group key), applied
to the split files by the same ``apply_changes`` the build tool merges them with; ``keep`` groups become
known-deviation entries; operations seen conforming on a live target get ``x-observed``. Every new text is
computed first and the resulting contract is validated in a scratch copy; only then is anything written, so
a bad decision or a broken result writes nothing. Applying the same decisions again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..contract import Contract
from ..contract.loader import bundle, validate
from ..contract.overrides import Overrides, load_overrides
from ..errors import ReportError
from ..reporting.atomic import atomic_write_text
from .deviations import baseline_text, kept_entries
from .evidence import Evidence
from .grouping import Group
from .review import Decision, Review
from .sources import SourceFiles


@dataclass
class Applied:
    fixed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # decided in the review, no longer observed (already applied)
    changes: int = 0
    deviations: int = 0
    observed: int = 0
    written: list[Path] = field(default_factory=list)


def observed_changes(evidence: Evidence, contract: Contract) -> list[dict[str, Any]]:
    """``x-observed`` for the operations seen conforming on a live target (never older evidence over newer)."""
    target = evidence.live_target
    if target is None:
        return []
    out = []
    for op_id, ids in sorted(evidence.conforming.items()):
        current = contract.operations[op_id].raw.get("x-observed")
        current = current if isinstance(current, dict) else {}
        if str(current.get("date", "")) > evidence.date:
            continue
        same_run = current.get("date") == evidence.date and current.get("target") == target
        merged = sorted(set(ids) | (set(current.get("ids") or []) if same_run else set()))
        if current == {"date": evidence.date, "target": target, "ids": merged}:
            continue
        out.append({"change": "observed", "operation": op_id, "date": evidence.date, "target": target, "ids": merged})
    return out


def _decided(
    evidence: Evidence, groups: list[Group], review: Review, where: str, applied: Applied
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    changes: list[dict[str, Any]] = []
    entries: list[dict[str, str]] = []
    for group in groups:
        decision = review.decisions.get(group.key, Decision(group.key))
        if decision.decision == "fix":
            if not group.fixable:
                raise ReportError(f"{where}: group {group.key} has no automatic contract change", hint="decide keep")
            provenance = {"date": evidence.date, "evidence": group.evidence, "group": group.key}
            changes += [{**change, **provenance} for change in group.changes]
            applied.fixed.append(group.key)
        elif decision.decision == "keep":
            entries += kept_entries(group, decision, where)
            applied.kept.append(group.key)
        elif decision.decision == "undecided":
            applied.undecided.append(group.key)
    keys = {g.key for g in groups}
    applied.gone = sorted(k for k, d in review.decisions.items() if k not in keys and d.decision in ("fix", "keep"))
    return changes, entries


def _merged(overrides: Overrides, changes: list[dict[str, Any]], digests: list[str]) -> Overrides:
    observed = {c["operation"] for c in changes if c["change"] == "observed"}
    # x-observed is a state, not a step: the newest entry per operation replaces the older one.
    kept = [c for c in overrides.changes if not (c["change"] == "observed" and c.get("operation") in observed)]
    calibrated = list(dict.fromkeys([*overrides.calibrated_from, *digests]))
    return Overrides(calibrated, kept + changes)


def _verify(contract: Contract, texts: dict[Path, str]) -> None:
    """Bundle and validate the contract as it would be written, before writing it."""
    validate(bundle(contract.bundle.root, texts=texts))


def apply_calibration(
    evidence: Evidence,
    groups: list[Group],
    review: Review,
    contract: Contract,
    *,
    review_path: Path,
    overrides_path: Path,
    baseline_path: Path,
) -> Applied:
    applied = Applied()
    changes, entries = _decided(evidence, groups, review, str(review_path), applied)
    observed = observed_changes(evidence, contract)
    texts = SourceFiles(contract).apply(changes + observed) if changes or observed else {}
    if texts:
        overrides = _merged(
            load_overrides(overrides_path), changes + observed, [evidence.report.run.contract_digest, contract.digest]
        )
        texts[overrides_path] = overrides.to_yaml()
        applied.changes, applied.observed = len(changes), len(observed)
    baseline = baseline_text(baseline_path, entries)
    if baseline is not None:
        texts[baseline_path], applied.deviations = baseline
    if texts:
        _verify(contract, texts)
    for path, text in texts.items():
        atomic_write_text(path, text)
        applied.written.append(path)
    return applied
