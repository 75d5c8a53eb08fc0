"""Live runs against throttled targets we did not write: what they cost the target and whether they hold.

    python benchmarks/bench_throttled.py every [--every 20] [-k EXPR]    # proxy: every Nth request of an identity 429
    python benchmarks/bench_throttled.py laravel [--budget 6m] [-k EXPR] # Laravel's limiter: 600/min, 30/min logins
    python benchmarks/bench_throttled.py full [-k EXPR]                  # no throttle: the requests of a full run

Each mode starts a fresh reference server (behind the varying proxy for ``every`` and ``full``), runs the live
suite with nothing but the demo credentials (``--allow-writes``, serial) and prints, from the run's own
``conformance.json`` and from the target's counters: wall time, outcomes, ids with a passing happy request, the
ledger's request count against what the target received, and the 429s. Numbers go in the issue notes.
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

from msaaq_contract.refserver import ProxyThrottle, Throttle, start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

REPO = Path(__file__).resolve().parents[1]
HAPPY = ("envelope", "schema", "status")


def run_suite(base_url: str, out: Path, extra: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    command = [sys.executable, "-m", "pytest", "tests/conformance", "--allow-writes", "-p", "no:xdist", "-q",
               "--no-header", "--report-dir", str(out), *extra]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=REPO, env={**os.environ, **demo_env(base_url)}, capture_output=True, text=True, check=False
    )
    return time.perf_counter() - started, done


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    outcomes: Counter[str] = Counter()
    happy = 0
    for endpoint in report["endpoints"]:
        for check in endpoint["checks"].values():
            outcomes[check["outcome"]] += 1
        if all(endpoint["checks"].get(f, {}).get("outcome") in ("passed", "uncertain") for f in HAPPY):
            happy += 1
    return {"outcomes": dict(outcomes), "happy_passed": happy, "ids": len(report["endpoints"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("every", "laravel", "full"))
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--budget", default="6m")
    parser.add_argument("--rate", default="600/m")
    parser.add_argument("--login-rate", default="30/m")
    parser.add_argument("-k", dest="select", default=None)
    args = parser.parse_args()
    extra = ["-k", args.select] if args.select else []
    out = Path(tempfile.mkdtemp(prefix=f"bench-{args.mode}-"))
    throttle = Throttle.parse(args.rate, login=args.login_rate) if args.mode == "laravel" else None
    with start_server(throttle=throttle) as server:
        if args.mode == "laravel":
            wall, done = run_suite(server.base_url, out, [*extra, "--time-budget", args.budget])
            received, throttled = server.counts().received, server.counts().throttled
        else:
            proxy_throttle = ProxyThrottle(every=args.every, retry_after=1) if args.mode == "every" else None
            with start_proxy(server.base_url, Variations.parse(["all"]), throttle=proxy_throttle) as proxy:
                wall, done = run_suite(proxy.base_url, out, extra)
                received, throttled = proxy.counts().received, proxy.counts().throttled
    if not (out / "conformance.json").is_file():
        print(done.stdout[-3000:], done.stderr[-3000:])
        return 1
    report = json.loads((out / "conformance.json").read_text())
    ledger = report["run"]["ledger"] or {}
    facts = summarize(report)
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; mode {args.mode}; exit {done.returncode}")
    print(f"wall {wall:.1f} s; outcomes {facts['outcomes']}")
    print(f"ids with a passing happy request: {facts['happy_passed']}/{facts['ids']}")
    share = abs(ledger.get("requests", 0) - received) / max(received, 1)
    print(f"ledger {ledger.get('requests')} requests vs target received {received} ({share:.2%} apart)")
    rate = throttled / max(received, 1)
    print(f"429s: target answered {throttled}, ledger counted {ledger.get('status_429')} ({rate:.2%})")
    print(f"ledger by family: {ledger.get('by_family')}")
    print(f"ledger by bucket: {ledger.get('by_bucket')}; waited {ledger.get('waited_s')} s")
    print(f"reports: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
