"""Offline replay: cassettes are read as VCR.py wrote them, each request of a test is answered by the next
recorded exchange of its operation, and whatever cannot be judged any more is a one-line CassetteError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from msaaq_contract.client.happy import Fixtures, build_happy_request
from msaaq_contract.errors import CassetteError
from msaaq_contract.recording.replay import ReplayLibrary, read_cassette, to_exchange

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"
FIXTURES = Fixtures(tenant="academy-a.msaaq.test", path={"course": 1001})
DOC = "admin.courses.get-course"
META = {"operations": {DOC: "GET /admin/courses/{course}"}}


def test_reading_equals_plain_json_and_pyyaml_loading_with_binary_and_null_bodies():
    # A YAML cassette holds !!binary request bodies (fuzzed bytes); the JSON ones hold multipart forms and requests
    # without a body.
    binary = sorted(CASSETTES.glob("*/fuzz-negative.yaml"))[:3]
    assert binary
    json_ones = [CASSETTES / "admin.courses.create-course" / "stateful.json", *CASSETTES.glob("tenant.ping-pong/*")]
    for path in [*binary, *json_ones]:
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        else:
            data = yaml.load(path.read_bytes(), Loader=yaml.SafeLoader)
        assert read_cassette(path, "hint") == [to_exchange(i) for i in data["interactions"]], path


def test_an_exchange_carries_the_recorded_request_and_response():
    [exchange] = read_cassette(CASSETTES / "admin.courses.get-course" / "conformance.json", "hint")
    assert exchange.request.method == "GET"
    assert exchange.request.url == "https://api.msaaq.test/v1/admin/courses/1001"
    assert exchange.request.body == b""
    assert exchange.status == 200
    assert exchange.content_type == "application/json"
    assert exchange.data is not None and exchange.data["id"] == 1001


def test_missing_and_corrupt_cassettes_are_one_line_errors(tmp_path):
    with pytest.raises(CassetteError, match=r"^x/y: no cassette at .* — re-record"):
        read_cassette(tmp_path / "none.yaml", "re-record", "x/y")
    (tmp_path / "bad.yaml").write_text("interactions: [{request: ")
    with pytest.raises(CassetteError, match=r"corrupt cassette \(\w+\)"):
        read_cassette(tmp_path / "bad.yaml", "re-record")
    (tmp_path / "shape.yaml").write_text("interactions: [{request: {}}]")
    with pytest.raises(CassetteError, match=r"corrupt cassette \(KeyError\)"):
        read_cassette(tmp_path / "shape.yaml", "re-record")
    (tmp_path / "bad.json").write_text('{"interactions": [')
    with pytest.raises(CassetteError, match=r"bad\.json: corrupt cassette \(JSONDecodeError\)"):
        read_cassette(tmp_path / "bad.json", "re-record")


def test_each_request_gets_the_next_recorded_exchange_and_all_must_be_played(contract):
    library = ReplayLibrary(CASSETTES, contract, META)
    call = build_happy_request(contract, "admin.courses.get-course", FIXTURES)
    with library.use("admin.courses.get-course", "conformance"):
        assert library.answer(call).status == 200
        with pytest.raises(CassetteError, match="now sends more requests than the 1 recorded"):
            library.answer(call)
    with (
        pytest.raises(CassetteError, match="1 recorded interaction\\(s\\) were not replayed"),
        library.use("admin.courses.get-course", "conformance"),
    ):
        pass


def test_a_request_of_another_operation_is_stale_with_the_rerecord_command(contract):
    library = ReplayLibrary(CASSETTES, contract, META)
    other = build_happy_request(contract, "admin.courses.list-courses", FIXTURES)
    with library.use("admin.courses.get-course", "conformance"), pytest.raises(CassetteError) as caught:
        library.answer(other)
    line = caught.value.one_line()
    assert "the recorded GET /v1/admin/courses/1001 no longer fits GET /admin/courses" in line
    assert line.endswith(
        "re-record: pytest tests/conformance --msaaq-sim --msaaq-record-mode=rewrite"
        " -k 'admin.courses.get-course' -p no:xdist"
    )


def test_an_error_inside_the_block_stays_that_error(contract):
    library = ReplayLibrary(CASSETTES, contract, META)
    with pytest.raises(KeyError, match="from the test body"), library.use("tenant.ping-pong", "conformance"):
        raise KeyError("from the test body")
    assert library.current is None
