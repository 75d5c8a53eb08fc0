"""CORS: an Origin no deployment allows is never echoed (nor ``null`` allowed) with credentials.

One operation per API area (``checks.cors.area_ids``): its read with the Origin (when it is a plain read) and a
CORS preflight; both safe, in their own cassette.
"""

import pytest

from msaaq_contract.checks.cors import PREFLIGHT_HEADERS, PROBE_ORIGIN
from msaaq_contract.checks.documented import documented_answer


@pytest.mark.msaaq("cors")
def test_cors(conformance, doc_id):
    call = conformance.probe_call()
    calls = []
    if conformance.op.method == "get":
        calls.append((call.copy(headers={**call.headers, "Origin": PROBE_ORIGIN}), True))
    preflight = {
        "Origin": PROBE_ORIGIN,
        "Access-Control-Request-Method": conformance.op.method.upper(),
        "Access-Control-Request-Headers": PREFLIGHT_HEADERS,
    }
    # A browser's preflight carries no credentials.
    calls.append((call.copy(method="OPTIONS", query={}, json=None, data=None, files=None, headers=preflight), False))
    with conformance.recording():
        answers = [conformance.send(c, mutating=False, **({} if auth else {"token": None})) for c, auth in calls]
    for exchange, (sent, _) in zip(answers, calls, strict=True):
        # The read is also the documented answer of its operation; a preflight is a method no operation declares.
        whole = (documented_answer,) if sent.method != "OPTIONS" else ()
        conformance.judge(exchange, *conformance.checks, *whole)
    conformance.conclude()
