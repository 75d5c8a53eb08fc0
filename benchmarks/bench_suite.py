"""Suite benchmarks: contract loading, collection, offline replay (wall + peak RSS) and its growth with size.

    python benchmarks/bench_suite.py [--skip-scaling] [--repeat 3] [--only-replay]

Scaling replicates every documented endpoint under prefixes (/r2/..., /r3/...) in a temporary copy of the
contract, with their cassettes copied and re-pointed, so the replay has 1x, 2x and 4x the operations.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from msaaq_contract.contract import load_contract  # noqa: E402


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


WRAPPER = (
    "import resource, subprocess, sys;"
    "rc = subprocess.run(sys.argv[1:]).returncode;"
    "print('MAXRSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(rc)"
)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB of the largest process, exit code), measured in a fresh wrapper process."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    wall = time.perf_counter() - start
    peak = next((int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS")), 0) / 1024
    if proc.returncode not in (0, 1):
        print(proc.stdout[-2000:], proc.stderr[-2000:])
    return wall, peak, proc.returncode


def bench_contract(repeat: int) -> None:
    code = (
        "import time;t=time.perf_counter();from msaaq_contract.contract import load_contract;"
        "load_contract();print(time.perf_counter()-t)"
    )
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip()))
    print(
        f"contract load + bundle + validate (fresh process, incl. imports): median {statistics.median(runs):.2f}s"
        f" over {repeat} runs"
    )


def bench_collection(repeat: int) -> None:
    walls = [
        timed([sys.executable, "-m", "pytest", "tests/conformance", "--collect-only", "-q"])[0] for _ in range(repeat)
    ]
    print(f"collection of tests/conformance (4,800+ items): median {statistics.median(walls):.2f}s wall")


def bench_first_request() -> None:
    """Time from pytest start to the first replayed exchange of a single test."""
    wall, _, _ = timed(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/conformance/test_envelope.py",
            "-p",
            "no:xdist",
            "-q",
            "-k",
            "test_envelope and tenant.ping-pong",
            "--report-dir",
            tempfile.mkdtemp(),
        ]
    )
    print(f"time to first request (start -> one replayed test done): {wall:.2f}s wall")


def replay(contract: Path | None, cassettes: Path | None, extra: list[str]) -> tuple[float, float, int]:
    command = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "--report-dir", tempfile.mkdtemp(), *extra]
    if contract:
        command += ["--contract", str(contract)]
    if cassettes:
        command += ["--cassette-dir", str(cassettes)]
    return timed(command)


def bench_replay(repeat: int) -> None:
    """The offline gate as a pull request runs it: median of ``repeat`` runs, serial and with -n 2."""
    for label, extra in (("serial", ["-p", "no:xdist"]), ("-n 2 (xdist)", ["-n", "2"])):
        runs = [replay(None, None, extra) for _ in range(repeat)]
        walls = ", ".join(f"{w:.1f}" for w, _, _ in runs)
        median = statistics.median(w for w, _, _ in runs)
        print(
            f"offline replay, all endpoints and families, {label}: median {median:.1f}s"
            f" wall ({walls}), peak RSS of the largest process {max(r for _, r, _ in runs):.0f} MiB,"
            f" exit codes {sorted({c for _, _, c in runs})}"
        )


def _prefix_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        out = {k: _prefix_refs(v, prefix) for k, v in node.items()}
        if isinstance(out.get("operationId"), str):
            out["operationId"] = prefix + out["operationId"]
        if "x-doc-ids" in out:
            out["x-doc-ids"] = [{**d, "id": prefix + d["id"]} for d in out["x-doc-ids"]]
        return out
    if isinstance(node, list):
        return [_prefix_refs(v, prefix) for v in node]
    return node


def scaled_copy(factor: int, work: Path) -> Path:
    """A bundled contract with ``factor`` copies of every path (prefixed ids, /rN/ paths)."""
    contract = load_contract()
    doc = copy.deepcopy(contract.document)
    for i in range(2, factor + 1):
        prefix, seg = f"r{i}.", f"/r{i}"
        for path, item in contract.document["paths"].items():
            if item and not any(isinstance(op, dict) and op.get("servers") for op in item.values()):
                doc["paths"][seg + path] = _prefix_refs(item, prefix)
    target = work / f"openapi-{factor}x.json"
    target.write_text(json.dumps(doc))
    return target


def bench_scaling() -> None:
    """Record each scaled contract against the (contract-driven) reference server, then time the replay."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 2, 4):
            contract = scaled_copy(factor, Path(tmp))
            cassettes = Path(tmp) / f"cassettes-{factor}x"
            record = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "--sim", "--record-mode=rewrite",
                      "-p", "no:xdist", "--contract", str(contract), "--cassette-dir", str(cassettes),
                      "--report-dir", tempfile.mkdtemp()]  # fmt: skip
            recorded = timed(record)
            wall, rss, rc = replay(contract, cassettes, ["-p", "no:xdist"])
            ops = len(load_contract(contract).by_doc_id)
            rows.append((factor, ops, wall, rss, rc, recorded[2]))
            shutil.rmtree(cassettes)
    base = rows[0][2]
    print("offline replay scaling (serial; each size recorded from the reference server first):")
    for factor, ops, wall, rss, rc, rec_rc in rows:
        print(
            f"  {factor}x  {ops:5d} endpoint ids  {wall:6.1f}s  ({wall / base:.2f}x time)  peak RSS {rss:.0f} MiB"
            f"  replay rc {rc}, record rc {rec_rc}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--only-replay", action="store_true", help="just the offline gate, serial and -n 2")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.only_replay:
        bench_replay(args.repeat)
        return 0
    bench_contract(args.repeat)
    bench_collection(args.repeat)
    bench_first_request()
    bench_replay(args.repeat)
    if not args.skip_scaling:
        bench_scaling()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
