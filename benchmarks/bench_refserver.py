"""Throughput and latency of the reference server on loopback.

    python benchmarks/bench_refserver.py [--duration 5] [--connections 16] [--generator auto|wrk|httpx]

The server runs in its own process (``python -m msaaq_contract.refserver --port 0``) so its RSS is its own.
Three scenarios: a cheap GET (``/v1/tenant/ping`` with X-Tenant), a paginated list (admin courses, admin
token) and a create (POST a coupon). The load generator is ``wrk`` (Debian package) with a Lua script for
method, headers and body; without wrk, a bounded asyncio + httpx generator runs instead. Every run is bounded
in time and only targets 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

TENANT = "academy-a.msaaq.test"


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None


@dataclass
class Result:
    scenario: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "msaaq_contract.refserver", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    match = re.search(r"on (http://\S+/v1)", first)
    if not match:
        proc.kill()
        raise SystemExit(f"server did not start: {first!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, match.group(1)


def tokens(base: str) -> str:
    with httpx.Client(base_url=base, timeout=10) as http:
        client = http.post("/oauth/token", json={"client_id": "demo-client", "client_secret": "demo-secret"})
        ct = client.json()["data"]["access_token"]
        login = http.post(
            "/admin/authentication/login",
            json={"email": f"admin@{TENANT}", "password": "demo-password"},
            headers={"Authorization": f"Bearer {ct}"},
        )
        return str(login.json()["data"]["token"])


def scenarios(admin: str) -> list[Scenario]:
    auth = {"Authorization": f"Bearer {admin}", "Accept": "application/json"}
    return [
        Scenario("cheap GET /tenant/ping", "GET", "/tenant/ping", {"X-Tenant": TENANT}),
        Scenario("list /admin/courses", "GET", "/admin/courses?per_page=15", auth),
        Scenario(
            "create POST /admin/coupons",
            "POST",
            "/admin/coupons",
            {**auth, "Content-Type": "application/json"},
            json.dumps({"code": "BENCH", "type": "percentage"}),
        ),
    ]


# -- wrk -----------------------------------------------------------------------------------------------------
def lua(s: Scenario) -> str:
    lines = [f'wrk.method = "{s.method}"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in s.headers.items()]
    if s.body is not None:
        lines.append(f"wrk.body = [[{s.body}]]")
    return "\n".join(lines) + "\n"


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(base: str, s: Scenario, duration: int, connections: int) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua(s))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script.name, base + s.path],
            capture_output=True, text=True, timeout=duration + 30, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = to_ms(re.search(r"50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = to_ms(re.search(r"99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    return Result(s.name, rps, p50, p99, total, errors)


# -- bounded httpx fallback ----------------------------------------------------------------------------------
async def run_httpx(base: str, s: Scenario, duration: int, connections: int) -> Result:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as http:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await http.request(s.method, s.path, headers=s.headers, content=s.body)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code >= 300

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    return Result(s.name, len(latencies) / elapsed, cuts[49], cuts[98], len(latencies), errors)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of the server process in MiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return now / 1024, peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--generator", choices=["auto", "wrk", "httpx"], default="auto")
    args = parser.parse_args()
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk") is not None)
    if args.generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    started = time.perf_counter()
    proc, base = start_server()
    startup = time.perf_counter() - started
    results: list[Result] = []
    try:
        admin = tokens(base)
        for s in scenarios(admin):
            if use_wrk:
                results.append(run_wrk(base, s, args.duration, args.connections))
            else:
                results.append(asyncio.run(run_httpx(base, s, args.duration, args.connections)))
        rss, peak = rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    generator = "wrk (1 thread)" if use_wrk else "asyncio + httpx (bounded)"
    print(f"load generator: {generator}; {args.connections} connections, {args.duration}s per scenario")
    print(f"server: 1 process, startup to first banner {startup:.2f}s, RSS {rss:.0f} MiB (peak {peak:.0f} MiB)")
    print(f"{'scenario':30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'non-2xx':>8}")
    for r in results:
        print(f"{r.scenario:30} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.requests:9d} {r.errors:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
