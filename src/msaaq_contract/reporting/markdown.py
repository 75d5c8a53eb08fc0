"""``summary.md``: the short report a CI job summary shows (GitHub renders it from ``$GITHUB_STEP_SUMMARY``).

Totals first, then the failures as a table (id, check, one line), the contract-uncertain and target-error
findings in their own tables (they are not API failures), and the full four-part rendering of the first
failures in a collapsed block. Long tables are cut; conformance.html always has everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import access_matrix
from .render import check_one_line, describe_ledger, render_check
from .verdict import FAMILIES, OUTCOME_ORDER, CheckVerdict, EndpointVerdict, Report

MAX_ROWS = 100
MAX_DETAILS = 20


def cell(text: str) -> str:
    """Make text safe inside a Markdown table cell: no line breaks, no pipes, no raw HTML."""
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def overall(report: Report) -> str:
    """The run's headline word: failed beats error beats passed; an interrupted run says so."""
    outcomes = {cv.outcome for _, cv in report.checks()}
    word = "failed" if "failed" in outcomes else "error" if "error" in outcomes else "passed"
    if not outcomes:
        word = "no checks ran"
    if report.run.aborted:
        word = f"nothing judged ({report.run.aborted})"
    return f"{word} (interrupted)" if report.run.interrupted else word


def _run_table(report: Report) -> list[str]:
    run = report.run
    rows = [
        ("target", run.target),
        ("mode", run.mode),
        ("contract", f"{run.contract_version} (digest `{run.contract_digest}`)"),
        ("seed", str(run.seed)),
        ("started", run.started_at),
        ("duration", f"{run.duration_s:.1f} s"),
        ("interrupted", "yes: verdicts are incomplete" if run.interrupted else "no"),
    ]
    if run.discovery:
        rows.append(("discovery", run.discovery))
    if run.ledger:
        rows.append(("requests", describe_ledger(run.ledger)))
    if run.aborted:
        rows.append(("aborted", f"nothing was judged: {run.aborted}"))
    if run.shard:
        rows.append(("shard", run.shard))
    if run.exit_status is not None:
        rows.append(("pytest exit status", str(run.exit_status)))
    return ["| run | |", "|---|---|", *(f"| {k} | {cell(v) if k != 'contract' else v} |" for k, v in rows)]


def _count_table(title: str, rows: Iterable[tuple[str, dict[str, int]]], with_total: bool) -> list[str]:
    head = f"| {title} |" + (" total |" if with_total else "") + "".join(f" {o} |" for o in OUTCOME_ORDER)
    sep = "|---|" + ("---:|" if with_total else "") + "---:|" * len(OUTCOME_ORDER)
    lines = [head, sep]
    for name, counts in rows:
        total = f" {sum(counts.values())} |" if with_total else ""
        lines.append(f"| {cell(name)} |{total}" + "".join(f" {counts.get(o, 0)} |" for o in OUTCOME_ORDER))
    return lines


def _checks_with(report: Report, outcome: str) -> list[tuple[EndpointVerdict, CheckVerdict]]:
    return [(e, cv) for e, cv in report.checks() if cv.outcome == outcome]


def _finding_table(items: list[tuple[EndpointVerdict, CheckVerdict]], third: str) -> list[str]:
    lines = [f"| id | check | {third} |", "|---|---|---|"]
    for e, cv in items[:MAX_ROWS]:
        lines.append(f"| `{e.id}` | {cv.family} | {cell(check_one_line(cv))} |")
    if len(items) > MAX_ROWS:
        lines.append(f"| … | | {len(items) - MAX_ROWS} more: see conformance.html |")
    return lines


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside, so API text cannot close it early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_markdown(report: Report) -> str:
    totals = report.totals()
    failed = _checks_with(report, "failed")
    uncertain = _checks_with(report, "uncertain")
    errors = _checks_with(report, "error")
    lines = [f"# MSAAQ conformance: {overall(report)}", ""]
    if report.run.verdict_on:
        lines += [f"Verdict on {report.run.verdict_on}.", ""]
    lines.append(
        f"{totals['endpoints']} endpoints; checks: {len(failed)} failed, {len(uncertain)} contract uncertain, "
        f"{_plural(len(errors), 'target error')}."
    )
    lines += ["", *_run_table(report), "", "## Endpoints by outcome", ""]
    lines += ["| outcome | endpoints |", "|---|---:|"]
    lines += [f"| {o} | {totals['by_outcome'].get(o, 0)} |" for o in OUTCOME_ORDER]
    lines += ["", "## Endpoints by area", ""]
    lines += _count_table("area", sorted(totals["by_area"].items()), with_total=True)
    lines += ["", "## Checks by family", ""]
    by_family: dict[str, dict[str, int]] = totals["by_family"]
    families = [f for f in FAMILIES if f in by_family] + sorted(set(by_family) - set(FAMILIES))
    lines += _count_table("family", [(f, by_family[f]) for f in families], with_total=True)
    access = access_matrix.counts(report)
    if access:
        lines += ["", "## Who may call what", ""]
        lines += ["Operations per identity (the matrix itself is in conformance.json and conformance.html).", ""]
        lines += ["| identity | allowed | refused | unclear |", "|---|---:|---:|---:|"]
        lines += [f"| {cell(w)} | {n['allowed']} | {n['refused']} | {n['unclear']} |" for w, n in access.items()]
    lines += ["", f"## Failures ({len(failed)})", ""]
    lines += _finding_table(failed, "message") if failed else ["None."]
    lines += ["", f"## Contract uncertain ({len(uncertain)})", ""]
    lines += ["Failures on low-confidence operations: the contract may be wrong here, not the API.", ""]
    lines += _finding_table(uncertain, "message") if uncertain else ["None."]
    lines += ["", f"## Target errors ({len(errors)})", ""]
    lines += ["The target did not answer usefully (timeout, unreachable): no verdict on the contract.", ""]
    lines += _finding_table(errors, "error") if errors else ["None."]
    if failed:
        text = "\n\n".join(render_check(e.id, cv) for e, cv in failed[:MAX_DETAILS])
        fence = _fence(text)
        shown = min(len(failed), MAX_DETAILS)
        lines += ["", f"<details><summary>Details of the first {shown} failures</summary>", ""]
        lines += [f"{fence}text", text, fence, "", "</details>"]
    return "\n".join(lines) + "\n"
