"""Observed coverage (``coverage --observed``): the recorded answers of a run, walked with the contract, say which
model members and enum values the API showed (a value, null, absent), and which it never showed."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path

import pytest
from tests.selftest.calibration.evidence_factory import CONTRACT, passed, report, write
from tests.selftest.fixtures.responses import valid_body

from msaaq_contract.calibration.observed import observe, summary
from msaaq_contract.cli.main import main

COUPON, COUPONS = "admin.coupons.get-coupon", "admin.coupons.list"


def answer(path: str, body: object, status: int = 200) -> dict:
    return {
        "request": {"method": "GET", "uri": f"https://api.msaaq.test/v1{path}", "headers": {}, "body": None},
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(body)},
        },
    }


def coupon(**changes) -> dict:
    data = copy.deepcopy(valid_body(CONTRACT, COUPON)["data"]) | changes
    del data["maximum_amount"]  # never in any answer
    return data


@pytest.fixture
def recorded(tmp_path) -> Path:
    """A live run's report whose cassettes hold three coupons: one read, a list of two (and a 404)."""
    root = tmp_path / "cassettes"
    for doc_id, interactions in {
        COUPON: [answer("/admin/coupons/1", {"data": coupon(expiry_at=None)})],
        COUPONS: [
            answer("/admin/coupons", {**valid_body(CONTRACT, COUPONS), "data": [coupon(), coupon(expiry_at=None)]}),
            answer("/admin/coupons/404", {"status": "failed", "code": "NOT_FOUND", "message": {"body": "x"}}, 404),
        ],
    }.items():
        (root / doc_id).mkdir(parents=True)
        (root / doc_id / "conformance.json").write_text(json.dumps({"version": 1, "interactions": interactions}))
    checks = {doc_id: [passed("envelope")] for doc_id in (COUPON, COUPONS)}
    rep = report(checks, mode="live", target="https://staging.example/v1")
    for endpoint in rep.endpoints:
        endpoint.checks["envelope"].cassette = str(root / endpoint.id / "conformance.json")
    return write(rep, tmp_path / "report")


def test_members_and_enum_values_are_tallied_from_the_recorded_answers(recorded):
    root = recorded.parent.parent / "cassettes"
    table = summary(CONTRACT, observe(CONTRACT, [(d, root / d) for d in (COUPON, COUPONS)]))
    assert table["answers"] == 3  # the 404 is judged by its own (error) schema
    coupon_model = table["models"]["admin.Coupon"]
    assert coupon_model["objects"] == 3
    members = coupon_model["members"]
    assert members["code"] == {"value": 3, "null": 0, "absent": 0, "nullable": False}
    assert (members["maximum_amount"]["value"], members["maximum_amount"]["absent"]) == (0, 3)
    assert (members["expiry_at"]["value"], members["expiry_at"]["null"]) == (1, 2)
    assert members["type"]["enum_seen"] == {"percentage": 3} and members["type"]["enum_never"] == ["flat"]
    assert "admin.Course" in table["models_never_seen"]


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["coverage", *args])
    return code, out.getvalue()


def test_the_command_prints_what_was_declared_and_never_seen_with_counts(recorded):
    code, text = run_cli("--observed", str(recorded))
    assert code == 0, text
    assert "observed coverage: 3 recorded answers of 1 run(s): https://staging.example/v1 (live" in text
    assert "members declared but never seen (5; model (objects seen): members):" in text
    assert "  admin.Coupon (3): maximum_amount" in text
    assert '  admin.Coupon.type: "flat"' in text
    code, raw = run_cli("--observed", str(recorded), "--json")
    assert json.loads(raw)["models"]["admin.Coupon"]["members"]["maximum_amount"]["absent"] == 3


def test_a_run_without_cassettes_or_an_offline_run_is_one_line_exit_2(tmp_path, capsys):
    bare = write(report({COUPON: [passed("envelope")]}, mode="live", target="https://x.example/v1"), tmp_path / "a")
    assert run_cli("--observed", str(bare))[0] == 2
    assert "recorded no cassettes" in capsys.readouterr().err
    offline = write(report({COUPON: [passed("envelope")]}, mode="offline"), tmp_path / "b")
    assert run_cli("--observed", str(offline))[0] == 2
    err = capsys.readouterr().err
    assert "offline run" in err and err.count("\n") == 1
