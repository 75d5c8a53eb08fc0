"""``msaaq-contract gate REPORT --baseline FILE``: fail CI on new failures, not on accepted ones.

Exit codes:
  0  every failure is a known deviation (still valid), and the run was complete
  1  a new failure (regression), an expired baseline entry, an interrupted run, a report where nothing ran, or
     (with --access-baseline) an identity refused in the baseline report and allowed now
  2  the report or the baseline is missing, corrupt or does not match its schema (one-line error)

``failed`` checks gate. ``uncertain`` (failure on a low-confidence operation: the contract may be at fault)
and ``error`` (the target did not answer) are listed but do not gate unless ``--strict``. Baseline entries
that now only match passing checks ("can be removed") or match nothing in the report ("no longer exist")
are listed and do not gate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..errors import ConfigError
from ..reporting.baseline import KnownDeviation, load_baseline
from ..reporting.gate import GateItem, GateResult, evaluate
from ..reporting.writers import load_report

DEFAULT_BASELINE = Path("contracts/known-deviations.yaml")


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("report", type=Path, help="conformance.json of the run (merged, for sharded runs)")
    parser.add_argument(
        "--baseline", type=Path, default=DEFAULT_BASELINE, help=f"known deviations (default: {DEFAULT_BASELINE})"
    )
    parser.add_argument(
        "--access-baseline",
        type=Path,
        default=None,
        metavar="REPORT",
        help="an earlier conformance.json: an identity it saw refused and this run saw allowed fails the gate",
    )
    parser.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="date to judge expiry by (default: today)")
    parser.add_argument(
        "--strict", action="store_true", help="also fail on 'uncertain' (contract doubt) and 'error' (target) checks"
    )


def _today(value: str | None) -> dt.date:
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--today {value!r} is not a date", hint="use YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    today = _today(args.today)
    report = load_report(args.report)
    baseline = load_baseline(args.baseline)
    access = load_report(args.access_baseline) if args.access_baseline is not None else None
    result = evaluate(report, baseline, today, strict=args.strict, access_baseline=access)
    print("\n".join(render_result(result, str(args.baseline))))
    print_summary(result)
    return result.exit_code


def _entry(d: KnownDeviation, baseline: str, extra: str = "") -> str:
    return f"  {d.label}  ({baseline} entry {d.index + 1}, owner {d.owner}, expires {d.expires}{extra})"


def _items(items: list[GateItem]) -> list[str]:
    return [f"  {i.line}" for i in items]


def render_result(result: GateResult, baseline: str) -> list[str]:
    """The gate's verdict as plain lines: headline, then each non-empty list."""
    reasons = []
    if result.new:
        reasons.append(f"{len(result.new)} new failure{'s' if len(result.new) != 1 else ''}")
    if result.expired:
        reasons.append(f"{len(result.expired)} expired known deviation{'s' if len(result.expired) != 1 else ''}")
    if result.escalations:
        n = len(result.escalations)
        reasons.append(f"{n} escalation{'s' if n != 1 else ''} in the authorization matrix")
    reasons += result.problems
    lines = [f"gate: FAILED ({'; '.join(reasons)})" if reasons else "gate: passed"]
    sections: list[tuple[str, list[str]]] = [
        (f"new failures (not in {baseline}):", _items(result.new)),
        (
            "escalations (refused in the access baseline, allowed now):",
            [f"  {e.line}" for e in result.escalations],
        ),
        (
            "expired known deviations (fix the endpoint, or renew the entry with a reason):",
            [_entry(d, baseline) for d in result.expired],
        ),
        ("known deviations that now pass (can be removed):", [_entry(d, baseline) for d in result.removable]),
        (
            "known deviations whose endpoint/check no longer exists in the report (can be removed):",
            [_entry(d, baseline) for d in result.stale],
        ),
        (
            "known deviations not verified by this run (their checks errored or did not run):",
            [_entry(d, baseline) for d in result.unverified],
        ),
        ("not gating (use --strict to gate on them):", [f"  {i.outcome:<9} {i.line}" for i in result.not_gating]),
    ]
    for title, body in sections:
        if body:
            lines += ["", title, *body]
    return lines


def summary_rows(result: GateResult) -> list[tuple[str, int, str]]:
    return [
        ("new failures", len(result.new), "gates"),
        ("authorization escalations", len(result.escalations), "gates"),
        ("known deviations (still failing)", len(result.known), ""),
        ("expired baseline entries", len(result.expired), "gates"),
        ("removable baseline entries", len(result.removable) + len(result.stale), ""),
        ("contract uncertain", sum(1 for i in result.not_gating if i.outcome == "uncertain"), "gates with --strict"),
        ("target errors, not judged", sum(1 for i in result.not_gating if i.outcome == "error"), "gates with --strict"),
    ]


def print_summary(result: GateResult) -> None:
    """A short table: rich on a terminal, plain aligned text otherwise (CI logs, pipes, tests)."""
    rows = summary_rows(result)
    verdict = "passed" if result.passed else "FAILED"
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"gate {verdict}", title_justify="left")
        table.add_column("")
        table.add_column("count", justify="right")
        table.add_column("")
        for name, count, note in rows:
            style = "bold red" if count and note == "gates" else None
            table.add_row(name, str(count), note, style=style)
        Console().print(table)
        return
    print()
    print(f"summary (gate {verdict})")
    for name, count, note in rows:
        print(f"  {name:<34}{count:>5}  {note}".rstrip())
