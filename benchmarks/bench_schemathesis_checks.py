"""Can another tool use our contract? ``schemathesis run --checks all`` against the reference server.

    python benchmarks/bench_schemathesis_checks.py [--max-examples 100] [--seed 1] [--workers 2] [--keep DIR]

The reference server conforms to the contract in our own judgement (the suite passes on it), so every
failure schemathesis reports here is a place where the contract says something a Laravel API does not do, or
where the server does not do what Laravel does. The script starts ``msaaq-contract serve`` on a free loopback
port, logs the demo identities in (OAuth client, admin, student) and gives schemathesis each token for the
security scheme it stands for, bundles the contract to one JSON file and runs every check and phase. It
prints the failures by check and their total, counted as schemathesis counts them (one per operation, check
and failure title); the total is the number to drive to 0.

Two runs, because ``--url`` replaces every server of the schema, an operation's own ``servers`` included
(schemathesis ``specs/openapi/operations.py``): the operations the contract serves at the host root
(``/.well-known/...``) get the host root as their URL (and no stateful phase: no link reaches them), all others
the API base. Exit code 1 of a run means failures, the excluded ones included.

``EXCLUDED`` lists schemathesis' own false positives, each matched on the evidence of the answer (never on an
operation's name) and printed with its reason, so nothing is dropped silently.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from msaaq_contract.contract import load_contract  # noqa: E402
from msaaq_contract.refserver import demo_credentials  # noqa: E402
from msaaq_contract.refserver.texts import MESSAGES  # noqa: E402

TENANT = "academy-a.msaaq.test"
CREDENTIALS = set(MESSAGES["bad_credentials"].values())
TAKEN = re.compile("|".join(re.escape(t).replace(r"\{field\}", ".+") for t in MESSAGES["taken"].values()))


def _state_refusal(failure: dict[str, Any], messages: set[str] | re.Pattern[str]) -> bool:
    """A 422 whose every error message is one of ``messages``."""
    errors = [m for ms in (failure.get("errors") or {}).values() for m in ms]
    if failure.get("status") != 422 or not errors:
        return False
    return all((m in messages) if isinstance(messages, set) else bool(messages.fullmatch(m)) for m in errors)


# (check, evidence) -> why the failure is schemathesis' own. A failure group is excluded only when every one of
# its failing requests shows the evidence.
EXCLUDED: list[tuple[str, Callable[[dict[str, Any]], bool], str]] = [
    (
        "positive_data_acceptance",
        lambda f: _state_refusal(f, CREDENTIALS),
        "a schema-valid body with credentials the account does not have (a password, an OTP) is refused with "
        "Laravel's 422 'These credentials do not match our records.'; no schema can state which secret is right, "
        "and schemathesis exempts this refusal only on operations it knows mint credentials (an OAuth tokenUrl "
        "or a configured dynamic-auth path), not on MSAAQ's JSON logins or password confirmations",
    ),
    (
        "positive_data_acceptance",
        lambda f: _state_refusal(f, TAKEN),
        "a schema-valid registration whose e-mail an earlier request of the same run registered is refused with "
        "Laravel's 422 'The email has already been taken.' (the unique rule); schemathesis reuses values it sent "
        "or saw, and no schema can state uniqueness",
    ),
]


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
                raise SystemExit(f"the reference server exited: {proc.stderr.read() if proc.stderr else ''}") from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the reference server did not start within 60 s")


def tokens(base: str) -> dict[str, str]:
    """One token per security scheme of the contract (``oauthClient``, ``adminUser``, ``tenantStudent``)."""
    creds = demo_credentials("academy-a")
    with httpx.Client(base_url=base, timeout=10, headers={"X-Tenant": TENANT}) as http:
        client = http.post("/oauth/token", json={"client_id": creds.client_id, "client_secret": creds.client_secret})
        client_token = str(client.json()["data"]["access_token"])
        admin = http.post(
            "/admin/authentication/login",
            json={"email": creds.admin_email, "password": creds.admin_password},
            headers={"Authorization": f"Bearer {client_token}"},
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


def config(secrets: dict[str, str]) -> str:
    """schemathesis.toml: a bearer token for each security scheme, by the scheme's name."""
    return "".join(f'[auth.openapi.{scheme}]\nbearer = "{token}"\n' for scheme, token in secrets.items())


def run(work: Path, url: str, selection: list[str], args: argparse.Namespace, name: str) -> tuple[int, Path | None]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", "openapi.json", "--url", url,
        "--checks", "all", "--max-examples", str(args.max_examples), "--seed", str(args.seed),
        "--workers", args.workers, "-H", f"X-Tenant: {TENANT}", "--report", "ndjson",
        "--report-dir", name, "--warnings", "off", "--no-color", *selection,
    ]  # fmt: skip
    proc = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False, env=os.environ)
    (work / f"{name}.txt").write_text(proc.stdout + proc.stderr)
    return proc.returncode, next((work / name).glob("*.ndjson"), None)


def failures(report: Path) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The failing checks of schemathesis' NDJSON event stream, grouped as it counts them (operation, check,
    title), each with the status and the Laravel validation errors of the answer."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for line in report.read_text().splitlines():
        recorder = (json.loads(line).get("ScenarioFinished") or {}).get("recorder") or {}
        for case_id, node in (recorder.get("checks") or {}).items():
            for check in node if isinstance(node, list) else [node]:
                if check.get("status") != "failure" or not check.get("failure_info"):
                    continue
                info = check["failure_info"]["failure"]
                response = ((recorder.get("interactions") or {}).get(case_id) or {}).get("response") or {}
                key = (str(info.get("operation", "")), str(check.get("name", "")), str(info.get("title", "")))
                groups.setdefault(key, []).append(
                    {"message": info.get("message"), "status": response.get("status_code"), **_errors(response)}
                )
    return groups


def _errors(response: dict[str, Any]) -> dict[str, Any]:
    raw = (response.get("content") or {}).get("$base64")
    try:
        body = json.loads(base64.b64decode(raw)) if raw else None
    except ValueError:
        body = None
    return {"errors": body.get("errors")} if isinstance(body, dict) and isinstance(body.get("errors"), dict) else {}


def excluded(check: str, cases: list[dict[str, Any]]) -> str | None:
    for name, evidence, why in EXCLUDED:
        if check == name and all(evidence(c) for c in cases):
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
    root_ops = sorted(op.operation_id for op in contract if op.server_root)
    port = free_port()
    server = start_server(port)
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    codes = []
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = args.keep or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            (work / "openapi.json").write_text(json.dumps(contract.document))
            (work / "schemathesis.toml").write_text(config(tokens(f"http://127.0.0.1:{port}/v1")))
            plans = [
                (f"http://127.0.0.1:{port}/v1", [a for i in root_ops for a in ("--exclude-operation-id", i)], "api"),
                # No links reach the root operations: the stateful phase would only report "Missing Open API links".
                (
                    f"http://127.0.0.1:{port}",
                    [
                        *(a for i in root_ops for a in ("--include-operation-id", i)),
                        "--phases",
                        "examples,coverage,fuzzing",
                    ],
                    "root",
                ),
            ]
            for url, selection, name in plans:
                code, report = run(work, url, selection, args, name)
                if report is None:
                    print((work / f"{name}.txt").read_text()[-3000:])
                    return 2
                codes.append(code)
                groups.update(failures(report))
    finally:
        server.terminate()
        server.wait(timeout=30)
    wall = time.perf_counter() - start
    kept = []
    for (operation, check, title), cases in sorted(groups.items()):
        why = excluded(check, cases)
        if why:
            print(f"excluded: {check} on {operation} ({len(cases)} requests): {why}")
            continue
        kept.append((operation, check, title))
        if args.verbose:
            message = re.sub(r"\s+", " ", str(cases[0].get("message")))[:300]
            print(f"- {check} {operation}: {title}: {message}")
    print(f"operations: {len(contract)}, examples: {args.max_examples}, seed: {args.seed}, wall: {wall:.0f}s")
    print(f"schemathesis exit codes: {codes}")
    for check, count in Counter(check for _, check, _ in kept).most_common():
        print(f"  {check}: {count}")
    print(f"failures: {len(kept)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
