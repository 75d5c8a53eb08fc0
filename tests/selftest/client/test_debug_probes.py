"""The debug-route probes leave through the live client like every request: anonymous GETs at the host root and
under the API base (``PreparedCall.probe``), and the exposure check judges what came back."""

from __future__ import annotations

import respx
from tests.selftest.client.test_client import FakeTime, make_client
from tests.selftest.fixtures.responses import ctx, titles

from msaaq_contract.checks.exposure import probe_ids, served
from msaaq_contract.client.happy import PreparedCall

ROOT = "https://staging.msaaq.example"


@respx.mock
def test_probes_reach_the_host_root_and_the_api_base_without_a_token(contract):
    doc_id = probe_ids(contract)[0]
    op = contract.operation(doc_id)
    served_env = respx.get(f"{ROOT}/.env").respond(
        200, text="APP_KEY=base64:x\n", headers={"content-type": "text/plain"}
    )
    refused_env = respx.get(f"{ROOT}/v1/.env").respond(404, json={"message": "Not Found"})
    client = make_client(FakeTime())
    answers = [
        client.send(PreparedCall(doc_id, op.operation_id, "GET", "/.env", root_relative=root, probe=True), token=None)
        for root in (True, False)
    ]
    assert served_env.call_count == refused_env.call_count == 1
    assert "authorization" not in {k.lower() for k in served_env.calls[0].request.headers}
    found = [titles(served(ctx(contract, doc_id, {"probe": "/.env"}), a)) for a in answers]
    assert found == [["Debug route served"], []]
