"""The cassette context: a corrupt file is a CassetteError, but an error of the code inside stays that error."""

from pathlib import Path

import pytest

from msaaq_contract.errors import CassetteError
from msaaq_contract.recording.cassettes import CassetteLibrary
from msaaq_contract.recording.redaction import Redactor

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"


def test_an_error_inside_the_block_is_not_blamed_on_the_cassette():
    library = CassetteLibrary(CASSETTES, "none", Redactor())
    with pytest.raises(KeyError, match="from the test body"), library.use("tenant.ping-pong", "conformance"):
        raise KeyError("from the test body")


def test_a_corrupt_cassette_is_one_line(tmp_path):
    (tmp_path / "tenant.ping-pong").mkdir()
    (tmp_path / "tenant.ping-pong" / "conformance.yaml").write_text("interactions: [{request: ")
    library = CassetteLibrary(tmp_path, "none", Redactor())
    with pytest.raises(CassetteError, match="corrupt cassette"), library.use("tenant.ping-pong", "conformance"):
        pass
