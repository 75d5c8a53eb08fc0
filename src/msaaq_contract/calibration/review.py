"""The review file: the groups of one report as Markdown, with a decision block a person edits per group.

Each group ends with a YAML block::

    group: null:admin.Coupon/properties/minimum_amount
    decision: undecided   # fix | keep | skip
    owner: ''
    reason: ''
    expires: ''

``fix`` writes the proposed change into the contract, ``keep`` records a known deviation (owner, reason and
expires are then required), ``skip`` and ``undecided`` do nothing. Writing the file again keeps the decisions
of groups that still exist, so a person's edits survive a re-run of ``calibrate``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..contract import Contract
from ..errors import ReportError
from ..reporting.render import squash
from .evidence import Evidence, Observation
from .grouping import Group, shared_drifts

DECISIONS = ("undecided", "fix", "keep", "skip")
FORMAT = 1
_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.DOTALL | re.MULTILINE)
LIST_MAX = 8


@dataclass(frozen=True)
class Decision:
    group: str
    decision: str = "undecided"
    owner: str = ""
    reason: str = ""
    expires: str = ""


@dataclass(frozen=True)
class Review:
    report_digest: str
    contract_digest: str
    decisions: dict[str, Decision]


def describe_change(change: dict[str, Any]) -> str:
    owner = change.get("schema") or change.get("operation")
    at = f"`{owner}` `{change.get('pointer') or '/'}`"
    kind = change["change"]
    if kind == "add-types":
        return f"allow type {', '.join(change['types'])} at {at}"
    if kind == "add-enum":
        return f"add {', '.join(repr(v) for v in change['values'])} to the enum at {at}"
    if kind == "not-required":
        return f"stop requiring `{change['property']}` at {at}"
    if kind == "require":
        declare = " (declared: the contract did not know it)" if "declare" in change else ""
        return f"require `{change['property']}` in the request body of `{owner}`{declare}"
    if kind == "set-type":
        return f"type `{change['property']}` as {', '.join(change['types'])} in the request body of `{owner}`"
    if kind == "set-enum":
        values = ", ".join(repr(v) for v in change["values"])
        return f"allow only {values} for `{change['property']}` in the request body of `{owner}`"
    if kind == "alias-method":
        return f"record {', '.join(change['methods'])} as the framework's alias of `{owner}` (x-method-aliases)"
    body = f"with the body documented for {change['like']}" if change.get("like") else "without a body"
    return f"document HTTP {change['status']} on `{owner}` {body}"


def _example(o: Observation, contract: Contract) -> str:
    op = contract.operations[o.operation_id]
    f = o.finding
    head = f"`{o.doc_id}` {op.method.upper()} `{op.path}` → HTTP {o.status if o.status is not None else '?'}"
    if f.check == "schema" and f.pointer is not None:
        return f"{head}, at `{f.pointer}`: `{squash(f.actual, 80)}` (contract: `{squash(f.expected, 80)}`)"
    return f"{head}: {squash(f.title)}: {squash(f.message, 160)}"


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:LIST_MAX])
    return shown + (f" (+{len(names) - LIST_MAX} more)" if len(names) > LIST_MAX else "")


def _group_section(index: int, group: Group, contract: Contract, decision: Decision) -> list[str]:
    per_op = Counter(o.operation_id for o in group.observations)
    evidence = ", ".join(f"{op} ×{n}" for op, n in sorted(per_op.items()))
    change = "; ".join(describe_change(c) for c in group.changes) if group.changes else f"none automatic: {group.hint}"
    block = {
        "group": group.key,
        "decision": decision.decision,
        "owner": decision.owner,
        "reason": decision.reason,
        "expires": decision.expires,
    }
    decision_yaml = yaml.safe_dump(block, sort_keys=False, allow_unicode=True, width=1000)
    decision_yaml = decision_yaml.replace(
        f"decision: {decision.decision}\n", f"decision: {decision.decision}  # fix | keep | skip\n"
    )
    return [
        f"## {index}. {group.summary}",
        "",
        f"`{group.kind}` · {group.evidence} findings in {group.responses} responses of "
        f"{len(group.operations)} operation(s)",
        "",
        f"- **Example**: {_example(group.example, contract)}",
        f"- **Evidence**: {evidence} (families: {', '.join(group.families)})",
        f"- **Contract now**: `{group.declared or '-'}`" + (f" at `{group.where}`" if group.where else ""),
        f"- **Proposed change**: {change}",
        f"- **Touches**: {len(group.touches)} operation(s): {_listing(group.touches) or '-'}",
        "",
        "```yaml",
        decision_yaml.rstrip("\n"),
        "```",
        "",
    ]


def render_review(
    evidence: Evidence, groups: list[Group], contract: Contract, decisions: dict[str, Decision], observed: int
) -> str:
    run = evidence.report.run
    meta = {"calibration-review": FORMAT, "report": str(evidence.path), "report-digest": evidence.report_digest}
    meta["contract-digest"] = contract.digest
    conforming = (
        f"{observed} operation(s) conformed on {evidence.live_target}: `--apply` records `x-observed` on them."
        if evidence.live_target
        else "The target was the reference server: no `x-observed` evidence about the API is recorded."
    )
    lines = [
        "# Contract calibration review",
        "",
        f"Run of {run.started_at} ({run.mode}) against {run.target}; contract digest `{contract.digest}`.",
        f"{len(groups)} group(s) from {len(evidence.observations)} findings on {len(evidence.doc_ids)} "
        "documented endpoint id(s). " + conforming,
        "",
        "Decide each group on its `decision:` line, then run `msaaq-contract calibrate REPORT --apply`:",
        "`fix` writes the proposed change into the contract (`contracts/overrides.yaml` and the split files),",
        "`keep` records a known deviation (fill `owner`, `reason` and `expires` as YYYY-MM-DD), `skip` does nothing.",
        "",
        "```yaml",
        yaml.safe_dump(meta, sort_keys=False).rstrip("\n"),
        "```",
        "",
    ]
    shared = shared_drifts(groups)
    if shared:
        lines += ["The same member differs in several models (each model below keeps its own decision):", ""]
        lines += [f"- {line}" for line in drift_lines(shared, every=True)] + [""]
    for i, group in enumerate(groups, 1):
        lines += _group_section(i, group, contract, decisions.get(group.key, Decision(group.key)))
    return "\n".join(lines)


def drift_lines(shared: list[tuple[str, str, list[str]]], every: bool = False) -> list[str]:
    """One line per member that differs in several models: "`slug` is null in 14 models: admin.Academy, ..."."""
    return [
        f"`{member}` is {drift} in {len(models)} models: {', '.join(models) if every else _listing(models)}"
        for member, drift, models in shared
    ]


def _text(value: Any, field: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):  # an unquoted YYYY-MM-DD
        return value.isoformat()
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ReportError(f"{where}: {field} must be text")
    return str(value).strip()


def parse_review(path: Path) -> Review:
    """Read a review file back; every problem is a one-line ReportError naming the file and the group."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no review file", hint="run `msaaq-contract calibrate REPORT` first") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read the review file ({exc.__class__.__name__})") from None
    meta: dict[str, Any] | None = None
    decisions: dict[str, Decision] = {}
    for n, match in enumerate(_BLOCK.finditer(text), 1):
        try:
            block = yaml.safe_load(match.group(1))
        except yaml.YAMLError:
            raise ReportError(f"{path}: YAML block {n} is not valid YAML") from None
        if not isinstance(block, dict):
            raise ReportError(f"{path}: YAML block {n} is not a mapping")
        if "calibration-review" in block:
            meta = block
            continue
        key = _text(block.get("group"), "group", f"{path}: YAML block {n}")
        where = f"{path}: group {key}"
        decision = _text(block.get("decision"), "decision", where) or "undecided"
        if decision not in DECISIONS:
            raise ReportError(f"{where}: decision {decision!r} is not one of {', '.join(DECISIONS)}")
        fields = {f: _text(block.get(f), f, where) for f in ("owner", "reason", "expires")}
        decisions[key] = Decision(key, decision, **fields)
    if meta is None or meta.get("calibration-review") != FORMAT:
        raise ReportError(f"{path}: not a calibration review file (no calibration-review: {FORMAT} block)")
    return Review(str(meta.get("report-digest", "")), str(meta.get("contract-digest", "")), decisions)
