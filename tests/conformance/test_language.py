"""Language: with Accept-Language ar and en the responses still conform, and Arabic text arrives intact."""

import pytest

from msaaq_contract.checks import envelope, language, schema, status


@pytest.mark.msaaq(family="language", applies="reads")
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_language(conformance, doc_id, lang):
    exchange = conformance.happy(language=lang)
    conformance.check(exchange, status.success_expected, envelope.envelope, schema.schema, language.arabic_intact)
