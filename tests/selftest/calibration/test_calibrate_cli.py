"""``msaaq-contract calibrate`` through the real entry point, on a scratch copy of the contract: the review file,
``--apply`` of fix / keep decisions (and nothing more the second time), ``x-observed`` from a live run and the
coverage it feeds, cassettes as evidence, and every kind of bad input as a one-line error that writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from tests.selftest.calibration.evidence_factory import (
    CONTRACT,
    check,
    conforming,
    report,
    schema,
    status,
    write,
)

from msaaq_contract.checks.base import CheckContext
from msaaq_contract.checks.schema import schema as schema_check
from msaaq_contract.cli.main import main
from msaaq_contract.contract import load_contract
from msaaq_contract.contract.loader import DEFAULT_CONTRACT
from msaaq_contract.exchange import Exchange, RecordedRequest

NUMBER = 'type: "number"'
COUPON, LIST = "admin.coupons.get-coupon", "admin.coupons.list"
NULL_KEY, AUTH_KEY = "null:admin.Coupon/properties/minimum_amount", "auth:status:Missing token accepted (got 200)"


@pytest.fixture
def work(tmp_path):
    shutil.copytree(DEFAULT_CONTRACT.parent, tmp_path / "contracts")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def calibrate(work: Path, report_path: Path, *extra: str, capsys) -> tuple[int, str, str]:
    code = main(["calibrate", str(report_path), "--contract", str(work / "contracts"), *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def decide(review: Path, key: str, decision: str, **fields: str) -> None:
    text = review.read_text()
    block = text.index(f"group: {key}\n")
    start = text.index("decision:", block)
    end = text.index("```", start)
    lines = [f"decision: {decision}"] + [f"{k}: '{fields.get(k, '')}'" for k in ("owner", "reason", "expires")]
    review.write_text(text[:start] + "\n".join(lines) + "\n" + text[end:])


def deviating_run() -> dict:
    return {
        COUPON: [check("schema", schema(COUPON, "/data/minimum_amount", NUMBER, None))],
        LIST: [
            check("schema", schema(LIST, "/data/0/minimum_amount", NUMBER, None)),
            check("auth", status(LIST, 200, "Missing token accepted")),
        ],
    }


def other_contract() -> str:
    data = report(deviating_run()).to_dict()
    data["run"]["contract_digest"] = "0000000000000000"
    return json.dumps(data)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda: report(deviating_run(), mode="offline", target="offline (cassettes)"), "offline run"),
        (other_contract, "not this contract"),
        (lambda: "{ not json", "not valid JSON"),
    ],
    ids=["offline", "other-contract", "corrupt"],
)
def test_bad_reports_are_one_line_errors_and_write_nothing(work, capsys, content, message):
    value = content()
    path = work / "reports" / "conformance.json"
    if isinstance(value, str):
        path.parent.mkdir()
        path.write_text(value)
    else:
        write(value, path.parent)
    before = snapshot(work)
    code, _, err = calibrate(work, path, capsys=capsys)
    assert code == 2
    assert message in err and err.startswith("error: ") and err.count("\n") == 1
    assert snapshot(work) == before


def test_review_then_apply_fix_and_keep_then_nothing_more(work, capsys):
    path = write(report(deviating_run()), work / "reports")
    code, out, _ = calibrate(work, path, capsys=capsys)
    review = work / "reports" / "calibration.md"
    assert code == 0 and review.is_file()
    assert "2 group(s)" in out and "admin.Coupon.minimum_amount is null" in out
    decide(review, NULL_KEY, "fix")
    decide(review, AUTH_KEY, "keep", owner="@api-team", reason="staging serves lists publicly", expires="2026-12-31")
    code, out, _ = calibrate(work, path, "--apply", capsys=capsys)
    assert code == 0, out
    assert "1 fixed (1 contract changes), 1 kept (1 new known deviations)" in out
    models = yaml.safe_load((work / "contracts/components/models-admin.yaml").read_text())
    assert models["admin.Coupon"]["properties"]["minimum_amount"]["type"] == ["number", "null"]
    assert models["admin.Coupon"]["properties"]["minimum_amount"]["x-calibration"]["evidence"] == 2
    overrides = yaml.safe_load((work / "contracts/overrides.yaml").read_text())
    assert overrides["calibrated_from"] == [CONTRACT.digest]
    baseline = yaml.safe_load((work / "contracts/known-deviations.yaml").read_text())
    assert baseline == [
        {"id": LIST, "check": "auth", "reason": f"staging serves lists publicly (calibration group {AUTH_KEY})",
         "owner": "@api-team", "expires": "2026-12-31"}
    ]  # fmt: skip
    assert (work / "contracts/known-deviations.yaml").read_text().startswith("# Known deviations")
    applied = snapshot(work / "contracts")
    # The report of the pre-calibration contract is still accepted, and applying it again changes nothing.
    code, out, _ = calibrate(work, path, "--apply", capsys=capsys)
    assert code == 0 and "nothing to write" in out and f"already applied (no longer observed): {NULL_KEY}" in out
    assert snapshot(work / "contracts") == applied
    code, out, _ = calibrate(work, path, capsys=capsys)
    assert "1 group(s)" in out and NULL_KEY not in review.read_text()
    assert "decision: keep" in review.read_text()  # the person's decision survives the rewrite


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A scratch contract and the review file of ``deviating_run`` (written once for the decision tests)."""
    work = tmp_path_factory.mktemp("reviewed")
    shutil.copytree(DEFAULT_CONTRACT.parent, work / "contracts")
    path = write(report(deviating_run()), work / "reports")
    assert main(["calibrate", str(path), "--contract", str(work / "contracts")]) == 0
    return work


@pytest.mark.parametrize(
    ("key", "decision", "fields", "message"),
    [
        (AUTH_KEY, "keep", {"owner": "@qa"}, "keep needs reason, expires"),
        (AUTH_KEY, "keep", {"owner": "@qa", "reason": "r", "expires": "soon"}, "is not YYYY-MM-DD"),
        (AUTH_KEY, "fix", {}, "has no automatic contract change"),
        (NULL_KEY, "maybe", {}, "is not one of undecided, fix, keep, skip"),
    ],
    ids=["keep-without-reason", "keep-bad-date", "fix-without-change", "unknown-decision"],
)
def test_impossible_decisions_are_one_line_errors_and_write_nothing(
    reviewed, tmp_path, capsys, key, decision, fields, message
):
    work = tmp_path / "copy"
    shutil.copytree(reviewed, work)
    path = work / "reports" / "conformance.json"
    decide(work / "reports" / "calibration.md", NULL_KEY, "fix")
    decide(work / "reports" / "calibration.md", key, decision, **fields)
    before = snapshot(work)
    code, _, err = calibrate(work, path, "--apply", capsys=capsys)
    assert code == 2 and message in err and err.count("\n") == 1
    assert snapshot(work) == before


def test_a_review_of_another_report_or_none_at_all_is_refused(work, capsys):
    path = write(report(deviating_run()), work / "reports")
    code, _, err = calibrate(work, path, "--apply", capsys=capsys)
    assert code == 2 and "no review file" in err
    calibrate(work, path, capsys=capsys)
    write(report({COUPON: [check("schema", schema(COUPON, "/data/amount", NUMBER, None))]}), work / "reports")
    code, _, err = calibrate(work, path, "--apply", capsys=capsys)
    assert code == 2 and "written for another report" in err


def test_a_live_run_records_x_observed_and_coverage_counts_it(work, capsys):
    low = next(d for d, op in CONTRACT.documented() if op.confidence == "low" and len(op.doc_ids) == 1)
    run = {low: conforming(), COUPON: conforming()}
    path = write(report(run, mode="live", target="https://staging-api.example/v1"), work / "reports")
    calibrate(work, path, capsys=capsys)
    assert "2 operation(s) conformed on staging-api.example" in (work / "reports" / "calibration.md").read_text()
    code, out, _ = calibrate(work, path, "--apply", capsys=capsys)
    assert code == 0 and "2 operations observed" in out
    contract = load_contract(work / "contracts", fresh=True)
    observed = contract.operation(low).raw["x-observed"]
    assert observed == {"date": "2026-05-04", "target": "staging-api.example", "ids": [low]}
    # Evidence is not part of the operation's definition: its cassettes stay valid.
    definition = lambda op: {k: v for k, v in op.raw.items() if k != "x-observed"}  # noqa: E731 - evidence only
    assert definition(contract.operation(low)) == definition(CONTRACT.operation(low))
    assert main(["coverage", "--contract", str(work / "contracts"), "--never-observed", "low"]) == 0
    out = capsys.readouterr().out
    assert f"  low     observed    1   never observed   {98:>2}" in out
    assert "low confidence, never observed: 98" in out and f"never observed (low): {low} " not in out


def test_cassettes_count_every_recorded_occurrence(work, capsys):
    source = DEFAULT_CONTRACT.parents[1] / "cassettes" / LIST / "conformance.json"
    cassette = json.loads(source.read_text(encoding="utf-8"))
    response = cassette["interactions"][0]["response"]
    body = json.loads(response["body"]["string"])
    for item in body["data"]:
        item["minimum_amount"] = item["amount"] = None
    response["body"]["string"] = json.dumps(body)
    (work / "cassettes" / LIST).mkdir(parents=True)
    (work / "cassettes" / LIST / "conformance.json").write_text(json.dumps(cassette), encoding="utf-8")
    exchange = Exchange(
        RecordedRequest("GET", "https://api.example.test/v1/admin/coupons"), 200, {}, json.dumps(body).encode()
    )
    op = CONTRACT.operation(LIST)
    findings = schema_check(CheckContext(CONTRACT, op, LIST), exchange)
    assert len(findings) == 5  # the check stops at five
    for f in findings:
        f.status = 200
    path = write(report({LIST: [check("schema", *findings)]}), work / "reports")
    code, out, _ = calibrate(work, path, capsys=capsys)
    assert "3/1/1" in out or "2/1/1" in out  # from the report alone: the first five occurrences
    code, out, _ = calibrate(work, path, "--cassettes", str(work / "cassettes"), capsys=capsys)
    assert code == 0
    assert out.count("4/1/1") == 2  # every item of the recorded list, for both fields
