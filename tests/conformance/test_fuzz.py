"""Fuzzing from the contract: valid generated requests never get a 5xx and conform; invalid ones are refused
with a 4xx in the error envelope, never a 2xx or a 5xx. Valid or invalid is what the contract says of the
request actually sent (``checks.fuzz.as_recorded``), whatever the generator meant it to be."""

import pytest


@pytest.mark.msaaq("fuzz")
def test_fuzz_valid(conformance, doc_id):
    conformance.fuzz("positive")


@pytest.mark.msaaq("fuzz")
def test_fuzz_invalid(conformance, doc_id):
    conformance.fuzz("negative")
