"""``msaaq-contract coverage --observed REPORT...``: which model members and enum values live answers showed.

The answers are the recorded exchanges of each report's cassettes (the run must have recorded:
``--record-mode=rewrite --cassette-dir DIR``). Printed: how many models, members and enum values of the contract
the answers showed; the members declared but never seen and the enum values never seen (with how many objects
of the model were seen); members only ever null, and nullable members never null. ``--json`` gives the whole table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..calibration.evidence import run_report
from ..calibration.observed import Observed, observe, summary
from ..contract import Contract
from ..errors import ReportError
from ..reporting.verdict import Report

LIMIT = 25  # lines per list in the text output; --json lists everything


def folders(path: Path, report: Report, contract: Contract) -> list[tuple[str, Path]]:
    """(documented id, cassette folder) of every check of the report that recorded one."""
    found = {
        (endpoint.id, Path(check.cassette).parent)
        for endpoint, check in report.checks()
        if check.cassette and endpoint.id in contract.by_doc_id
    }
    existing = sorted(f for f in found if f[1].is_dir())
    if not existing:
        raise ReportError(
            f"{path}: its run recorded no cassettes here, so there are no answers to read",
            hint="record the live run (--record-mode=rewrite --cassette-dir DIR) and pass its report",
        )
    return existing


def run(paths: list[Path], contract: Contract, as_json: bool) -> int:
    observed = Observed()
    targets = []
    for path in paths:
        report, _ = run_report(path)
        targets.append(f"{report.run.target} ({report.run.mode}, {report.run.started_at[:10]})")
        observe(contract, folders(path, report, contract), observed)
    table = summary(contract, observed)
    if as_json:
        print(json.dumps({"reports": [str(p) for p in paths], "targets": targets, **table}, indent=1, default=str))
        return 0
    print(f"observed coverage: {observed.answers} recorded answers of {len(paths)} run(s): {'; '.join(targets)}")
    for line in render(table):
        print(line)
    return 0


def render(table: dict[str, Any]) -> list[str]:
    models: dict[str, Any] = table["models"]
    members = [(m, n, s) for m, model in models.items() for n, s in model["members"].items()]
    never = [(m, n) for m, n, s in members if s["value"] + s["null"] == 0]
    only_null = [(m, n) for m, n, s in members if s["value"] == 0 and s["null"] > 0]
    never_null = [(m, n) for m, n, s in members if s["nullable"] and s["value"] > 0 and s["null"] == 0]
    enums = [(m, n, s) for m, n, s in members if "enum_never" in s]
    declared_values = sum(len(s["enum_seen"]) + len(s["enum_never"]) for _, _, s in enums)
    unseen_values = [(m, n, v) for m, n, s in enums for v in s["enum_never"]]
    total = len(models) + len(table["models_never_seen"])
    lines = [
        f"models: {len(models)} of {total} seen in an answer; never seen: {len(table['models_never_seen'])}",
        f"members of the seen models: {len(members)} declared; {len(members) - len(never) - len(only_null)} seen "
        f"with a value, {len(only_null)} only ever null, {len(never)} never seen (absent from every answer)",
        f"enum values of the seen members: {declared_values} declared; {declared_values - len(unseen_values)} seen, "
        f"{len(unseen_values)} never seen",
        f"nullable members never null: {len(never_null)}",
        "",
        f"members declared but never seen ({len(never)}; model (objects seen): members):",
    ]
    by_model: dict[str, list[str]] = {}
    for model, name in never:
        by_model.setdefault(model, []).append(name)
    ranked = sorted(by_model.items(), key=lambda kv: (-models[kv[0]]["objects"], kv[0]))
    lines += [f"  {m} ({models[m]['objects']}): {_some(names)}" for m, names in ranked[:LIMIT]]
    lines += _more(len(ranked))
    lines.append(f"enum values never seen ({len(unseen_values)}; model.member: values):")
    by_member: dict[str, list[str]] = {}
    for model, name, value in unseen_values:
        by_member.setdefault(f"{model}.{name}", []).append(json.dumps(value, ensure_ascii=False))
    lines += [f"  {key}: {_some(values)}" for key, values in sorted(by_member.items())[:LIMIT]]
    lines += _more(len(by_member))
    for title, pairs in (("members only ever null", only_null), ("nullable members never null", never_null)):
        names = [f"{m}.{n}" for m, n in pairs]
        lines.append(f"{title} ({len(names)}): {', '.join(names[:LIMIT])}")
        lines += _more(len(names))
    return lines


def _some(items: list[str], limit: int = 12) -> str:
    return ", ".join(items[:limit]) + (f" (+{len(items) - limit})" if len(items) > limit else "")


def _more(count: int) -> list[str]:
    return [f"  (+{count - LIMIT} more: --json lists them all)"] if count > LIMIT else []
