"""How often the mass-assignment family catches writes that store what their body does not declare, and what it
costs in requests.

    python benchmarks/bench_mass_assignment.py

Four runs of the family's tests (``-m mass_assignment``), each on a fresh reference server:

* clean (``--sim``): false alarms (must be 0) and the requests of a conforming target;
* clean behind the varying proxy, as a live target with ``--msaaq-allow-writes``: false alarms under harmless
  variations, requests, and rows the probes left on the target (must be 0);
* ``mass_assignable`` on every create and update: detection over the resources whose fault can show (a probed
  member other than the row's own id, which the fault never stores), and the requests;
* ``mass_assignable`` on the creates only (the updates store nothing extra): detection through the second create.

Printed: probed resources, failed / passed / skipped rows of the probes, false alarms, the family's requests
(the ledger's ``mass_assignment`` count; logins are apart) and the plan's upper bound. Verdicts are deterministic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from msaaq_contract.checks.mass_assignment import probes
from msaaq_contract.contract import load_contract
from msaaq_contract.contract.resources import resource_graph
from msaaq_contract.pytest_plugin.mass_assignment import requests_at_most
from msaaq_contract.refserver import start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

REPO = Path(__file__).resolve().parents[1]
A, B = "academy-a.msaaq.test", "academy-b.msaaq.test"
LIVE_ENV = {
    "MSAAQ_CLIENT_ID": "demo-client", "MSAAQ_CLIENT_SECRET": "demo-secret", "MSAAQ_TENANT": A,
    "MSAAQ_ADMIN_EMAIL": f"admin@{A}", "MSAAQ_ADMIN_PASSWORD": "demo-password",
    "MSAAQ_STUDENT_EMAIL": f"student@{A}", "MSAAQ_STUDENT_PASSWORD": "demo-password",
    "MSAAQ_OTHER_TENANT": B, "MSAAQ_OTHER_ADMIN_EMAIL": f"admin@{B}", "MSAAQ_OTHER_ADMIN_PASSWORD": "demo-password",
    "MSAAQ_OTHER_STUDENT_EMAIL": f"student@{B}", "MSAAQ_OTHER_STUDENT_PASSWORD": "demo-password",
}  # fmt: skip


def showable() -> tuple[list[str], int]:
    """The probed creates on which the fault can show, and the plan's bound for all probes."""
    contract = load_contract()
    chains = resource_graph(contract).chains
    bound = sum(requests_at_most(contract, chain) for chain in chains.values())
    ids = [
        doc_id
        for doc_id, chain in chains.items()
        if requests_at_most(contract, chain)
        and any(p.member != chain.member for p in probes(contract, chain.create, chain.links["read"]))
    ]
    return sorted(ids), bound


def run(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-mass-assignment-"))
    command = [
        sys.executable, "-m", "pytest", "tests/conformance", "-m", "mass_assignment", "--msaaq-report-dir", str(work),
        "-p", "no:xdist", "-q", "--no-header", *args,
    ]  # fmt: skip
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MSAAQ_")}
    subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False, env={**full_env, **(env or {})})
    report = json.loads((work / "conformance.json").read_text())
    rows = {e["id"]: e["checks"]["mass_assignment"]["outcome"] for e in report["endpoints"]
            if "mass_assignment" in e["checks"]}  # fmt: skip
    return {"rows": rows, "requests": report["run"]["ledger"]["by_family"].get("mass_assignment", 0)}


def with_faults(operations: list[str]) -> list[str]:
    path = Path(tempfile.mkdtemp(prefix="bench-mass-assignment-faults-")) / "faults.yaml"
    path.write_text(yaml.safe_dump([{"fault": "mass_assignable", "operations": operations}]))
    return ["--msaaq-sim", "--msaaq-sim-faults", str(path)]


def rows_left(server: Any) -> int:
    graph = resource_graph(server.engine.contract)
    return sum(len(server.engine.store.list(key, None, None)) for key in graph.resources)


def main() -> None:
    contract = load_contract()
    ids, bound = showable()
    creates = sorted({chain.create.operation_id for chain in resource_graph(contract).chains.values()})
    print(f"resources the family probes: {len(ids)} where the fault can show; plan bound {bound} requests")
    clean = run("--msaaq-sim")
    with start_server() as server, start_proxy(server.base_url, Variations.parse(["all"], latency_ms=2)) as proxy:
        before = rows_left(server)
        proxied = run("--msaaq-allow-writes", env={**LIVE_ENV, "MSAAQ_BASE_URL": proxy.base_url})
        left = rows_left(server) - before
    everywhere = run(*with_faults(["*"]))
    create_only = run(*with_faults(creates))
    for name, result in (("clean --sim", clean), ("clean, varying proxy (live)", proxied)):
        outcomes = list(result["rows"].values())
        false_alarms = sum(o == "failed" for o in outcomes)
        print(
            f"{name}: passed {outcomes.count('passed')}, skipped {outcomes.count('skipped')}, false alarms "
            f"{false_alarms}, requests {result['requests']}"
        )
    print(f"rows the probes left on the live target: {left}")
    create_ids = {chain.create.doc_ids[0] for chain in resource_graph(contract).chains.values()}
    for name, result in (("mass_assignable on creates and updates", everywhere), ("on creates only", create_only)):
        rows = result["rows"]
        caught = [d for d in ids if rows.get(d) in ("failed", "uncertain")]
        uncertain = [d for d in caught if rows[d] == "uncertain"]
        others = sorted(d for d, o in rows.items() if o in ("failed", "uncertain") and d not in create_ids)
        print(
            f"{name}: caught {len(caught)}/{len(ids)} resources ({len(uncertain)} of them uncertain: x-confidence low),"
            f" rows of the updates that stored too {len(others)}, requests {result['requests']}"
        )


if __name__ == "__main__":
    main()
