"""What a run creates and ends on a target (discovery/lifecycle.py), against respx mocks: a destructive operation
gets a resource the run created, what was created is deleted at the end, a revoked token is one the run logged out.
The operations are chosen from the contract by what the resource graph and the identities say, not by id."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from msaaq_contract.client.happy import Credentials, Fixtures, MissingTargetData
from msaaq_contract.client.transport import Client
from msaaq_contract.contract import Contract, Operation, load_contract
from msaaq_contract.contract.identities import identities
from msaaq_contract.contract.resources import Collection, resource_graph
from msaaq_contract.discovery.lifecycle import OFFLINE_REVOKED_TOKEN, Lifecycle
from msaaq_contract.exchange import Exchange, RecordedRequest
from msaaq_contract.settings import Settings

BASE = "http://target.test/v1"
TENANT = "academy.example"
CREDS = Credentials("cid", "secret", "admin@academy.example", "apass", "student@academy.example", "spass")
NEW_ID = 4242


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract()


def destroyed_with_create_and_delete(contract: Contract) -> tuple[Operation, Collection]:
    """A destructive admin operation on a top-level collection that has both a create and a delete."""
    graph = resource_graph(contract)
    for op in contract:
        target = graph.destroyed(op)
        if op.area == "admin" and len(op.path_params) == 1 and target and target.create and target.delete:
            return op, target
    raise AssertionError("the contract has no destructive admin operation whose collection has a create")


def nested(pointer: str, value: Any) -> Any:
    for key in reversed(pointer.strip("/").split("/")):
        value = {key: value}
    return value


class Target:
    """Issues tokens where the contract's identities say, creates with NEW_ID, records every request."""

    def __init__(self, contract: Contract, create_status: int = 201) -> None:
        self.issuers = {f"/v1{i.issuer.path}": i for i in identities(contract)}
        self.create_status = create_status
        self.sent: list[tuple[str, str]] = []
        self.tokens = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.sent.append((request.method, path))
        identity = self.issuers.get(path)
        if identity is not None and request.method == "POST":
            self.tokens += 1
            return httpx.Response(200, json=nested(identity.token, f"tok-{self.tokens}"))
        if request.method == "POST":
            body = {"status": "success", "code": "201", "data": {"id": NEW_ID, "uuid": str(NEW_ID)}}
            return httpx.Response(self.create_status, json=body if self.create_status < 300 else {"errors": {}})
        return httpx.Response(200, json={"status": "success", "code": "200", "data": None})


def lifecycle(
    contract: Contract, *, keeps_state: bool = True, offline: bool = False, allow_writes: bool = True
) -> Lifecycle:
    settings = Settings(mode="live", base_url=BASE, tenant=TENANT, credentials=CREDS, allow_writes=allow_writes)
    fixtures = Fixtures.from_mapping({"tenant": TENANT}, credentials=CREDS, protect_targets=True)
    return Lifecycle(contract, fixtures, Client(settings), keeps_state, offline=offline)


def test_a_destructive_operation_gets_a_resource_the_run_created_and_deleted_at_the_end(contract):
    op, target = destroyed_with_create_and_delete(contract)
    server = Target(contract)
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=server)
        life = lifecycle(contract)
        life.ensure_created(op.doc_ids[0])
        life.ensure_created(op.doc_ids[0])  # once per id
        creates = [s for s in server.sent if s == ("POST", f"/v1{target.path}")]
        assert len(creates) == 1
        assert life.fixtures.created[op.doc_ids[0]] == {target.param: str(NEW_ID)}
        assert len(life.pending) == 1
        life.undo()
    assert target.delete is not None
    deleted = f"/v1{target.delete.path}".replace("{" + target.param + "}", str(NEW_ID))
    assert server.sent[-1] == (target.delete.method.upper(), deleted) and life.pending == []


def test_a_refused_create_skips_the_destructive_operation_with_a_reason(contract):
    op, target = destroyed_with_create_and_delete(contract)
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=Target(contract, create_status=422))
        with pytest.raises(MissingTargetData, match=rf"could not create a `{target.param}`.*answered HTTP 422"):
            lifecycle(contract).ensure_created(op.doc_ids[0])


def test_without_allow_writes_nothing_is_created_and_the_operation_is_skipped(contract):
    op, target = destroyed_with_create_and_delete(contract)
    server = Target(contract)
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.route().mock(side_effect=server)
        with pytest.raises(MissingTargetData, match=r"created first: .* is a write; refused .* --allow-writes"):
            lifecycle(contract, allow_writes=False).ensure_created(op.doc_ids[0])
    assert ("POST", f"/v1{target.path}") not in server.sent


def created(contract: Contract, target: Collection, status: int) -> Exchange:
    assert target.create is not None
    body = json.dumps({"status": "success", "code": str(status), "data": {target.member: NEW_ID}}).encode()
    request = RecordedRequest("POST", BASE + target.create.path)
    return Exchange(request, status, {"content-type": "application/json"}, body)


def test_only_a_target_that_keeps_state_is_cleaned_up(contract):
    _, target = destroyed_with_create_and_delete(contract)
    assert target.create is not None
    doc_id = target.create.doc_ids[0]
    throwaway = lifecycle(contract, keeps_state=False)
    throwaway.schedule_cleanup(doc_id, created(contract, target, 201))
    assert throwaway.pending == []
    staging = lifecycle(contract)
    staging.schedule_cleanup(doc_id, created(contract, target, 422))  # nothing was created
    assert staging.pending == []
    staging.schedule_cleanup(doc_id, created(contract, target, 201))
    assert [c.path.endswith(f"/{NEW_ID}") for c in staging.pending] == [True]


def test_a_revoked_token_is_one_the_run_logged_out(contract):
    user = next(i for i in identities(contract) if i.user and i.session_end is not None)
    assert user.session_end is not None
    server = Target(contract)
    with respx.mock(base_url=BASE) as mock:
        mock.route().mock(side_effect=server)
        life = lifecycle(contract)
        token = life.revoked_token(user.name)
        assert life.revoked_token(user.name) == token  # logged out once
    logout = (user.session_end.method.upper(), f"/v1{user.session_end.path}")
    assert server.sent.count(logout) == 1 and token.startswith("tok-")


def test_offline_nothing_is_sent_for_a_revoked_token(contract):
    user = next(i for i in identities(contract) if i.session_end is not None)
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        route = mock.route()
        assert lifecycle(contract, offline=True).revoked_token(user.name) == OFFLINE_REVOKED_TOKEN
    assert route.call_count == 0
