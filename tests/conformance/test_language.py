"""Language: with Accept-Language ar and en the responses still conform, and Arabic text arrives intact."""

import pytest


@pytest.mark.msaaq("language")
def test_language(conformance, doc_id, lang):
    exchange = conformance.happy(language=lang)
    conformance.check(exchange)
