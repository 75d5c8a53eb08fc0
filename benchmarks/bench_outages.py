"""Live runs through a deploy, at its real size: is an outage waited out, never a finding, and does a long run say
where it is?

    python benchmarks/bench_outages.py [-k EXPR] [--modes deploy,drop,long] [--progress-every 30s]

First a quiet run (the verdicts to compare with, and its request count: each window opens after half of it, in
the middle of the run). Then, each on a fresh reference server behind the varying proxy (every harmless
variation), with nothing but the demo credentials (``--allow-writes``, serial):

- ``deploy``: a 20 s deploy, Laravel's maintenance 503 for 10 s then nginx's 502 page for 10 s (``--deploy``),
  with ``-o log_cli=true --log-cli-level=INFO``: the waits are in the log, no secret is;
- ``drop``: the proxy resets every connection for 15 s (``--drop``);
- ``deploy+drop``: both in one run, as a real deploy goes: the 503s, then the 502 pages, then (a little later)
  connections reset for 15 s;
- ``long``: a maintenance of 10 minutes, with the default ``--outage-limit`` (5 min): the run must end within the
  limit, every test not judged an error, reports written.

Printed per run, from its own ``conformance.json`` and from the target's counters: wall time, exit code, outcomes,
verdicts equal to the quiet run's, ids judged, the ledger's outages and wait, the deploy's answers or the dropped
connections, and the progress lines (count and the longest gap between two, timed as they were printed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench_discovery import demo_env

from msaaq_contract.refserver import start_server
from msaaq_contract.refserver.downtime import Deploy, Drop
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

REPO = Path(__file__).resolve().parents[1]
SECRETS = ("demo-secret", "demo-password", "admin@academy-a.msaaq.test", "student@academy-a.msaaq.test")


def run_suite(base_url: str, out: Path, extra: list[str]) -> dict[str, Any]:
    """Run the live suite, timing each line as it is printed."""
    command = [sys.executable, "-m", "pytest", "tests/conformance", "--allow-writes", "-p", "no:xdist", "-q",
               "--no-header", "--report-dir", str(out), *extra]  # fmt: skip
    started = time.monotonic()
    lines: list[tuple[float, str]] = []
    with subprocess.Popen(
        command, cwd=REPO, env={**os.environ, **demo_env(base_url)}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    ) as proc:  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.monotonic() - started, line.rstrip("\n")))
        code = proc.wait()
    return {"wall": time.monotonic() - started, "code": code, "lines": lines}


def verdicts(out: Path) -> dict[tuple[str, str], str]:
    data = json.loads((out / "conformance.json").read_text())
    return {(e["id"], fam): c["outcome"] for e in data["endpoints"] for fam, c in e["checks"].items()}


def report(name: str, done: dict[str, Any], out: Path, quiet: dict[tuple[str, str], str] | None) -> dict[str, Any]:
    data = json.loads((out / "conformance.json").read_text())
    ledger = data["run"]["ledger"] or {}
    mine = verdicts(out)
    outcomes = Counter(mine.values())
    judged = {doc_id for (doc_id, _), o in mine.items() if o in ("passed", "failed", "uncertain")}
    progress = [t for t, line in done["lines"] if line.lstrip().startswith("msaaq progress:")]
    gaps = [b - a for a, b in zip([0.0, *progress], [*progress, done["wall"]], strict=True)]
    text = "\n".join(line for _, line in done["lines"])
    print(
        f"[{name}] exit {done['code']}, wall {done['wall']:.1f} s; outcomes {dict(outcomes)}; ids judged {len(judged)}"
    )
    if quiet is not None:
        differ = sorted(k for k in set(quiet) | set(mine) if quiet.get(k) != mine.get(k))
        print(f"[{name}] verdicts equal to the quiet run's: {not differ} ({len(differ)} differ: {differ[:5]})")
    probes = (ledger.get("by_family") or {}).get("outage", 0)
    print(f"[{name}] ledger: {ledger.get('requests')} requests, {ledger.get('outages')} outages, "
          f"{ledger.get('outage_s')} s waited for the target, {probes} probes")  # fmt: skip
    print(f"[{name}] progress lines: {len(progress)}, longest gap {max(gaps):.1f} s; outage lines: "
          f"{text.count('msaaq outage:')}; secrets in the output: {[s for s in SECRETS if s in text]}")  # fmt: skip
    shown = [line for _, line in done["lines"] if line.startswith(("msaaq outage:", "requests: "))]
    down = [line for _, line in done["lines"] if line.startswith(("TargetDown", "TargetUnreachable"))]
    for line in shown + down[:1]:
        print(f"[{name}]   {line[:240]}")
    if down:
        print(f"[{name}]   ... {len(down)} tests stopped by the outage (TargetDown in the test that met the limit)")
    return {"verdicts": mine, "requests": ledger.get("requests", 0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-k", dest="select", default="admin.coupons or admin.courses.get-course or tenant.courses")
    parser.add_argument("--modes", default="deploy,drop,long")
    parser.add_argument("--progress-every", default="30s")
    args = parser.parse_args()
    extra = ["-k", args.select, "--msaaq-progress-every", args.progress_every]
    root = Path(tempfile.mkdtemp(prefix="bench-outages-"))
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; -k {args.select!r}; reports {root}")
    with start_server() as server, start_proxy(server.base_url, Variations.parse(["all"])) as proxy:
        done = run_suite(proxy.base_url, root / "quiet", extra)
    quiet = report("quiet", done, root / "quiet", None)
    middle = int(quiet["requests"]) // 2
    for mode in args.modes.split(","):
        out = root / mode
        deploy = {
            "deploy": Deploy(middle, 10, 10),
            "deploy+drop": Deploy(middle, 10, 10),
            "long": Deploy(middle, 600, 0),
        }
        # The proxy counts the probes of the deploy too: its window opens some requests after the 502s end.
        drop = {"drop": Drop(middle, 15), "deploy+drop": Drop(middle + middle // 10, 15)}.get(mode)
        logs = ["-o", "log_cli=true", "--log-cli-level=INFO"] if mode.startswith("deploy") else []
        with (
            start_server(deploy=deploy.get(mode)) as server,
            start_proxy(server.base_url, Variations.parse(["all"]), drop=drop) as proxy,
        ):
            done = run_suite(proxy.base_url, out, [*extra, *logs])
            print(f"[{mode}] target: deploy answered {server.deploy_counts()}, "
                  f"proxy dropped {proxy.drop.dropped if proxy.drop else 0} connections")  # fmt: skip
        report(mode, done, out, quiet["verdicts"] if mode != "long" else None)
        if mode.startswith("deploy"):
            waits = [line for _, line in done["lines"] if "msaaq_contract.client.outages" in line]
            print(f"[{mode}] INFO log lines of the outage: {len(waits)}; first: {waits[0][:200] if waits else None}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
