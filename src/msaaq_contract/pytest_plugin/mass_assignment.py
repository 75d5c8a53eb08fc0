"""The mass-assignment probe of one resource the run creates (a chain of the resource graph).

create with the happy body plus the response-only members at their first values -> read as the owner; only
where a member read back its first value: the update with the second values -> read again, and for members the
update cannot take or did not store, a second create -> its read; each read after a second value is judged by
``checks.mass_assignment``. Whatever the probe created is deleted at the end, also when a step fails. On a
conforming target that is three requests per resource: create, read, delete.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from ..checks.mass_assignment import Probe, deleter, mass_assignment, probes, stored
from ..client.happy import PreparedCall, build_happy_request
from ..contract import Contract, Operation
from ..contract.resources import Chain
from ..errors import MsaaqContractError
from ..exchange import Exchange
from .suite import Conformance, missing_data_skips


def _doc_id(op: Operation) -> str:
    return op.doc_ids[0] if op.doc_ids else op.operation_id


class MassAssignmentProbe:
    def __init__(self, c: Conformance, chain: Chain) -> None:
        self.c = c
        self.chain = chain
        self.read_op = chain.links["read"]
        self.made: dict[str, Exchange] = {}  # id -> the create answer of each row this probe made

    def call(self, op: Operation, created: str | None, values: dict[str, Any]) -> PreparedCall:
        """``op``'s happy request on the created item, its body extended with ``values``."""
        fixed = {op.path_params[-1].name: created} if created is not None and op.path.endswith("}") else None
        with missing_data_skips():
            call = build_happy_request(self.c.contract, _doc_id(op), self.c.runtime.fixtures, values=fixed)
        if call.data is not None:  # a form: every value travels as text
            call.data.update({k: str(v) for k, v in values.items()})
        elif values:
            call.json = {**(call.json or {}), **values}
        return call

    def answer(self, op: Operation, exchange: Exchange, step: str) -> Exchange:
        """Every answer the probe receives is judged whole as its own operation's (the registry's documented-answer
        checks); the mass-assignment verdict is judged apart, on the reads after a second value."""
        checks = [check for check in self.c.checks if check is not mass_assignment]
        self.c.judge(exchange, *checks, doc_id=_doc_id(op), step=step)
        return exchange

    def write(self, op: Operation, created: str | None, values: dict[str, Any]) -> str | None:
        """Send the write; the id of the row to read back, or None when it was refused (422: conforming)."""
        step = "create" if op is self.chain.create else "update"
        answer = self.answer(op, self.c.send(self.call(op, created, values)), step)
        if answer.status == 422:
            return None
        if not 200 <= answer.status < 300:
            pytest.skip(
                f"{op.label} answered HTTP {answer.status} with response-only members {sorted(values)}: nothing "
                "stored to judge (the happy families judge this write)"
            )
        if op is self.chain.create:
            value = (answer.data or {}).get(self.chain.member)
            if value in (None, ""):
                pytest.skip(f"{op.label} answered no data.{self.chain.member}: the row cannot be read back")
            created = str(value)
            self.made[created] = answer
        return created

    def read(self, created: str, after: str) -> Exchange:
        exchange = self.answer(self.read_op, self.c.send(self.call(self.read_op, created, {})), "read")
        if not 200 <= exchange.status < 300:
            pytest.skip(
                f"the owner's read {self.read_op.label} answered HTTP {exchange.status} after {after}: "
                "the row cannot be compared (a stored academy or owner id would hide it)"
            )
        return exchange

    def run(self) -> None:
        c, chain = self.c, self.chain
        if not c.runtime.settings.writes_allowed():
            pytest.skip(f"mutating: the {chain.create.label} probe is refused against {c.runtime.settings.host}")
        on_create = probes(c.contract, chain.create, self.read_op)
        if not on_create or deleter(c.contract, chain) is None:  # the registry's rule never picks such a chain
            pytest.skip(f"{chain.create.label}: nothing response-only to send, or no delete to undo the probe")
        update = chain.links.get("update")
        # The member that addresses the row is never sent to the update: a stored one would move the row away
        # from its read and its clean-up; a second create gives it its second value.
        item = frozenset({chain.member})
        on_update = {p.member: p for p in probes(c.contract, update, self.read_op, skip=item)} if update else {}
        with c.recording():
            try:
                self.probe(on_create, update, on_update)
            except pytest.skip.Exception:
                if not c.findings:  # a later step that cannot go on does not hide what an earlier one proved
                    raise
            finally:
                self.clean_up()
        c.conclude()

    def probe(self, on_create: list[Probe], update: Operation | None, on_update: dict[str, Probe]) -> None:
        first = {p.member: p.first for p in on_create}
        seconds = {p.member: p.second for p in on_create}
        created = self.write(self.chain.create, None, first)
        if created is None:
            return  # refused: nothing stored
        row = self.read(created, "the create").data or {}
        # A member ignored once cannot be stored twice: a second write only goes where the first one stuck.
        kept = [m for m, v in first.items() if stored(v, row.get(m))]
        expect = {"first": first, "after_first": {m: row.get(m) for m in kept}}
        confirmed: set[str] = set()
        by_update = {m: on_update[m].second for m in kept if m in on_update}
        if update is not None and by_update and self.write(update, created, by_update) is not None:
            again = self.read(created, "the update")
            found = self.c.judge(
                again, mass_assignment, doc_id=_doc_id(update), step="update",
                expectation={**expect, "second": by_update, "writes": "create, then update"},
            )  # fmt: skip
            confirmed = {f.pointer.rsplit("/", 1)[-1] for f in found if f.pointer}
        # What the update cannot take or did not store (a create-only breach) gets its second value from a
        # second create.
        by_create = {m: seconds[m] for m in kept if m not in confirmed}
        if by_create:
            second = self.write(self.chain.create, None, by_create)
            if second is not None:
                again = self.read(second, "the second create")
                self.c.judge(
                    again, mass_assignment, step="second create",
                    expectation={**expect, "second": by_create, "writes": "two creates"},
                )  # fmt: skip

    def clean_up(self) -> None:
        """Delete what the probe made, newest first; a row whose delete did not succeed is left to the run's
        clean-up at the end (``Lifecycle``), on a target that keeps state."""
        delete = deleter(self.c.contract, self.chain)
        runtime = self.c.runtime
        for created, answer in reversed(self.made.items()):
            done = False
            if delete is not None:
                with contextlib.suppress(MsaaqContractError):  # the target failed: the run's clean-up tries again
                    gone = runtime.client.send(self.call(delete, created, {}), mutating=True)
                    done = 200 <= self.answer(delete, gone, "delete").status < 300
            if not done:
                runtime.lifecycle.schedule_cleanup(_doc_id(self.chain.create), answer)
        self.made.clear()


def requests_at_most(contract: Contract, chain: Chain) -> int:
    """The plan's bound for one probe: create, read and delete; the update and its read where the update takes a
    member; a second create, its read and delete. A conforming target stops after the first three (nothing read
    back as sent)."""
    read, update = chain.links["read"], chain.links.get("update")
    on_create = {p.member for p in probes(contract, chain.create, read)}
    if not on_create or deleter(contract, chain) is None:
        return 0
    on_update = {p.member for p in probes(contract, update, read, skip=frozenset({chain.member}))} if update else set()
    return 3 + 3 + (2 if on_update & on_create else 0)
