"""Our full suite vs the schemathesis CLI, against the reference server on loopback.

    python benchmarks/bench_vs_schemathesis.py [--examples 10] [--workers 1]

Both tools get the same contract (bundled to one JSON file), the same operations, the same number of generated
examples per operation, and a fresh reference server each. Ours runs every family (auth, tenant header,
envelope, schema, status, fuzz, stateful, isolation, language); schemathesis runs its default checks and
phases. Requests are counted at the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from msaaq_contract.contract import load_contract  # noqa: E402
from msaaq_contract.refserver import demo_credentials, fixture_values, start_server  # noqa: E402


def counted_server(contract: Any) -> tuple[Any, list[int]]:
    handle = start_server(contract=contract)
    count = [0]
    original = handle.engine.handle

    async def counting(inbound: Any) -> Any:
        count[0] += 1
        return await original(inbound)

    handle.engine.handle = counting
    return handle, count


def run(command: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}, check=False)
    return time.perf_counter() - start, proc.returncode, (proc.stdout + proc.stderr)[-600:]


def ours(contract: Any, examples: int, workers: int, work: Path) -> dict[str, Any]:
    handle, count = counted_server(contract)
    creds = demo_credentials("academy-a")
    fixtures = work / "fixtures.yaml"
    fixtures.write_text(yaml.safe_dump(fixture_values(contract)))
    env = {
        "MSAAQ_CLIENT_ID": creds.client_id, "MSAAQ_CLIENT_SECRET": creds.client_secret,
        "MSAAQ_ADMIN_EMAIL": creds.admin_email, "MSAAQ_ADMIN_PASSWORD": creds.admin_password,
        "MSAAQ_STUDENT_EMAIL": creds.student_email, "MSAAQ_STUDENT_PASSWORD": creds.student_password,
        "MSAAQ_TENANT": "academy-a.msaaq.test", "MSAAQ_OTHER_TENANT": "academy-b.msaaq.test",
    }  # fmt: skip
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/conformance",
        "-q",
        "--base-url",
        handle.base_url,
        "--target-fixtures",
        str(fixtures),
        "--max-examples",
        str(examples),
        "--report-dir",
        str(work / "ours"),
    ]
    command += ["-p", "no:xdist"] if workers == 1 else ["-n", str(workers)]
    try:
        wall, rc, tail = run(command, env)
    finally:
        handle.stop()
    return {
        "tool": "msaaq-contract (all families)",
        "command": " ".join(command[2:]),
        "wall": wall,
        "requests": count[0],
        "rc": rc,
        "tail": tail,
    }


def admin_token(base_url: str) -> str:
    creds = demo_credentials("academy-a")
    with httpx.Client(base_url=base_url) as client:
        client_token = client.post(
            "/oauth/token", json={"client_id": creds.client_id, "client_secret": creds.client_secret}
        ).json()
        login = client.post(
            "/admin/authentication/login",
            json={"email": creds.admin_email, "password": creds.admin_password},
            headers={"Authorization": f"Bearer {client_token['data']['access_token']}"},
        )
        return str(login.json()["data"]["token"])


def schemathesis_cli(contract: Any, examples: int, workers: int, work: Path) -> dict[str, Any]:
    handle, count = counted_server(contract)
    schema = work / "openapi.json"
    schema.write_text(json.dumps(contract.document))
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(schema),
        "--url",
        handle.base_url,
        "--max-examples",
        str(examples),
        "--workers",
        str(workers),
        "--seed",
        "1",
        "-H",
        f"Authorization: Bearer {admin_token(handle.base_url)}",
        "-H",
        "X-Tenant: academy-a.msaaq.test",
        "--report-dir",
        str(work / "st"),
        "--warnings",
        "off",
    ]
    try:
        wall, rc, tail = run(command, {}, cwd=work)  # keeps schemathesis' crash cache out of the repository
    finally:
        handle.stop()
    shown = [c if not c.startswith("Authorization") else "Authorization: Bearer <token>" for c in command[2:]]
    return {
        "tool": "schemathesis run (default checks/phases)",
        "command": " ".join(shown),
        "wall": wall,
        "requests": count[0],
        "rc": rc,
        "tail": tail,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    contract = load_contract()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows.append(ours(contract, args.examples, args.workers, work))
        rows.append(schemathesis_cli(contract, args.examples, args.workers, work))
    print(
        f"operations: {len(contract)} ({len(contract.by_doc_id)} documented ids), examples per operation: "
        f"{args.examples}, workers: {args.workers}"
    )
    for r in rows:
        print(
            f"- {r['tool']}: {r['wall']:.1f}s wall, {r['requests']} requests, "
            f"{r['requests'] / r['wall']:.0f} req/s, exit {r['rc']}\n    {r['command']}"
        )
    print(f"ratio (ours / schemathesis wall): {rows[0]['wall'] / rows[1]['wall']:.2f}")
    for r in rows:
        if r["rc"] not in (0, 1):
            print(f"{r['tool']} output tail:\n{r['tail']}")
    return 0


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    raise SystemExit(main())
