"""Live runs against a target the suite did not write: the reference server behind the varying proxy, known to
the suite only through the ``MSAAQ_*`` credentials (no fixtures file). The suite must find its own data, never
cry wolf under harmless variations, put a real break on the row of the operation that broke, and treat a
target that is down (or goes down) as "not judged", never as thousands of failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from tests.selftest.plugin.test_end_to_end import REPO, run_suite, verdicts

from msaaq_contract.refserver import Fault, start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

# Every family, parents and children (courses -> chapters -> contents), a destructive operation with a creator
# (delete-course) and one without (a refund), storefront reads, a cart found by uuid, a tenant page found through
# the admin list of the same records.
SUBSET = (
    "admin.courses.get-course or admin.courses.delete-course or admin.courses.create-course "
    "or admin.courses.chapters.contents.show-content or tenant.courses.course-details or tenant.cart.get-cart-by-uuid "
    "or admin.coupons.get-coupon or admin.msaaqpay.transactions.refund or tenant.pages.page-details "
    "or tenant.articles.comments.update-comment"
)


def live_env(base_url: str) -> dict[str, str]:
    a, b = "academy-a.msaaq.test", "academy-b.msaaq.test"
    return {
        "MSAAQ_BASE_URL": base_url,
        "MSAAQ_CLIENT_ID": "demo-client",
        "MSAAQ_CLIENT_SECRET": "demo-secret",
        "MSAAQ_TENANT": a,
        "MSAAQ_ADMIN_EMAIL": f"admin@{a}",
        "MSAAQ_ADMIN_PASSWORD": "demo-password",
        "MSAAQ_STUDENT_EMAIL": f"student@{a}",
        "MSAAQ_STUDENT_PASSWORD": "demo-password",
        "MSAAQ_OTHER_TENANT": b,
        "MSAAQ_OTHER_ADMIN_EMAIL": f"admin@{b}",
        "MSAAQ_OTHER_ADMIN_PASSWORD": "demo-password",
        "MSAAQ_OTHER_STUDENT_EMAIL": f"student@{b}",
        "MSAAQ_OTHER_STUDENT_PASSWORD": "demo-password",
        "MSAAQ_SECOND_STUDENT_EMAIL": f"member2@{a}",
        "MSAAQ_SECOND_STUDENT_PASSWORD": "demo-password",
    }


@pytest.fixture(scope="module")
def varied_target():
    """A fresh reference server behind a proxy applying every harmless variation at once."""
    with start_server() as server, start_proxy(server.base_url, Variations.parse(["all"], latency_ms=2)) as proxy:
        yield server, proxy


def stored_courses(server) -> set[str]:
    return {row.id for row in server.engine.store.list("courses", "academy-a.msaaq.test", None)}


@pytest.fixture(scope="module")
def seeded_courses(varied_target):
    """The courses on the target before any run: what discovery may find, and what must survive it."""
    return stored_courses(varied_target[0])


@pytest.fixture(scope="module")
def discovered_run(varied_target, seeded_courses, tmp_path_factory):
    _, proxy = varied_target
    out = tmp_path_factory.mktemp("live-discovered")
    result = run_suite(
        "--allow-writes", "-p", "no:xdist", "-rs", "-k", SUBSET, "--report-dir", str(out), env=live_env(proxy.base_url)
    )  # fmt: skip
    return result, out


@pytest.mark.slow
def test_no_fixtures_and_every_harmless_variation_no_failure(discovered_run):
    result, out = discovered_run
    assert result.returncode == 0, result.stdout[-4000:]
    assert "discovery: " in result.stdout and "path parameters found on the target" in result.stdout
    outcomes = verdicts(out)
    assert "failed" not in outcomes.values() and "error" not in outcomes.values()
    status = {doc_id: o for (doc_id, fam), o in outcomes.items() if fam == "status"}
    answered = [doc_id for doc_id, o in status.items() if o in ("passed", "uncertain")]
    assert len(answered) >= 0.85 * len(status), sorted(set(status) - set(answered))
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skips and all("`" in line for line in skips), skips  # every skip names what is missing
    assert any("no create for /admin/msaaqpay/transactions" in line for line in skips)
    run = json.loads((out / "conformance.json").read_text())["run"]
    assert run["discovery"] and run["aborted"] is None


@pytest.mark.slow
def test_destructive_operations_act_on_what_the_run_created(varied_target, seeded_courses, discovered_run):
    _, out = discovered_run
    data = json.loads((out / "conformance.json").read_text())
    delete = next(e for e in data["endpoints"] if e["id"] == "admin.courses.delete-course")
    assert delete["checks"]["status"]["outcome"] == "passed"  # it did delete a course...
    assert seeded_courses and seeded_courses <= stored_courses(varied_target[0])  # ...none the target had before


@pytest.mark.slow
def test_the_discovered_fixtures_file_pins_the_same_verdicts(varied_target, discovered_run, tmp_path):
    _, proxy = varied_target
    _, first = discovered_run
    env = {**os.environ, **live_env(proxy.base_url)}
    pinned = tmp_path / "fixtures.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "msaaq_contract.cli.main", "discover", "--out", str(pinned)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "discovery:" in done.stderr and yaml.safe_load(pinned.read_text())["path"]["course"]
    out = tmp_path / "pinned"
    result = run_suite(
        "--allow-writes", "-p", "no:xdist", "-k", SUBSET, "--target-fixtures", str(pinned), "--report-dir", str(out),
        env=live_env(proxy.base_url),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert verdicts(out) == verdicts(first)


@pytest.mark.slow
def test_a_break_on_a_discovered_detail_lands_on_its_row_with_a_curl(tmp_path):
    faults = [Fault("wrong_field_type", ("admin.courses.get-course",))]
    with start_server(faults=faults) as server, start_proxy(server.base_url, Variations.parse(["all"], 0)) as proxy:
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-k", "test_crud and admin.courses.create-course",
            "--report-dir", str(tmp_path), env=live_env(proxy.base_url),
        )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    assert "admin.courses.create-course" in result.stdout and "admin.courses.get-course" in result.stdout
    rows = {e["id"]: e for e in json.loads((tmp_path / "conformance.json").read_text())["endpoints"]}
    broken = rows["admin.courses.get-course"]["checks"]["stateful"]
    assert broken["outcome"] == "failed"  # only the create's chain ran, yet the read's row is red
    finding = broken["violations"][0]
    assert finding["operation"] == "admin.courses.get-course" and finding["pointer"]
    assert finding["curl"].startswith("curl -X GET") and "/v1/admin/courses/" in finding["curl"]
    assert rows["admin.courses.create-course"]["checks"]["stateful"]["outcome"] == "failed"


def test_unreachable_target_stops_at_once_with_one_line(tmp_path):
    result = run_suite(
        "-k", "admin.courses", "--report-dir", str(tmp_path), env=live_env("http://127.0.0.1:9/v1")
    )  # fmt: skip
    assert result.returncode == 69
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("Exit: error: cannot reach http://127.0.0.1:9/v1")
    assert "failed" not in result.stdout and "Traceback" not in result.stdout + result.stderr
    data = json.loads((tmp_path / "conformance.json").read_text())
    assert data["run"]["aborted"].startswith("cannot reach")
    assert {c["outcome"] for e in data["endpoints"] for c in e["checks"].values()} <= {"not-run"}
    assert "nothing judged" in (tmp_path / "summary.md").read_text()
    gate = subprocess.run(
        [sys.executable, "-m", "msaaq_contract.cli.main", "gate", str(tmp_path / "conformance.json")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert gate.returncode == 1 and "nothing was judged" in gate.stdout + gate.stderr


@pytest.mark.slow
def test_a_target_that_dies_mid_run_leaves_errors_not_failures(tmp_path):
    plugin = tmp_path / "stop_target_after_five.py"
    plugin.write_text(
        "import os\n"
        "from msaaq_contract.refserver import start_server\n"
        "server = start_server()\n"
        "os.environ['MSAAQ_BASE_URL'] = server.base_url\n"
        "calls = []\n"
        "def pytest_runtest_logreport(report):\n"
        "    if report.when == 'call':\n"
        "        calls.append(report)\n"
        "        if len(calls) == 5:\n"
        "            server.stop()\n"
    )
    env = {k: v for k, v in live_env("").items() if k != "MSAAQ_BASE_URL"}
    result = run_suite(
        "-p", "no:xdist", "-p", "stop_target_after_five", "-k", "admin.coupons", "--report-dir", str(tmp_path),
        "--junitxml", str(tmp_path / "junit.xml"), "--msaaq-outage-limit", "1s",
        env={**env, "PYTHONPATH": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")  # noqa: S314 - our own run's file
    assert suite is not None
    assert int(suite.get("failures", "0")) == 0 and int(suite.get("errors", "0")) > 10
    outcomes = set(verdicts(tmp_path).values())
    assert "failed" not in outcomes and "error" in outcomes
    assert "stopped answering during the run" in (tmp_path / "conformance.json").read_text()
    assert Path(tmp_path / "summary.md").is_file()


def test_discovery_finds_every_parameter_the_server_holds_data_for(varied_target):
    """Every path parameter the reference server stores records for (its resource bindings) is found through the
    proxy; what is not found is a parameter without records (a verification hash, a signature)."""
    from msaaq_contract.client.transport import Client
    from msaaq_contract.contract import load_contract
    from msaaq_contract.contract.resources import resource_graph
    from msaaq_contract.discovery.target import discover, preflight
    from msaaq_contract.settings import Settings, credentials_from_env

    _, proxy = varied_target
    env = live_env(proxy.base_url)
    contract = load_contract(REPO / "contracts")
    settings = Settings(mode="live", base_url=proxy.base_url, tenant=env["MSAAQ_TENANT"],
                        credentials=credentials_from_env(env))  # fmt: skip
    client = Client(settings)
    try:
        preflight(client, settings.credentials)
        found = discover(contract, client, env["MSAAQ_TENANT"]).main
    finally:
        client.close()
    resources = resource_graph(contract)
    held = {
        (doc_id, param)
        for doc_id, op in contract.documented()
        for _, param in resources.binding(op).chain
        if not (op.destructive and param == op.path_params[-1].name)
    }
    assert held, "the reference server binds parameters to stored records"
    lost = sorted((doc_id, param) for doc_id, param in held if param not in found.values.get(doc_id, {}))
    assert lost == []
    unheld = {param for reasons in found.missing.values() for param in reasons}
    # ``download`` and ``link`` are named only by destructive operations, and no operation lists them
    assert unheld <= {"attachment", "download", "hash", "id", "link", "signature", "step", "survey"}
