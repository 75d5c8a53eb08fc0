"""What discovery costs a live run: its own time against the run's wall time, on a target we did not write.

    python benchmarks/bench_discovery.py [--repeat 3] [--latency-ms 5] [--workers 2] [-k EXPR]

A fresh reference server behind the varying proxy (every variation, ``--latency-ms`` per answer). Discovery
(preflight logins + exploring both academies) is timed ``--repeat`` times in this process; then the live suite
runs once with ``-n --workers`` and nothing but the demo credentials, and its wall time is the denominator.
Prints the median discovery time, the run's wall time and the share discovery takes of it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from msaaq_contract.contract import load_contract
from msaaq_contract.discovery.target import survey
from msaaq_contract.refserver import start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations
from msaaq_contract.settings import Settings, credentials_from_env, other_credentials_from_env

REPO = Path(__file__).resolve().parents[1]
A, B = "academy-a.msaaq.test", "academy-b.msaaq.test"


def demo_env(base_url: str) -> dict[str, str]:
    return {
        "MSAAQ_BASE_URL": base_url, "MSAAQ_CLIENT_ID": "demo-client", "MSAAQ_CLIENT_SECRET": "demo-secret",
        "MSAAQ_TENANT": A, "MSAAQ_ADMIN_EMAIL": f"admin@{A}", "MSAAQ_ADMIN_PASSWORD": "demo-password",
        "MSAAQ_STUDENT_EMAIL": f"student@{A}", "MSAAQ_STUDENT_PASSWORD": "demo-password", "MSAAQ_OTHER_TENANT": B,
        "MSAAQ_OTHER_ADMIN_EMAIL": f"admin@{B}", "MSAAQ_OTHER_ADMIN_PASSWORD": "demo-password",
        "MSAAQ_OTHER_STUDENT_EMAIL": f"student@{B}", "MSAAQ_OTHER_STUDENT_PASSWORD": "demo-password",
        "MSAAQ_SECOND_STUDENT_EMAIL": f"member2@{A}", "MSAAQ_SECOND_STUDENT_PASSWORD": "demo-password",
    }  # fmt: skip


def time_discovery(base_url: str) -> tuple[float, str]:
    env = demo_env(base_url)
    settings = Settings(
        mode="live", base_url=base_url, tenant=A, other_tenant=B,
        credentials=credentials_from_env(env), other_credentials=other_credentials_from_env(env),
    )  # fmt: skip
    started = time.perf_counter()
    data = survey(load_contract(REPO / "contracts"), settings)
    return time.perf_counter() - started, data.summary()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("-k", dest="select", default=None, help="only these tests in the timed live run")
    args = parser.parse_args()
    variations = Variations.parse(["all"], args.latency_ms)
    with start_server() as server, start_proxy(server.base_url, variations) as proxy:
        load_contract(REPO / "contracts")  # warm: the run below pays its own contract load
        times = []
        for _ in range(args.repeat):
            took, summary = time_discovery(proxy.base_url)
            times.append(took)
        discovery = statistics.median(times)
        print(f"discovery (preflight + both academies): median {discovery:.2f}s of {args.repeat}  [{summary}]")
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "--allow-writes",
                       "-n", str(args.workers), "--report-dir", out]  # fmt: skip
            if args.select:
                command += ["-k", args.select]
            started = time.perf_counter()
            done = subprocess.run(command, cwd=REPO, env={**os.environ, **demo_env(proxy.base_url)},
                                  capture_output=True, text=True, check=False)  # fmt: skip
            wall = time.perf_counter() - started
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    print(f"live run through the varying proxy, -n {args.workers}: {wall:.1f}s wall ({tail})")
    print(f"discovery share of the live run: {100 * discovery / wall:.1f}%")
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
