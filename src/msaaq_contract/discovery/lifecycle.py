"""What a run creates and ends on its target, and how it is undone.

A destructive operation acts on a resource the run created for it (``ensure_created``), never on one discovery
found; what a create answered on a live target is deleted at the end (``schedule_cleanup``, ``undo``); a revoked
token is one the run logged out itself (``revoked_token``). The resource graph names the creates and deletes, the
contract's identities name the logouts: no operation is named here. Pytest-free: the plugin holds one per
session, the stateful chains and the suite ask it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from ..client.happy import Fixtures, MissingTargetData, PreparedCall, build_happy_request
from ..client.ledger import sending_as
from ..client.transport import Sender
from ..contract import Contract, Operation
from ..contract.identities import identities
from ..contract.resources import resource_graph
from ..errors import ConfigError, MsaaqContractError, UnsafeTarget
from ..exchange import Exchange

# Offline the recording holds the answer; this placeholder is never sent.
OFFLINE_REVOKED_TOKEN = "offline-revoked-token"  # noqa: S105


@dataclass
class Lifecycle:
    contract: Contract
    fixtures: Fixtures
    client: Sender
    # A target whose state outlives the run (not a replay, not the throwaway reference server): clean up there.
    keeps_state: bool
    offline: bool = False
    pending: list[PreparedCall] = field(default_factory=list)  # deletes to send at the end, in creation order
    revoked: dict[str, str] = field(default_factory=dict)  # identity -> a token revoked by logging out

    def revoked_token(self, identity: str) -> str:
        """A token of ``identity`` that was valid and has been revoked by its logout (the contract's
        ``x-session: ends`` operation of that identity)."""
        if self.offline:
            return OFFLINE_REVOKED_TOKEN
        if identity not in self.revoked:
            logout = identities(self.contract)[identity].session_end
            if logout is None:
                raise ConfigError(f"{identity} has no operation marked x-session: ends", hint="see contracts/README.md")
            call = build_happy_request(self.contract, logout.operation_id, self.fixtures)
            with sending_as("tokens"):
                token = self.client.tokens.get(identity, fresh=True)
            self.client.send(call, token=token, mutating=True)
            self.client.tokens.forget(token)  # refused from now on: the target counts it as a guest's
            self.revoked[identity] = token
        return self.revoked[identity]

    def schedule_cleanup(self, doc_id: str, exchange: Exchange) -> None:
        """Remember how to delete what a create answered with, on a target that keeps state: the resource graph
        names the collection's delete."""
        if not self.keeps_state or not (200 <= exchange.status < 300):
            return
        made = resource_graph(self.contract).created_by(self.contract.operation(doc_id))
        data = exchange.data
        if made is not None and made.delete is not None and isinstance(data, dict) and made.member in data:
            self._delete_later(made.delete, str(data[made.member]))

    def _delete_later(self, delete: Operation, created: str) -> None:
        values = {delete.path_params[-1].name: created}
        with contextlib.suppress(MissingTargetData):  # parents unknown: nothing we could address
            self.pending.append(build_happy_request(self.contract, delete.doc_ids[0], self.fixtures, values=values))

    def ensure_created(self, doc_id: str) -> None:
        """A destructive operation on a live target acts on a resource this run creates for it (once per id),
        never on one it discovered. Raises MissingTargetData (-> skipped) when none can be created."""
        op = self.contract.operation(doc_id)
        fixtures = self.fixtures
        if not fixtures.protect_targets or doc_id in fixtures.created:
            return
        target = resource_graph(self.contract).destroyed(op)  # the collection whose item it destroys
        if target is None or target.param in fixtures.operations.get(doc_id, {}):
            return
        param = target.param
        pin = f"pin one in fixtures (operations: {{{doc_id}: {{{param}: ...}}}})"
        if target.create is None:
            raise MissingTargetData(
                param,
                f"{doc_id} destroys a `{param}`, so it only gets one this run created, and the contract has "
                f"no create for {target.path} — {pin}",
            )
        call = build_happy_request(self.contract, target.create.doc_ids[0], fixtures)
        try:
            with sending_as("setup"):
                made = self.client.send(call, mutating=True)
        except UnsafeTarget as exc:
            reason = f"{doc_id} needs a `{param}` created first: {exc.one_line()}"
            raise MissingTargetData(param, reason) from None
        value = (made.data or {}).get(target.member)
        if not (200 <= made.status < 300) or value in (None, ""):
            raise MissingTargetData(
                param,
                f"could not create a `{param}` for {doc_id}: {target.describe_create()} answered HTTP {made.status} "
                f"— {pin}",
            )
        fixtures.created[doc_id] = {param: str(value)}
        if target.delete is not None:  # whatever the destructive operation leaves (a cancel, a failed delete)
            self._delete_later(target.delete, str(value))

    def undo(self) -> float:
        """Delete what the run created, newest first, best effort; the seconds it took (a throttled target may
        make it wait for its window)."""
        started = self.client.clock()
        for call in reversed(self.pending):
            with contextlib.suppress(MsaaqContractError), sending_as("cleanup"):
                self.client.send(call, mutating=True)
        self.pending.clear()
        return self.client.clock() - started
