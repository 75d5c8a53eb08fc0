"""``msaaq-contract calibrate REPORT [--cassettes DIR] [--apply]``: from a live run's deviations to a truer contract.

Without ``--apply``: group the run's deviations by root cause, print them, and write the review file
(``calibration.md`` beside the report; decisions already in it are kept). With ``--apply``: read the
decisions back and write them (``fix`` into the contract through ``contracts/overrides.yaml``, ``keep`` into
``contracts/known-deviations.yaml``; ``x-observed`` for operations seen conforming on a live target).

Exit codes: 0 success; 2 bad input (an offline run, a report of another contract, a corrupt report, cassette
or review file, an impossible decision), with nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..calibration.apply import Applied, apply_calibration, observed_changes
from ..calibration.evidence import Evidence, check_contract, collect, run_report
from ..calibration.grouping import Group, Grouper, shared_drifts
from ..calibration.recorded import refine_with_cassettes
from ..calibration.refusals import collect_refusals
from ..calibration.review import Decision, drift_lines, parse_review, render_review
from ..contract import Contract, load_contract
from ..contract.overrides import OVERRIDES_NAME, load_overrides
from ..errors import ReportError
from ..redaction import Redactor
from ..reporting.atomic import atomic_write_text
from ..reporting.render import squash

REVIEW_NAME = "calibration.md"
REDACT = Redactor()  # reports and cassettes carry no credentials; the review file is redacted by pattern


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    parser.add_argument("report", type=Path, help="conformance.json of a live (or --sim) run")
    parser.add_argument("--cassettes", type=Path, default=None, help="cassette folder of the run, when it recorded")
    parser.add_argument("--apply", action="store_true", help="write the decisions of the review file")
    parser.add_argument("--contract", type=Path, default=None, help="root openapi.yaml or its folder")
    parser.add_argument("--review", type=Path, default=None, help=f"review file (default: {REVIEW_NAME} by the report)")
    parser.add_argument("--baseline", type=Path, default=None, help="known deviations (default: beside the contract)")


def _evidence(args: argparse.Namespace) -> tuple[Contract, Evidence, list[Group]]:
    report, digest = run_report(args.report)  # first: a bad report fails before the contract is read
    # Fresh: an earlier --apply in this process changed the files the cached contract was read from.
    contract = load_contract(args.contract, fresh=True)
    folder = contract.bundle.root.parent
    check_contract(args.report, report, contract, load_overrides(folder / OVERRIDES_NAME).calibrated_from)
    evidence = collect(args.report, report, digest, contract)
    if args.cassettes is not None:
        refine_with_cassettes(evidence, contract, args.cassettes)
        known = [e.id for e in report.endpoints if e.id in contract.by_doc_id]
        evidence.observations += collect_refusals(contract, known, args.cassettes)
    return contract, evidence, Grouper(contract).group(evidence.observations)


def run(args: argparse.Namespace) -> int:
    contract, evidence, groups = _evidence(args)
    review_path: Path = args.review or args.report.parent / REVIEW_NAME
    folder = contract.bundle.root.parent
    if args.apply:
        review = parse_review(review_path)
        if review.report_digest != evidence.report_digest:
            raise ReportError(
                f"{review_path}: written for another report (digest {review.report_digest})",
                hint=f"run `msaaq-contract calibrate {args.report}` to refresh it, then decide again",
            )
        applied = apply_calibration(
            evidence,
            groups,
            review,
            contract,
            review_path=review_path,
            overrides_path=folder / OVERRIDES_NAME,
            baseline_path=args.baseline or folder / "known-deviations.yaml",
        )
        print_applied(applied)
        return 0
    # A person's decisions survive a re-run; a review file that does not parse is an error, not overwritten.
    decisions = parse_review(review_path).decisions if review_path.is_file() else {}
    observed = len(observed_changes(evidence, contract))
    # Its examples quote recorded values: written, like every file of a run, through the redactor.
    atomic_write_text(review_path, REDACT.text(render_review(evidence, groups, contract, decisions, observed)))
    print_groups(groups, decisions)
    for line in drift_lines(shared_drifts(groups)):
        print("  " + line.replace("`", ""))
    print(f"\nreview file: {review_path} — decide each group (fix | keep | skip), then run:")
    print(f"  msaaq-contract calibrate {args.report} --apply" + (f" --review {args.review}" if args.review else ""))
    return 0


def _rows(groups: list[Group], decisions: dict[str, Decision]) -> list[tuple[str, ...]]:
    return [
        (
            str(i),
            g.kind,
            squash(REDACT.text(g.summary), 70),
            f"{g.evidence}/{g.responses}/{len(g.operations)}",
            str(len(g.touches)),
            "auto" if g.fixable else "manual",
            decisions.get(g.key, Decision(g.key)).decision,
        )
        for i, g in enumerate(groups, 1)
    ]


HEADERS = ("#", "kind", "root cause", "findings/responses/ops", "touches", "change", "decision")


def print_groups(groups: list[Group], decisions: dict[str, Decision]) -> None:
    """The groups as a table: rich on a terminal, aligned plain text otherwise (CI logs, pipes, tests)."""
    rows = _rows(groups, decisions)
    if not rows:
        print("calibration: no deviation to group (everything conformed, or the contract already accepts it)")
        return
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"calibration: {len(rows)} group(s)", title_justify="left")
        for header in HEADERS:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
        return
    widths = [max(len(r[i]) for r in [HEADERS, *rows]) for i in range(len(HEADERS))]
    print(f"calibration: {len(rows)} group(s)")
    for row in [HEADERS, *rows]:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def print_applied(applied: Applied) -> None:
    print(
        f"calibration applied: {len(applied.fixed)} fixed ({applied.changes} contract changes), "
        f"{len(applied.kept)} kept ({applied.deviations} new known deviations), "
        f"{applied.observed} operations observed, {len(applied.undecided)} undecided"
    )
    for key in applied.gone:
        print(f"  already applied (no longer observed): {key}")
    for key in applied.undecided:
        print(f"  undecided: {key}")
    if not applied.written:
        print("nothing to write: the contract and the known deviations already hold these decisions")
    for path in applied.written:
        print(f"  wrote {path}")
