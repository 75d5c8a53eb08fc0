"""Every documented id, called once on a fresh server with the suite's happy request, answers a documented
success whose body validates against the contract (JSON Schema 2020-12, refs resolved in the bundle)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from tests.selftest.fixtures.refserver import RefClient, contract_errors

from msaaq_contract.contract import load_contract
from msaaq_contract.refserver import start_server

CONTRACT = load_contract()
DOC_IDS = [doc_id for doc_id, _ in CONTRACT.documented()]


def check_success(client: RefClient, doc_id: str) -> str | None:
    """None when ``doc_id``'s happy call answers a valid documented success, else what went wrong."""
    op = CONTRACT.operation(doc_id)
    response = client.send(client.happy(doc_id))
    status = str(response.status_code)
    if status not in op.success_statuses:
        return f"{doc_id}: HTTP {status} {response.text[:300]}"
    spec = op.responses[status]
    if status == "302":
        return None if response.headers.get("location") else f"{doc_id}: 302 without Location"
    if not spec.is_json:
        if not response.headers["content-type"].startswith(spec.media_type or ""):
            return f"{doc_id}: content-type {response.headers['content-type']} instead of {spec.media_type}"
        if spec.media_type in ("application/pdf", "application/octet-stream") and not response.content.startswith(
            b"%PDF-"
        ):
            return f"{doc_id}: not a PDF"
        return None
    if not response.headers["content-type"].startswith("application/json"):
        return f"{doc_id}: content-type {response.headers['content-type']}"
    errors = contract_errors(op.operation_id, response.status_code, response.json())
    return f"{doc_id}: {errors[:3]}" if errors else None


@pytest.fixture(scope="module")
def walk_client() -> Iterator[RefClient]:
    with start_server(contract=CONTRACT) as server:
        client = RefClient(server, CONTRACT)
        yield client
        client.close()


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_documented_id_answers_a_valid_success(walk_client, doc_id):
    assert check_success(walk_client, doc_id) is None


def test_there_are_531_documented_ids():
    assert len(DOC_IDS) == 531


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_every_id_succeeds_once_in_any_order(order):
    """The fixture overrides give each destructive id its own row, so no call breaks another."""
    ids = list(reversed(DOC_IDS)) if order == "reversed" else random.Random(7).sample(DOC_IDS, len(DOC_IDS))
    with start_server(contract=CONTRACT) as server:
        client = RefClient(server, CONTRACT)
        failures = [problem for doc_id in ids if (problem := check_success(client, doc_id))]
        client.close()
    assert failures == []


def test_two_starts_serve_identical_data():
    """Fixed ids, fixed clock, deterministic synthesis: every GET answers the same bytes on two servers."""
    gets = [doc_id for doc_id in DOC_IDS if CONTRACT.operation(doc_id).method == "get"]
    bodies = []
    for _ in range(2):
        with start_server(contract=CONTRACT) as server:
            client = RefClient(server, CONTRACT)
            port = re.escape(str(server.port))
            bodies.append([re.sub(port, "PORT", client.send(client.happy(d)).text) for d in gets])
            client.close()
    assert len(gets) > 200
    assert bodies[0] == bodies[1]
