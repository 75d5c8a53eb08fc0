"""Fuzzing from the contract: valid generated requests never get a 5xx and conform; invalid ones are refused
with a 4xx in the error envelope, never a 2xx or a 5xx."""

import pytest

from msaaq_contract.checks import fuzz


@pytest.mark.msaaq(family="fuzz", applies="fuzz_positive")
def test_fuzz_valid(conformance, doc_id):
    conformance.fuzz("positive", fuzz.conforms)


@pytest.mark.msaaq(family="fuzz", applies="fuzz_negative")
def test_fuzz_invalid(conformance, doc_id):
    conformance.fuzz("negative", fuzz.rejects_invalid)
