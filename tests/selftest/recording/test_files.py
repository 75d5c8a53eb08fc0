"""Cassette files: JSON when every body is text, YAML when one is not; VCR.py reads both back unchanged."""

import json

import vcr
import yaml

from msaaq_contract.recording import files
from msaaq_contract.recording.replay import read_cassette


def record(tmp_path, body):
    """Records one exchange through VCR.py with our persister, as ``CassetteLibrary`` does."""
    recorder = vcr.VCR(serializer="json", record_mode="all")
    recorder.register_persister(files.Persister)
    stem = tmp_path / "doc.id" / "family"
    cassette_dict = {
        "requests": [vcr.request.Request("POST", "https://api.msaaq.test/v1/x", body, {"Content-Type": ["x"]})],
        "responses": [{"status": {"code": 201, "message": "Created"}, "headers": {}, "body": {"string": "مرحبا"}}],
    }
    files.Persister.save_cassette(str(stem), cassette_dict, recorder.serializer)
    return stem


def test_text_bodies_are_json_with_arabic_readable(tmp_path):
    stem = record(tmp_path, b'{"title": "\xd8\xaf\xd9\x88\xd8\xb1\xd8\xa9"}')
    path = files.find(stem)
    assert path.name == "family.json"
    text = path.read_text(encoding="utf-8")
    assert "مرحبا" in text  # not \\u-escaped
    assert json.loads(text)["version"] == 1
    [exchange] = read_cassette(path, "hint")
    assert exchange.request.body == '{"title": "دورة"}'.encode()
    assert exchange.status == 201
    assert exchange.body == "مرحبا".encode()


def test_a_body_that_is_not_utf8_makes_a_yaml_cassette_and_replaces_the_json_one(tmp_path):
    stem = record(tmp_path, b"ok")
    assert files.find(stem).suffix == ".json"
    record(tmp_path, b"\xff\xfe\x00 fuzzed")
    path = files.find(stem)
    assert path.name == "family.yaml"
    assert not stem.with_name("family.json").exists()
    assert "!!binary" in path.read_text()
    data = yaml.load(path.read_text(), Loader=yaml.SafeLoader)
    assert data["interactions"][0]["request"]["body"] == b"\xff\xfe\x00 fuzzed"
    [exchange] = read_cassette(path, "hint")
    assert exchange.request.body == b"\xff\xfe\x00 fuzzed"


def test_vcr_loads_both_through_the_persister(tmp_path):
    for body in (b"text", b"\xff binary"):
        stem = record(tmp_path, body)
        requests, responses = files.Persister.load_cassette(str(stem), None)
        assert requests[0].body == body
        assert responses[0]["body"]["string"] == "مرحبا".encode()


def test_a_missing_stem_names_the_json_file(tmp_path):
    assert files.find(tmp_path / "x" / "conformance") == tmp_path / "x" / "conformance.json"
