"""Can another tool use our contract? ``schemathesis run --checks all`` against the reference server.

    python benchmarks/bench_schemathesis_checks.py [--max-examples 10] [--seed 1] [--workers 2] [--keep DIR]

The reference server conforms to the contract in our own judgement (the suite passes on it), so every
failure schemathesis reports here is a place where the contract says something a Laravel API does not do, or
where the server does not do what Laravel does. The script starts ``msaaq-contract serve`` on a free loopback
port, logs in the demo identities (admin, student, OAuth client) and gives schemathesis each token for the
operations that declare its security scheme, bundles the contract to one JSON file and runs every check and
phase. It prints the failures by check and their total; the total is the number to drive to 0.

Known false positives of schemathesis itself are excluded by name in ``EXCLUDED`` with the reason; each
exclusion is printed, so nothing is dropped silently.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from msaaq_contract.contract import load_contract  # noqa: E402
from msaaq_contract.refserver import demo_credentials  # noqa: E402

TENANT = "academy-a.msaaq.test"
# (check name, substring of the failure title or message) -> why it is schemathesis' mistake, not ours.
EXCLUDED: dict[tuple[str, str], str] = {}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "msaaq_contract", "serve", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/tenant/ping", headers={"X-Tenant": TENANT}, timeout=1)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                raise SystemExit(f"the reference server exited: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the reference server did not start within 60 s")


def tokens(base: str) -> dict[str, str]:
    """One token per security scheme of the contract (``oauthClient``, ``adminUser``, ``tenantStudent``)."""
    creds = demo_credentials("academy-a")
    with httpx.Client(base_url=base, timeout=10, headers={"X-Tenant": TENANT}) as http:
        client = http.post("/oauth/token", json={"client_id": creds.client_id, "client_secret": creds.client_secret})
        client_token = str(client.json()["data"]["access_token"])
        bearer = {"Authorization": f"Bearer {client_token}"}
        admin = http.post(
            "/admin/authentication/login",
            json={"email": creds.admin_email, "password": creds.admin_password},
            headers=bearer,
        )
        student = http.post(
            "/tenant/auth/authorize/verify",
            json={"via": "password", "email": creds.student_email, "password": creds.student_password},
        )
    return {
        "oauthClient": client_token,
        "adminUser": str(admin.json()["data"]["token"]),
        "tenantStudent": str(student.json()["data"]["token"]),
    }


def config(contract: Any, secrets: dict[str, str]) -> str:
    """schemathesis.toml: the bearer schemes by name; the OAuth2 client scheme (which schemathesis cannot
    fill from configuration) as a header on the operations that declare only it."""
    lines = [
        "[auth.openapi.adminUser]",
        f'bearer = "{secrets["adminUser"]}"',
        "[auth.openapi.tenantStudent]",
        f'bearer = "{secrets["tenantStudent"]}"',
    ]
    client_only = sorted(op.operation_id for op in contract if op.security and set(op.security) == {"oauthClient"})
    if client_only:
        ids = ", ".join(json.dumps(i) for i in client_only)
        lines += [
            "[[operations]]",
            f"include-operation-id = [{ids}]",
            f'headers = {{ Authorization = "Bearer {secrets["oauthClient"]}" }}',
        ]
    return "\n".join(lines) + "\n"


def failures(report: Path) -> list[dict[str, Any]]:
    """The failures of schemathesis' NDJSON event stream: one per (operation, check, title), as it counts them."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for line in report.read_text().splitlines():
        event = json.loads(line)
        body = event.get("ScenarioFinished") or {}
        for check in _checks(body.get("recorder", {})):
            if check.get("status") != "failure" or not check.get("failure_info"):
                continue
            info = check["failure_info"]["failure"]
            title = str(info.get("title", ""))
            key = (str(info.get("operation", "")), str(check.get("name", "")), title)
            seen.setdefault(key, {"operation": key[0], "check": key[1], "title": title, **info})
    return list(seen.values())


def _checks(recorder: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in (recorder.get("checks") or {}).values():
        out.extend(node if isinstance(node, list) else [node])
    return out


def excluded(failure: dict[str, Any]) -> str | None:
    text = f"{failure['title']} {failure.get('message', '')}"
    for (check, needle), why in EXCLUDED.items():
        if failure["check"] == check and needle in text:
            return why
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--keep", type=Path, help="keep schemathesis' reports in this directory")
    parser.add_argument("--verbose", action="store_true", help="print every failure")
    args = parser.parse_args()
    contract = load_contract(REPO / "contracts")
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = args.keep or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            (work / "openapi.json").write_text(json.dumps(contract.document))
            (work / "schemathesis.toml").write_text(config(contract, tokens(base)))
            command = [
                sys.executable, "-m", "schemathesis.cli", "run", "openapi.json", "--url", base,
                "--checks", "all", "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                "--workers", args.workers, "-H", f"X-Tenant: {TENANT}", "--report", "ndjson",
                "--report-dir", "reports", "--warnings", "off", "--no-color",
            ]  # fmt: skip
            start = time.perf_counter()
            proc = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False, env=os.environ)
            wall = time.perf_counter() - start
            (work / "schemathesis.txt").write_text(proc.stdout + proc.stderr)
            report = next((work / "reports").glob("*.ndjson"), None)
            if report is None:
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                return 2
            found = failures(report)
    finally:
        server.terminate()
        server.wait(timeout=30)
    kept = [f for f in found if not excluded(f)]
    for f in found:
        why = excluded(f)
        if why:
            print(f"excluded: {f['check']} on {f['operation']}: {why}")
    if args.verbose:
        for f in kept:
            message = re.sub(r"\s+", " ", str(f.get("message")))[:300]
            print(f"- {f['check']} {f['operation']}: {f['title']}: {message}")
    by_check = Counter(f["check"] for f in kept)
    print(f"operations: {len(contract)}, examples: {args.max_examples}, seed: {args.seed}, wall: {wall:.0f}s")
    print(f"schemathesis exit code: {proc.returncode}")
    for check, count in by_check.most_common():
        print(f"  {check}: {count}")
    print(f"failures: {len(kept)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
