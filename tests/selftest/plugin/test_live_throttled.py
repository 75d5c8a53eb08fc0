"""Live runs against throttled targets the suite did not write. A 429 is never a finding: through a proxy that
answers every 20th request of each identity (logins included) with 429, a run has no failure and no error, and
its request ledger counts exactly what the target received. Against Laravel's limiter with a time budget, the
run ends in time, judges the happy requests first and leaves the rest not-run. ``--plan`` sends nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from tests.selftest.plugin.test_end_to_end import REPO, run_suite, verdicts
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.refserver import ProxyThrottle, Throttle, start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

# Logins (admin, student, both academies), a revoked token, fuzzing both ways, a stateful chain and isolation.
SUBSET = "admin.coupons.create-coupon or admin.coupons.get-coupon or tenant.courses.course-details"


@pytest.fixture(scope="module")
def every_20th(tmp_path_factory):
    out = tmp_path_factory.mktemp("every-20th")
    with (
        start_server() as server,
        start_proxy(server.base_url, Variations.parse(["all"]), throttle=ProxyThrottle(every=20)) as proxy,
    ):
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-rs", "-k", SUBSET, "--report-dir", str(out),
            env=live_env(proxy.base_url),
        )  # fmt: skip
        counts = proxy.counts()
    return result, out, counts


@pytest.mark.slow
def test_every_20th_request_throttled_no_failure_no_error(every_20th):
    result, out, counts = every_20th
    assert result.returncode == 0, result.stdout[-4000:]
    outcomes = verdicts(out)
    assert "failed" not in outcomes.values() and "error" not in outcomes.values(), outcomes
    assert counts.throttled >= 5  # the run did meet the proxy's 429s
    judged = {fam for (_, fam), o in outcomes.items() if o == "passed"}
    assert {"envelope", "auth", "fuzz", "stateful", "isolation"} <= judged


@pytest.mark.slow
def test_the_ledger_counts_what_the_target_received(every_20th):
    result, out, counts = every_20th
    ledger = json.loads((out / "conformance.json").read_text())["run"]["ledger"]
    assert ledger["requests"] == counts.received
    assert ledger["status_429"] == ledger["retries"] == counts.throttled
    assert ledger["by_bucket"]["login"] >= 3 and ledger["by_family"]["tokens"] >= 3
    assert {"happy", "auth", "fuzz", "discovery"} <= set(ledger["by_family"])
    assert "requests: " in result.stdout and "answered 429" in result.stdout
    summary = (out / "summary.md").read_text()
    assert f"{counts.received:,} requests sent to the target" in summary
    assert 'id="ledger"' in (out / "conformance.html").read_text()


@pytest.mark.slow
def test_a_time_budget_against_laravel_s_limiter(tmp_path):
    out = tmp_path / "budget"
    budget_s = 25
    throttle = Throttle.parse("120/m", login="10/m")
    with start_server(throttle=throttle) as server:
        started = time.monotonic()
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-rs", "--time-budget", f"{budget_s}s", "-k", "admin.coupons",
            "--report-dir", str(out), env=live_env(server.base_url),
        )  # fmt: skip
        wall = time.monotonic() - started
        counts = server.counts()
    assert result.returncode == 0, result.stdout[-4000:]
    run = json.loads((out / "conformance.json").read_text())["run"]
    # From pytest's configure (where the budget starts) to the reports: the budget, the last request (a loopback
    # one, well under a second) and the clean-up of what the run created, which may wait for the target's window
    # after the deadline (safety first: it is timed in the ledger). The rest of ``wall`` is start-up.
    judged_s = run["duration_s"] - run["ledger"]["cleanup_s"]
    assert judged_s < budget_s + 10, (run["duration_s"], run["ledger"], wall)
    outcomes = verdicts(out)
    assert "failed" not in outcomes.values() and "error" not in outcomes.values(), outcomes
    assert "not-run" in outcomes.values()  # 120/min cannot send it all in 25 s
    happy = [o for (_, fam), o in outcomes.items() if fam == "envelope"]
    assert happy and all(o == "passed" for o in happy)  # the most valuable requests went first
    assert counts.throttled <= max(2, 0.02 * counts.received)
    assert "not-run: over the time budget" in result.stdout
    junit = (out / "junit.xml").read_text()
    assert "over the time budget" in junit and "<skipped" in junit


def test_plan_sends_nothing_and_prints_the_plan(tmp_path):
    env = live_env("http://127.0.0.1:9/v1")  # nothing listens there: a request would fail the run
    result = run_suite("--plan", "-p", "no:xdist", "--rate-limit", "60/m", "--report-dir", str(tmp_path), env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("msaaq plan:")]
    assert lines[0].startswith("msaaq plan: ") and "requests at most" in lines[0]
    assert any("Laravel's default limit" in line for line in lines)
    assert any("--rate-limit 60" in line for line in lines)
    assert not (tmp_path / "conformance.json").exists()


def test_bad_time_budget_is_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/conformance", "--time-budget", "soon", "--sim", "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "invalid --time-budget 'soon'" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
