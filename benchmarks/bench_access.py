"""How often the who-may-call-what families catch the reference server's authorization faults, at what cost.

    python benchmarks/bench_access.py [-k TEXT]

For each authorization fault the fault is put on every documented operation its family probes and the fault can
show on, and that family's tests run against ``--sim`` (one server, serially). Printed per fault: operations,
operations whose family failed (detection; "uncertain" where our contract only guesses the route), and the
requests the family sent (from the ledger). A clean run of every access family gives the false alarms (must be
0) and what a full run of them costs. Verdicts are deterministic; numbers go in the issue notes.
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

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.access import probe_kind
from msaaq_contract.families import FAMILIES, applies_to
from msaaq_contract.refserver import Fault

REPO = Path(__file__).resolve().parents[1]
# fault -> (family, the test's applicability rule, the kind of probe it shows on or None for any)
FAULTS: dict[str, tuple[str, str, str | None]] = {
    "foreign_role_served": ("roles", "foreign_role", None),
    "token_not_bound": ("binding", "bound_token", None),
    "write_before_refusal": ("binding", "bound_token", "write"),
    "owner_not_checked": ("ownership", "owned_writes", None),
    "existence_leak": ("isolation", "owned_reads", None),
    "cross_tenant_leak": ("isolation", "tenant_lists", None),
}
ACCESS_FAMILIES = ("roles", "binding", "ownership", "isolation")


def targets(name: str) -> list[str]:
    contract = load_contract()
    fault, (_, rule, kind) = Fault(name), FAULTS[name]
    return [
        doc_id
        for doc_id, op in contract.documented()
        if applies_to(contract, rule, op, doc_id)
        and fault.applies(op, contract)
        and (kind is None or probe_kind(contract, op) == kind)
    ]


def run(faults: list[dict[str, Any]], marker: str, ids: list[str] | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-access-"))
    (work / "faults.yaml").write_text(yaml.safe_dump(faults))
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "--sim", "--sim-faults", str(work / "faults.yaml"),
        "--report-dir", str(work), "-p", "no:xdist", "-q", "--no-header", "-m", marker,
    ]  # fmt: skip
    if ids is not None:
        command += ["-k", " or ".join(ids)]
    subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    report = json.loads((work / "conformance.json").read_text())
    outcomes = {(e["id"], fam): c["outcome"] for e in report["endpoints"] for fam, c in e["checks"].items()}
    ledger = report["run"].get("ledger") or {}
    return {"outcomes": outcomes, "by_family": ledger.get("by_family") or {}, "requests": ledger.get("requests", 0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-k", dest="select", default=None, help="only documented ids containing this text")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    for name, (family, _, _) in FAULTS.items():
        ids = [i for i in targets(name) if args.select is None or args.select in i]
        broken = run([{"fault": name, "operations": ids}], family, ids)
        seen = [broken["outcomes"].get((i, family)) for i in ids]
        caught, uncertain = seen.count("failed"), seen.count("uncertain")
        missed = [i for i, o in zip(ids, seen, strict=True) if o not in ("failed", "uncertain")]
        print(
            f"{name} ({family}): caught on {caught}/{len(ids)} operations ({caught / max(len(ids), 1):.0%}), "
            f"uncertain on {uncertain} more; {broken['by_family'].get(family, 0)} {family} requests"
        )
        if missed:
            print(f"  missed: {', '.join(missed[:8])}{' ...' if len(missed) > 8 else ''}")
    clean = run([], " or ".join(ACCESS_FAMILIES), None)
    alarms = sorted({k for k, o in clean["outcomes"].items() if k[1] in ACCESS_FAMILIES and o in ("failed", "error")})
    cost = ", ".join(f"{f} {clean['by_family'].get(f, 0):,}" for f in ACCESS_FAMILIES if f in FAMILIES)
    print(f"clean run of {', '.join(ACCESS_FAMILIES)}: {len(alarms)} false alarms; requests: {cost}")
    for doc_id, fam in alarms[:8]:
        print(f"  false alarm: {doc_id} {fam}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
