"""How often fuzzing catches what only generated requests reach, and what it costs in requests.

    python benchmarks/bench_fuzz_detection.py [--examples 4 20] [-k EXPR]

For each fuzz-only fault of the reference server (``accepts_invalid``: validation skipped, for negative fuzzing;
``optional_member_500``: a crash when an optional member is sent, for positive fuzzing) the fault is put on every
documented operation it applies to (not logins and logouts: a broken token would stop the run, not test fuzzing),
and the fuzz tests of those operations run against ``--sim`` at each number of examples. Printed per fault:
operations, operations whose fuzz family failed (detection), and the fuzz requests the run sent (from the ledger).
A clean run (no fault) of the same tests gives the false alarms, which must be 0. Verdicts are seeded, so detection
does not depend on the machine; numbers go in the issue notes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from msaaq_contract.contract import Operation, load_contract
from msaaq_contract.contract.identities import identities
from msaaq_contract.families import applies_to
from msaaq_contract.refserver import Fault

REPO = Path(__file__).resolve().parents[1]
# fault -> the fuzz test's applicability rule that must pick an operation for the fault to be reachable there
FAULTS = {"accepts_invalid": "fuzz_negative", "optional_member_500": "fuzz_positive"}


def targets(name: str) -> list[str]:
    contract = load_contract()
    fault, rule, table = Fault(name), FAULTS[name], identities(contract)

    def plain(op: Operation) -> bool:  # a login or logout broken by the fault would stop the run, not test fuzzing
        return table.issued_by(op) is None and not table.ends_session(op) and not table.alters_own_account(op)

    return [
        doc_id
        for doc_id, op in contract.documented()
        if plain(op) and applies_to(contract, rule, op, doc_id) and fault.applies(op, contract)
    ]


def run(faults: list[dict[str, Any]], ids: list[str], examples: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-fuzz-"))
    (work / "faults.yaml").write_text(yaml.safe_dump(faults))
    selected = " or ".join(ids)
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(work / "faults.yaml"),
        "--max-examples", str(examples), "--report-dir", str(work), "-p", "no:xdist", "-q", "--no-header",
        "-k", f"test_fuzz and ({selected})",
    ]  # fmt: skip
    subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    report = json.loads((work / "conformance.json").read_text())
    fuzz = {e["id"]: e["checks"]["fuzz"]["outcome"] for e in report["endpoints"] if "fuzz" in e["checks"]}
    ledger = report["run"].get("ledger") or {}
    return {"fuzz": fuzz, "requests": (ledger.get("by_family") or {}).get("fuzz", 0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, nargs="+", default=[4, 20])
    parser.add_argument("-k", dest="select", default=None, help="only documented ids containing this text")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    for name in FAULTS:
        ids = [i for i in targets(name) if args.select is None or args.select in i]
        for examples in args.examples:
            broken = run([{"fault": name, "operations": ids}], ids, examples)
            clean = run([], ids, examples)
            caught = sum(broken["fuzz"].get(i) == "failed" for i in ids)
            # On an operation our contract only guesses (low confidence) a failure is reported as uncertain.
            uncertain = sum(broken["fuzz"].get(i) == "uncertain" for i in ids)
            alarms = sum(clean["fuzz"].get(i) in ("failed", "uncertain") for i in ids)
            missed = [i for i in ids if broken["fuzz"].get(i) not in ("failed", "uncertain")]
            print(
                f"{name}, {examples} examples: caught on {caught}/{len(ids)} operations "
                f"({caught / max(len(ids), 1):.0%}) and uncertain on {uncertain} more, {broken['requests']} fuzz "
                f"requests; clean run: {alarms} false alarms, {clean['requests']} fuzz requests"
            )
            if missed:
                print(f"  missed: {', '.join(missed[:8])}{' ...' if len(missed) > 8 else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
