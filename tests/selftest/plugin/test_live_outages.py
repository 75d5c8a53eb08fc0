"""A deploy in the middle of a live run is waited out, never a finding. Through the varying proxy, with nothing but
the credentials: a deploy window of the reference server (Laravel's maintenance 503, then nginx's 502 page) and a
window in which the proxy resets every connection give the verdicts of a quiet run, and the ledger says how long
the run waited; a target that stays away longer than ``--outage-limit`` ends the run with errors, never failures,
reports written. Scaled down (seconds, not minutes: ``benchmarks/bench_outages.py`` runs the real sizes)."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import pytest
from tests.selftest.plugin.test_end_to_end import run_suite, verdicts
from tests.selftest.plugin.test_live_unknown_target import live_env

from msaaq_contract.refserver import start_server
from msaaq_contract.refserver.downtime import Deploy, Drop
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

# Logins, discovery (118 requests), fuzzing both ways, a stateful chain and isolation: 193 requests in all.
SUBSET = "admin.coupons.create-coupon or admin.coupons.get-coupon or tenant.courses.course-details"
MIDDLE = 150  # past discovery, among the tests
RECORDED_MIDDLE = 140  # a recording run sends fewer: there the deploy meets a recorded (fuzz) request
SECRETS = ("demo-secret", "demo-password", "admin@academy-a.msaaq.test", "student@academy-a.msaaq.test")


def live_run(out, *extra, deploy=None, drop=None):
    with (
        start_server(deploy=deploy) as server,
        start_proxy(server.base_url, Variations.parse(["all"], 0), drop=drop) as proxy,
    ):
        started = time.monotonic()
        result = run_suite(
            "--allow-writes", "-k", SUBSET, "--report-dir", str(out), *extra, env=live_env(proxy.base_url)
        )  # fmt: skip
        return result, time.monotonic() - started, server.deploy_counts(), proxy


def ledger(out):
    return json.loads((out / "conformance.json").read_text())["run"]["ledger"]


def exchanges(cassettes):
    """Per recorded cassette, the method and status of each recorded exchange, in order."""
    out = {}
    for path in sorted(cassettes.rglob("*.json")):
        if path.name != "_meta.json":
            data = json.loads(path.read_text())["interactions"]
            out[str(path.relative_to(cassettes))] = [(i["request"]["method"], i["response"]["status"]["code"])
                                                     for i in data]  # fmt: skip
    return out


@pytest.fixture(scope="module")
def quiet_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("quiet")
    cassettes = out / "cassettes"
    result, _, _, _ = live_run(out, "-p", "no:xdist", "--record-mode=rewrite", "--cassette-dir", str(cassettes))
    assert result.returncode == 0, result.stdout[-3000:]
    return verdicts(out), exchanges(cassettes)


@pytest.fixture(scope="module")
def quiet(quiet_run):
    return quiet_run[0]


@pytest.mark.slow
def test_a_deploy_window_is_waited_out_with_the_verdicts_of_a_quiet_run(quiet_run, tmp_path):
    quiet, recorded_quietly = quiet_run
    # 0.6 s of 503 then 2 s of 502: the first probe (after 1 s) meets the 502 page, the next (after 2 s more) the
    # application again. The run records its cassettes: nothing of the deploy may be in them.
    cassettes = tmp_path / "cassettes"
    result, _, answered, _ = live_run(
        tmp_path / "live", "-p", "no:xdist", "--msaaq-progress-every", "1s", "-o", "log_cli=true",
        "--log-cli-level=INFO",
        "--record-mode=rewrite", "--cassette-dir", str(cassettes),
        deploy=Deploy(after=RECORDED_MIDDLE, maintenance_s=0.6, gateway_s=2.0),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    assert answered["maintenance_503"] >= 1 and answered["gateway_502"] >= 1  # the run met both phases
    assert verdicts(tmp_path / "live") == quiet  # 0 failed, 0 errors, the same ids judged
    counted = ledger(tmp_path / "live")
    assert counted["outages"] == 1 and counted["outage_s"] >= 2.0 and counted["by_family"]["outage"] >= 2
    assert "1 outage, " in result.stdout and "waited for the target to come back" in result.stdout
    assert "msaaq outage: the target is away (HTTP 503" in result.stdout
    assert "msaaq progress: " in result.stdout and "ids judged" in result.stdout
    assert "target away (HTTP 503" in result.stdout and "target back after" in result.stdout  # log_cli, INFO
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    # Recorded as a quiet run records: the same exchanges, none of the deploy's answers and none of the probes.
    assert exchanges(cassettes) == recorded_quietly


@pytest.mark.slow
def test_connections_reset_for_a_while_under_xdist_give_the_verdicts_of_a_quiet_run(quiet, tmp_path):
    result, _, _, proxy = live_run(
        tmp_path, "-n", "2", "--msaaq-progress-every", "1s", drop=Drop(after=MIDDLE, seconds=2.0)
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    assert proxy.drop is not None and proxy.drop.dropped >= 1
    assert verdicts(tmp_path) == quiet
    counted = ledger(tmp_path)
    assert counted["outages"] >= 1 and counted["outage_s"] >= 1.0  # the workers' ledgers add up
    assert counted["requests"] == proxy.counts().received  # a reset connection is no request the target received
    assert "msaaq progress: " in result.stdout


@pytest.mark.slow
def test_a_target_away_longer_than_the_limit_ends_the_run_with_errors_not_failures(tmp_path):
    result, wall, answered, _ = live_run(
        tmp_path, "-p", "no:xdist", "--msaaq-outage-limit", "2s", "--junitxml", str(tmp_path / "junit.xml"),
        deploy=Deploy(after=MIDDLE, maintenance_s=3600, gateway_s=0),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout[-3000:]  # README's exit codes: a check errored
    assert answered["maintenance_503"] >= 2
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")  # noqa: S314 - our own run's file
    assert suite is not None and int(suite.get("failures", "0")) == 0 and int(suite.get("errors", "0")) >= 5
    outcomes = set(verdicts(tmp_path).values())
    assert "failed" not in outcomes and "error" in outcomes
    report = (tmp_path / "conformance.json").read_text()
    assert "stopped answering during the run: away for more than 2.0 s" in report
    assert (tmp_path / "summary.md").is_file() and ledger(tmp_path)["outages"] == 1
    assert "msaaq outage: the target stopped answering during the run" in result.stdout
    assert "answers again" not in result.stdout
    assert wall < 60  # one wait of the limit, not one per test


def test_a_bad_outage_limit_is_one_line():
    result = run_suite("--sim", "--msaaq-outage-limit", "soon", "-k", "tenant.ping-pong")
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]  # pytest's usage error
    assert "invalid --msaaq-outage-limit 'soon'" in result.stderr and "Traceback" not in result.stdout + result.stderr
