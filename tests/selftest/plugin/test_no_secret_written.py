"""Nothing secret is written, even when the target answers with secrets that also break the contract: a live
recording run through a proxy that plants canaries (a token, an ``api_key``, an e-mail address, a phone number)
in the reference server's answers, where they break the documented schema. The failures are reported; no
canary reaches a report, a cassette or the terminal."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.selftest.plugin.test_end_to_end import run_suite, verdicts
from tests.selftest.plugin.test_live_unknown_target import live_env
from tests.selftest.recording.secret_scan import scan

from msaaq_contract.refserver import start_server
from msaaq_contract.refserver.proxy import start_proxy
from msaaq_contract.refserver.variations import Variations

TOKEN = "canarytok-7e1d4b29c0f3"
API_KEY = "canarykey-52af90d3e1aa"
EMAIL = "canary.person@canary-mail.org"
PHONE = "+966501234567"
CANARIES = (TOKEN, API_KEY, EMAIL, PHONE, "7e1d4b29c0f3", "52af90d3e1aa", "canary.person", "501234567")
SECRET_NAMED = ("token", "password", "secret", "api_key")
# A single read (its id breaks the schema), a create (its chain reads back with that id) and the admin login
# (its documented `token` member gets an object).
SUBSET = "admin.courses.get-course or admin.courses.create-course or admin.auth.login"


def plant(request_headers: Mapping[str, str], status: int, headers: Mapping[str, str], body: bytes) -> bytes:
    """Every JSON answer (not the suite's own token fetches) gets an ``api_key`` member; a single resource's id
    becomes an object of canaries, and a secret-looking member an object holding the token."""
    if "x-msaaq-contract-token-fetch" in request_headers or "json" not in headers.get("content-type", ""):
        return body
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    data = answer.get("data") if isinstance(answer, dict) else None
    for item in [data] if isinstance(data, dict) else [d for d in data or [] if isinstance(d, dict)]:
        for name in [k for k in item if k in SECRET_NAMED and isinstance(item[k], str)]:
            item[name] = {"value": TOKEN}
        item["api_key"] = API_KEY  # undocumented: a warning that may name the member, never show the value
        if item is data and "id" in item:  # lists keep their ids: discovery still finds the course
            item["id"] = {"token": TOKEN, "api_key": API_KEY, "email": EMAIL, "phone": PHONE}
    return json.dumps(answer).encode()


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("canaries")
    reports, cassettes = work / "reports", work / "cassettes"
    with start_server() as server, start_proxy(server.base_url, Variations.parse([]), rewrite=plant) as proxy:
        result = run_suite(
            "--allow-writes", "-p", "no:xdist", "-k", SUBSET, "--record-mode=rewrite", "-rA",
            "--report-dir", str(reports), "--cassette-dir", str(cassettes), env=live_env(proxy.base_url),
        )  # fmt: skip
    return result, reports, cassettes


@pytest.mark.slow
def test_the_planted_answers_fail_and_are_reported(planted_run):
    result, reports, _ = planted_run
    assert result.returncode == 1, result.stdout[-3000:]
    outcomes = verdicts(reports)
    assert outcomes[("admin.courses.get-course", "schema")] == "failed"
    assert outcomes[("admin.auth.login", "schema")] == "failed"
    rows = {e["id"]: e for e in json.loads((reports / "conformance.json").read_text())["endpoints"]}
    [broken_id] = [
        v for v in rows["admin.courses.get-course"]["checks"]["schema"]["violations"] if v["pointer"] == "/data/id"
    ]
    assert broken_id["actual"].startswith("{") and "<redacted>" in broken_id["actual"]  # the object, redacted
    [token] = [v for v in rows["admin.auth.login"]["checks"]["schema"]["violations"] if v["pointer"] == "/data/token"]
    assert "secret-looking member `token` holds an object" in token["message"]  # the member and the type
    assert token["actual"].startswith("object (withheld")
    assert "admin.courses.get-course" in result.stdout and "/data/id" in result.stdout


@pytest.mark.slow
def test_no_canary_in_any_file_the_run_wrote_nor_in_its_output(planted_run):
    result, reports, cassettes = planted_run
    written = sorted(p for root in (reports, cassettes) for p in root.rglob("*") if p.is_file())
    assert len(written) > 10 and any(p.suffix == ".xml" for p in written)  # the reports, JUnit and the cassettes
    assert scan([reports, cassettes], CANARIES) == []
    output = result.stdout + result.stderr
    assert [c for c in CANARIES if c in output] == []


@pytest.mark.slow
def test_the_canaries_did_reach_the_suite(planted_run):
    """The proof is not vacuous: what the target answered held the canaries (they are in the recorded answers'
    place, redacted), and the terminal shows the redacted finding."""
    result, _, cassettes = planted_run
    recorded = (cassettes / "admin.courses.get-course" / "conformance.json").read_text()
    assert '\\"api_key\\": \\"<redacted>\\"' in recorded or '"api_key": "<redacted>"' in recorded
    assert "@example.invalid" in recorded and "<phone-" in recorded
    assert "<redacted>" in result.stdout


def test_the_planting_hook_breaks_what_it_is_given():
    single = plant({}, 200, {"content-type": "application/json"}, b'{"data": {"id": 1, "token": "t"}}')
    assert json.loads(single)["data"] == {
        "id": {"token": TOKEN, "api_key": API_KEY, "email": EMAIL, "phone": PHONE},
        "token": {"value": TOKEN},
        "api_key": API_KEY,
    }
    listed = json.loads(plant({}, 200, {"content-type": "application/json"}, b'{"data": [{"id": 1}]}'))
    assert listed["data"] == [{"id": 1, "api_key": API_KEY}]
    fetch = {"x-msaaq-contract-token-fetch": "1"}
    assert plant(fetch, 200, {"content-type": "application/json"}, b'{"data": {"id": 1}}') == b'{"data": {"id": 1}}'


def test_the_scan_finds_a_canary(tmp_path: Path):
    """The scan itself finds a canary (so an empty scan means something)."""
    (tmp_path / "leak.txt").write_text(f"quoted {API_KEY} here")
    assert scan([tmp_path], CANARIES)
