"""Probes of who may call what: a foreign identity's token on an operation, after a positive control.

``roles`` sends an operation's happy request with the token of a user identity its security does not list (a
student's token on the Admin API); ``binding`` with the token of the operation's own identity issued by the other
academy, and this academy's ``X-Tenant``. What is probed comes from the contract (``contract.access``): reads,
creates with the happy body, and updates and deletes of a resource the probe creates first as its owner, read
back afterwards by the owner (a refused write must have changed nothing). A wrongly accepted create is deleted
at the end like every creation of the run.

A refusal only counts after a **positive control**: the same token, in the same run, was served where it should
be (an operation its identity may call; for the other academy's token, on its own academy). Without one the
probe is skipped with the reason: a broken account is never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ..checks.access import no_existence_leak, refused, unchanged
from ..client.happy import MissingTargetData, PreparedCall, build_happy_request
from ..client.ledger import sending_as
from ..contract.access import control_operation, probe_kind, written_collection
from ..errors import UnsafeTarget
from ..exchange import Exchange
from .stateful import distinct_change, doc_id_of, with_body
from .suite import Conformance, missing_data_skips

REFUSED = (401, 403, 404)


@dataclass(frozen=True)
class Control:
    """The outcome of one positive control: ``ok``, or why not."""

    ok: bool
    reason: str = ""


def cell(identity: str, other: bool) -> str:
    """The authorization matrix's column of ``identity`` (``@other``: the other academy's token)."""
    return f"{identity}@other" if other else identity


def _label(identity: str, other: bool) -> str:
    return f"the other academy's {identity}" if other else identity


def control(c: Conformance, identity: str, *, other: bool) -> Control:
    """Whether ``identity``'s token (the other academy's with ``other``, on its own academy) was served where
    it should be; once per process: the contract's control read of that identity, recorded as
    ``cassettes/<its id>/control-<identity>[-other]``."""
    runtime = c.runtime
    key = (identity, other)
    found: Control | None = runtime.controls.get(key)
    if found is None:
        found = runtime.controls[key] = _control(c, identity, other)
    return found


def _control(c: Conformance, identity: str, other: bool) -> Control:
    runtime = c.runtime
    doc_id = control_operation(c.contract, identity)
    if doc_id is None:
        return Control(False, f"no positive control: the contract has no read that {identity} may call")
    op = c.contract.operation(doc_id)
    try:
        call = build_happy_request(c.contract, doc_id, runtime.fixtures, other_tenant=other)
    except MissingTargetData as exc:
        return Control(False, f"no positive control for {_label(identity, other)}: {exc.reason}")
    token = token_of(c, identity, other)
    lib = runtime.cassettes
    if lib is None:
        answer = runtime.client.send(call, token=token)
    else:
        with lib.use(doc_id, f"control-{identity}" + ("-other" if other else "")):
            answer = runtime.client.send(call, token=token)
    if 200 <= answer.status < 300:
        return Control(True)
    where = "on its own academy" if other else "on an operation it may call"
    return Control(
        False,
        f"no positive control: {_label(identity, other)}'s token got HTTP {answer.status} from {op.label} {where}; "
        "a refusal with it would prove nothing (check that account)",
    )


def token_of(c: Conformance, identity: str, other: bool) -> str:
    runtime = c.runtime
    tokens = runtime.client.tokens
    with sending_as("tokens"):
        if not other:
            return tokens.get(identity)
        return tokens.get(identity, tenant=runtime.fixtures.other_tenant, credentials=runtime.other_credentials)


def foreign_probes(c: Conformance, who: list[tuple[str, bool]]) -> None:
    """Send this test's operation as each ``(identity, other)`` (``other``: that identity's token from the other
    academy, with this academy's ``X-Tenant``), judge each refusal and what the owner reads afterwards; each
    answer joins the authorization matrix."""
    op = c.op
    runtime = c.runtime
    no_other = not runtime.fixtures.other_tenant or (runtime.other_credentials is None and not runtime.offline)
    if any(other for _, other in who) and no_other:
        pytest.skip(
            "tokens bound to their academy need a second academy with its users: set MSAAQ_OTHER_TENANT and "
            "MSAAQ_OTHER_ADMIN_* / MSAAQ_OTHER_STUDENT_*"
        )
    kind = probe_kind(c.contract, op)
    if kind is None or not who:  # the registry's rules leave these out; a hand-picked test is skipped, not judged
        pytest.skip(f"{op.label} has no foreign identity to probe with a read, a create or a write it can undo")
    for identity, other in who:
        checked = control(c, identity, other=other)
        if not checked.ok:
            pytest.skip(checked.reason)
    try:
        with c.recording():
            for identity, other in who:
                expectation: dict[str, Any] = {"who": _label(identity, other)}
                if kind == "write":
                    _write_probe(c, identity, other, expectation)
                    continue
                answer = c.send(c.call(), token=token_of(c, identity, other))
                c.access(cell(identity, other), answer)
                c.judge(answer, refused, expectation=expectation)
                if kind == "create":  # a wrongly accepted create is deleted at the end, like every creation
                    c.runtime.lifecycle.schedule_cleanup(c.doc_id, answer)
    except UnsafeTarget as exc:
        pytest.skip(f"mutating: {exc.one_line()}")
    c.conclude()


def _write_probe(c: Conformance, identity: str, other: bool, expectation: dict[str, Any]) -> None:
    """Create a resource as its owner, send this update or delete on it as ``identity``, read it back as the
    owner: a refused write must have changed nothing."""
    contract, op, fixtures = c.contract, c.op, c.runtime.fixtures
    collection = written_collection(contract, op)
    if collection is None or collection.create is None:  # probe_kind said "write": a programming error
        raise TypeError(f"{op.label} has no collection create to probe a write on")
    create = collection.create
    with missing_data_skips():
        parents = {p.name: fixtures.path_value(c.doc_id, p.name) for p in op.path_params[:-1]}
        create_call = build_happy_request(contract, doc_id_of(create), fixtures, values=parents)
    created = c.send(create_call, mutating=True)
    if not 200 <= created.status < 300:  # the owner's create is judged by its own tests
        pytest.skip(f"could not create the resource to probe {op.label} on: {create.label} got HTTP {created.status}")
    c.runtime.lifecycle.schedule_cleanup(doc_id_of(create), created)
    before = created.data if isinstance(created.data, dict) else {}
    if collection.member not in before:
        pytest.skip(f"{create.label} answered no data.{collection.member} to probe {op.label} on")
    values = {**parents, collection.param: str(before[collection.member])}
    write = build_happy_request(contract, c.doc_id, fixtures, values=values)
    # A value the resource does not hold yet, so that a read shows whether the refused write was stored.
    write = with_body(write, distinct_change(contract, op, before) if write.method != "DELETE" else {})
    answer = c.send(write, token=token_of(c, identity, other), mutating=True)
    c.access(cell(identity, other), answer)
    c.judge(answer, refused, expectation=expectation)
    if collection.read is None or answer.status not in REFUSED:
        return  # served: already the finding; another answer: nothing a read would add
    read_id = doc_id_of(collection.read)
    read = c.send(build_happy_request(contract, read_id, fixtures, values=values), mutating=False)
    sent = write.json if isinstance(write.json, dict) else (write.data or {})
    scalars = {k: v for k, v in sent.items() if isinstance(v, (str, int, float, bool))}
    after = {**expectation, "write": f"{op.method.upper()} {op.path}", "sent": scalars, "before": before}
    c.judge(read, unchanged, expectation=after, step="the owner's read after")


NEVER_ISSUED_INTEGER = "999999999"  # more rows than an academy holds: never an id of either academy
NEVER_ISSUED_UUID = "00000000-0000-4000-8000-000000000000"


def never_issued(value: str) -> str:
    """An id of the same shape as ``value`` that no academy was ever given."""
    if value.isdigit():
        return NEVER_ISSUED_INTEGER if len(value) <= len(NEVER_ISSUED_INTEGER) else "9" * len(value)
    if len(value) == len(NEVER_ISSUED_UUID) and value.count("-") == 4:
        return NEVER_ISSUED_UUID
    return f"{value}-never-issued"


def existence_pair(c: Conformance, call: PreparedCall, token: str | None, real: Exchange, owned: list[str]) -> None:
    """The other academy's probe of a real id, paired with the same probe of a never-issued id (``owned``: the
    path parameters whose values differ between the academies; the last is replaced): the two refusals must
    not tell which ids exist."""
    if not owned or real.status not in REFUSED:
        return
    name = owned[-1]
    real_value = call.path_values[name]
    fake = never_issued(real_value)
    values = {**call.path_values, name: fake}
    path = c.op.path
    for param, value in values.items():
        path = path.replace("{" + param + "}", value)
    unknown = call.copy(path=path, path_values=values)
    answer = c.send(unknown, token=token)
    c.judge(answer, no_existence_leak, expectation={"real": real, "ids": (real_value, fake)}, step="never-issued id")
