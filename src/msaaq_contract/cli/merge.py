"""``merge-reports`` and ``report``: combine shard reports, or re-render a report's HTML and Markdown.

msaaq-contract merge-reports reports/shard-*/conformance.json --out reports
msaaq-contract report reports/conformance.json --out DIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..reporting.merge import merge_files
from ..reporting.writers import load_report, write_reports


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    if command == "merge-reports":
        parser.add_argument("reports", nargs="+", type=Path, help="the shards' conformance.json files")
        parser.add_argument("--out", type=Path, default=Path("reports"), help="folder for the merged reports")
    else:
        parser.add_argument("report", type=Path, help="a conformance.json")
        parser.add_argument("--out", type=Path, default=None, help="folder to write to (default: the report's)")
    parser.set_defaults(_command=command)


def run(args: argparse.Namespace) -> int:
    if args._command == "merge-reports":
        report = merge_files(list(args.reports))
        written = write_reports(report, args.out)
        print(f"merged {len(args.reports)} reports ({len(report.endpoints)} endpoints) into:")
    else:
        report = load_report(args.report)
        # The JSON is the source here: rewriting it would only risk the original.
        written = write_reports(report, args.out or args.report.parent, formats=("markdown", "html"))
        print("rendered:")
    for path in written:
        print(f"  {path}")
    return 0
