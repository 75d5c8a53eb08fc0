"""Logins come from the contract: a copy of the contract whose admin login has another route and another
operationId, served by the reference server, still lets a live run authenticate (the OAuth client token, the
admin login, the student login, and the logouts that make revoked tokens) and pass. No code names the route."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from tests.selftest.plugin.test_end_to_end import REPO, run_suite, verdicts
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.contract import load_contract
from msaaq_contract.contract.identities import identities
from msaaq_contract.refserver import start_server

pytestmark = pytest.mark.slow

OLD_PATH, NEW_PATH = "/admin/authentication/login", "/admin/authentication/sign-in"
OLD_ID, NEW_ID = "admin.auth.login", "admin.auth.sign-in"
# The renamed login itself (its docs id is unchanged), an admin read, a student read; auth families revoke both
# users' tokens through their logouts.
SUBSET = f"{OLD_ID} or admin.courses.get-course or tenant.auth.me"


def _replace(path: Path, old: str, new: str, count: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def renamed_copy(tmp: Path) -> Path:
    copy = tmp / "contracts"
    shutil.copytree(REPO / "contracts", copy)
    root, auth = copy / "openapi.yaml", copy / "paths" / "admin" / "authentication.yaml"
    _replace(root, f"  {OLD_PATH}:\n", f"  {NEW_PATH}:\n", 1)
    _replace(root, "~1admin~1authentication~1login\n", "~1admin~1authentication~1sign-in\n", 1)
    _replace(root, f"issuer: {OLD_ID}\n", f"issuer: {NEW_ID}\n", 1)
    _replace(auth, f"\n{OLD_PATH}:\n", f"\n{NEW_PATH}:\n", 1)
    _replace(auth, f"operationId: {OLD_ID}\n", f"operationId: {NEW_ID}\n", 1)
    return root


@pytest.fixture(scope="module")
def renamed_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("renamed-login")
    root = renamed_copy(work)
    contract = load_contract(root)
    login = identities(contract)["adminUser"].issuer
    assert (login.operation_id, login.path, login.doc_ids) == (NEW_ID, NEW_PATH, (OLD_ID,))
    with start_server(contract=contract) as server:
        old = httpx.post(server.base_url + OLD_PATH, json={}, headers={"Accept": "application/json"})
        assert old.status_code == 404  # the server serves the copy: the old route is gone
        env = {**live_env(server.base_url), "MSAAQ_CACHE_DIR": str(work / "cache")}
        reports = work / "reports"
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-rs", "--max-examples", "2", "-k", SUBSET,
            "--contract", str(root), "--report-dir", str(reports), env=env,
        )  # fmt: skip
    return result, reports


def test_a_renamed_admin_login_still_authenticates_and_passes(renamed_run):
    result, reports = renamed_run
    assert result.returncode == 0, result.stdout[-3000:]
    rows = verdicts(reports)
    assert rows[(OLD_ID, "status")] == "passed"  # the login, sent to its new route with the x-identity body
    for doc_id in ("admin.courses.get-course", "tenant.auth.me"):
        assert rows[(doc_id, "status")] == "passed" and rows[(doc_id, "auth")] == "passed", doc_id
    data = json.loads((reports / "conformance.json").read_text())
    assert data["run"]["ledger"]["by_family"].get("tokens", 0) >= 3  # client, admin and student logins
    assert "failed" not in set(rows.values())
