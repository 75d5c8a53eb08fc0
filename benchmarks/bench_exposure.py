"""What the exposure, login-enumeration and CORS families catch, and what they cost in requests.

    python benchmarks/bench_exposure.py

Each fault of issue 22's items 7-9 is put on every operation (``operations: ["*"]``; each fault shows where it
can), and the families that should catch it run against ``--sim``:

- ``secret_member`` (a bcrypt ``password`` in ``data``) and ``debug_error_body`` (Laravel's debug members in error
  bodies): the exposure family and the auth family, whose refusals the every-answer check judges too;
- ``debug_routes_served``: the exposure family's probes; ``login_enumerates``: the enumeration family;
  ``cors_echoes_origin``: the CORS family.

Printed per fault: the documented ids the fault could show on among those run, the ids whose expected column
failed (detection), and the requests the families sent (the run's ledger, by family). A clean run of the same
families gives the false alarms, which must be 0. Verdicts are deterministic; numbers go in the issue notes.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from msaaq_contract.contract import load_contract
from msaaq_contract.refserver import Fault

REPO = Path(__file__).resolve().parents[1]
# fault -> (pytest -m expression, or the one test to run; the column that must fail)
CASES: dict[str, tuple[str, str]] = {
    "secret_member": ("exposure", "exposure"),
    "debug_error_body": ("exposure or auth", "exposure"),
    "debug_routes_served": ("exposure and not test_exposure", "exposure"),
    "login_enumerates": ("enumeration", "enumeration"),
    "cors_echoes_origin": ("cors", "cors"),
}
FAMILIES = ("exposure", "enumeration", "cors")


def run(marker: str, fault: str | None) -> tuple[dict[str, Any], float]:
    work = Path(tempfile.mkdtemp(prefix="bench-exposure-"))
    faults = [{"fault": fault, "operations": ["*"]}] if fault else []
    (work / "faults.yaml").write_text(yaml.safe_dump(faults))
    select = ["-m", marker] if "test_" not in marker else ["-k", "test_debug_routes"]
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(work / "faults.yaml"),
        "--report-dir", str(work), "-p", "no:xdist", "-q", "--no-header", *select,
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    return json.loads((work / "conformance.json").read_text()), time.monotonic() - started


def judged(report: dict[str, Any], column: str) -> tuple[set[str], set[str]]:
    """(ids whose column was judged, ids whose column failed)."""
    ran, failed = set(), set()
    for entry in report["endpoints"]:
        cell = entry["checks"].get(column)
        if cell and cell["outcome"] in ("passed", "failed", "uncertain"):
            ran.add(entry["id"])
        if cell and cell["outcome"] in ("failed", "uncertain"):
            failed.add(entry["id"])
    return ran, failed


def main() -> None:
    contract = load_contract()
    print(f"machine: {platform.machine()} {platform.system()}, Python {platform.python_version()}")
    print(f"{'fault':22} {'can show':>9} {'caught':>7} {'requests (by family)':<40} wall")
    for fault, (marker, column) in CASES.items():
        report, wall = run(marker, fault)
        ran, failed = judged(report, column)
        kind = Fault(fault)
        applies = {i for i in ran if kind.applies(contract.operation(i), contract)}
        if fault == "debug_error_body":  # shows on refusals: the protected ids, refused without a token (401)
            applies = {i for i in ran if contract.operation(i).auth == "required"}
        by_family = report["run"]["ledger"]["by_family"]
        sent = ", ".join(f"{f} {by_family[f]}" for f in sorted(by_family))
        print(f"{fault:22} {len(applies):>9} {len(failed & applies):>7} {sent:<40} {wall:.0f} s")
    report, wall = run(" or ".join(FAMILIES), None)
    alarms = {fam: len(judged(report, fam)[1]) for fam in FAMILIES}
    ledger = report["run"]["ledger"]
    mine = {f: ledger["by_family"].get(f, 0) for f in FAMILIES}
    print(f"clean server: false alarms {alarms}; requests of the families {mine} (+ happy "
          f"{ledger['by_family'].get('happy', 0)}, shared with envelope/schema/status); {wall:.0f} s")  # fmt: skip


if __name__ == "__main__":
    main()
