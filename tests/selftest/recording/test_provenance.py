"""What a verdict is a verdict on: the cassettes' recorded_from, merged over partial re-recordings, in words."""

from msaaq_contract.recording import provenance

LIVE = {"kind": "live", "host": "staging.example", "recorded_at": "2026-11-20T10:00:00Z", "contract_digest": "d1"}


def test_a_recording_names_its_source():
    assert provenance.of_recording(
        reference_server=True, base_url="http://127.0.0.1:9/v1", contract_digest="d", suite_version="0.1.0"
    ) == {"kind": "reference-server"}
    live = provenance.of_recording(
        reference_server=False, base_url="https://staging.example/v1", contract_digest="d", suite_version="0.1.0"
    )
    assert live["kind"] == "live" and live["host"] == "staging.example"
    assert live["contract_digest"] == "d" and live["suite_version"] == "0.1.0" and live["recorded_at"].endswith("Z")


def test_partial_rerecording_from_another_source_is_a_mix():
    ref = provenance.REFERENCE_SERVER
    assert provenance.merged(ref, LIVE, complete=True) == LIVE
    assert provenance.merged(None, LIVE, complete=False) == LIVE
    assert provenance.merged(LIVE, {**LIVE, "recorded_at": "2026-11-27T00:00:00Z"}, complete=False)["kind"] == "live"
    mixed = provenance.merged(ref, LIVE, complete=False)
    assert mixed == {"kind": "mixed", "sources": [ref, LIVE]}
    assert provenance.merged(mixed, LIVE, complete=False) == {"kind": "mixed", "sources": [ref, LIVE]}


def test_the_words_say_when_the_verdict_is_on_the_simulation():
    offline = provenance.verdict_on("offline", simulated=False, target="x", recorded_from=provenance.REFERENCE_SERVER)
    assert offline == (
        "recordings of the reference server (a simulation): this verdict is on the simulation, not on MSAAQ's API"
    )
    sim = provenance.verdict_on("sim", simulated=True, target="http://127.0.0.1:1/v1", recorded_from=None)
    assert "not on MSAAQ's API" in sim
    live = provenance.verdict_on("offline", simulated=False, target="x", recorded_from=LIVE)
    assert live == "recordings of the live target staging.example made on 2026-11-20 (contract d1, suite ?)"
    assert provenance.verdict_on("live", simulated=False, target="https://staging.example/v1", recorded_from=None) == (
        "the live target staging.example"
    )
    assert "unknown source" in provenance.describe(None)
    mixed = provenance.describe({"kind": "mixed", "sources": [provenance.REFERENCE_SERVER, LIVE]})
    assert mixed.startswith("recordings of several sources: the reference server (a simulation)")
