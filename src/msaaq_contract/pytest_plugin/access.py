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

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from ..checks.access import REFUSED, no_existence_leak, no_foreign_items, refused, unchanged
from ..checks.base import Finding
from ..checks.documented import documented_answer
from ..client.happy import MissingTargetData, PreparedCall, build_happy_request
from ..client.ledger import sending_as
from ..contract.access import control_operation, probe_kind, written_collection
from ..contract.identities import identities
from ..contract.resources import resource_graph
from ..errors import UnsafeTarget
from ..exchange import Exchange
from .stateful import distinct_change, doc_id_of, with_body
from .suite import Conformance, missing_data_skips


@dataclass(frozen=True)
class Control:
    """The outcome of one positive control: ``ok``, or why not."""

    ok: bool
    reason: str = ""


# Whose token a probe sends: the main academy's user of an identity (""), the other academy's ("other"), or a
# second user of the main academy ("second").
Scope = Literal["", "other", "second"]
Foreign = tuple[str, Scope]


def cell(identity: str, scope: Scope) -> str:
    """The authorization matrix's column: ``identity``, ``identity@other`` (the other academy's token) or
    ``identity#second`` (a second user of this academy)."""
    return {"": identity, "other": f"{identity}@other", "second": f"{identity}#second"}[scope]


def _label(identity: str, scope: Scope) -> str:
    return {"": identity, "other": f"the other academy's {identity}", "second": f"a second {identity}"}[scope]


def control(c: Conformance, identity: str, scope: Scope) -> Control:
    """Whether ``identity``'s token (of ``scope``; the other academy's on its own academy) was served where it
    should be; once per process: the contract's control read of that identity, recorded as
    ``cassettes/<its id>/control-<identity>[-other|-second]``."""
    runtime = c.runtime
    key = (identity, scope)
    found: Control | None = runtime.controls.get(key)
    if found is None:
        found = runtime.controls[key] = _control(c, identity, scope)
    return found


def _control(c: Conformance, identity: str, scope: Scope) -> Control:
    other = scope == "other"
    runtime = c.runtime
    doc_id = control_operation(c.contract, identity)
    if doc_id is None:
        return Control(False, f"no positive control: the contract has no read that {identity} may call")
    op = c.contract.operation(doc_id)
    try:
        call = build_happy_request(c.contract, doc_id, runtime.fixtures, other_tenant=other)
    except MissingTargetData as exc:
        return Control(False, f"no positive control for {_label(identity, scope)}: {exc.reason}")
    token = token_of(c, identity, scope)
    lib = runtime.cassettes
    if lib is None:
        answer = runtime.client.send(call, token=token)
    else:
        with lib.use(doc_id, f"control-{identity}" + (f"-{scope}" if scope else "")):
            answer = runtime.client.send(call, token=token)
    if 200 <= answer.status < 300:
        return Control(True)
    where = "on its own academy" if other else "on an operation it may call"
    return Control(
        False,
        f"no positive control: {_label(identity, scope)}'s token got HTTP {answer.status} from {op.label} {where}; "
        "a refusal with it would prove nothing (check that account)",
    )


def token_of(c: Conformance, identity: str, scope: Scope) -> str:
    runtime = c.runtime
    tokens = runtime.client.tokens
    with sending_as("tokens"):
        if scope == "other":
            return tokens.get(identity, tenant=runtime.fixtures.other_tenant, credentials=runtime.other_credentials)
        if scope == "second":
            return tokens.get(identity, credentials=runtime.second_credentials, user="second")
        return tokens.get(identity)


def _skip_without_users(c: Conformance, who: list[Foreign]) -> None:
    """The other academy's and a second user's probes need their credentials (a replay has its recordings)."""
    runtime = c.runtime
    scopes = {scope for _, scope in who}
    if "other" in scopes and (
        not runtime.fixtures.other_tenant or (runtime.other_credentials is None and not runtime.offline)
    ):
        pytest.skip(
            "tokens bound to their academy need a second academy with its users: set MSAAQ_OTHER_TENANT and "
            "MSAAQ_OTHER_ADMIN_* / MSAAQ_OTHER_STUDENT_*"
        )
    if "second" in scopes and not runtime.offline:
        second = runtime.second_credentials
        values = dataclasses.asdict(second) if second is not None else {}
        for identity, _ in who:
            missing = identities(c.contract)[identity].missing(values)
            if missing:
                wanted = " and ".join(v.replace("MSAAQ_", "MSAAQ_SECOND_") for v in missing)
                pytest.skip(f"ownership checks need a second {identity} of this academy: set {wanted}")


def foreign_probes(c: Conformance, who: list[Foreign]) -> None:
    """Send this test's operation as each ``(identity, scope)`` (``other``: that identity's token from the other
    academy, with this academy's ``X-Tenant``; ``second``: a second user of this academy), judge each refusal
    and what the owner reads afterwards; each answer joins the authorization matrix."""
    op = c.op
    _skip_without_users(c, who)
    kind = probe_kind(c.contract, op)
    if kind is None or not who:  # the registry's rules leave these out; a hand-picked test is skipped, not judged
        pytest.skip(f"{op.label} has no foreign identity to probe with a read, a create or a write it can undo")
    for identity, scope in who:
        checked = control(c, identity, scope)
        if not checked.ok:
            pytest.skip(checked.reason)
    try:
        with c.recording():
            for identity, scope in who:
                expectation: dict[str, Any] = {"who": _label(identity, scope)}
                if kind == "write":
                    _write_probe(c, identity, scope, expectation)
                    continue
                answer = c.send(c.call(), token=token_of(c, identity, scope))
                c.access(cell(identity, scope), answer)
                c.judge(answer, refused, expectation=expectation)
                if kind == "create":  # a wrongly accepted create is deleted at the end, like every creation
                    c.runtime.lifecycle.schedule_cleanup(c.doc_id, answer)
    except UnsafeTarget as exc:
        pytest.skip(f"mutating: {exc.one_line()}")
    c.conclude()


def _write_probe(c: Conformance, identity: str, scope: Scope, expectation: dict[str, Any]) -> None:
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
    c.judge(created, documented_answer, doc_id=doc_id_of(create), step="the owner's create")
    before = created.data if isinstance(created.data, dict) else {}
    if collection.member not in before:
        pytest.skip(f"{create.label} answered no data.{collection.member} to probe {op.label} on")
    values = {**parents, collection.param: str(before[collection.member])}
    write = build_happy_request(contract, c.doc_id, fixtures, values=values)
    # A value the resource does not hold yet, so that a read shows whether the refused write was stored.
    change = distinct_change(contract, op, before) if write.method != "DELETE" else {}
    write = with_body(write, change)
    answer = c.send(write, token=token_of(c, identity, scope), mutating=True)
    c.access(cell(identity, scope), answer)
    c.judge(answer, refused, expectation=expectation)
    if answer.status not in REFUSED:
        return  # served: already the finding; another answer: nothing a read would add
    if collection.read is None:
        unverified = Finding(
            check="unchanged",
            title="Refused write not verified",
            message=f"the contract has no read of {collection.item}: whether the refused {op.method.upper()} "
            "changed nothing cannot be checked",
            severity="warning",
        )
        c.record([unverified], answer)
        return
    read_id = doc_id_of(collection.read)
    read = c.send(build_happy_request(contract, read_id, fixtures, values=values), mutating=False)
    sent = write.json if isinstance(write.json, dict) else (write.data or {})
    scalars = {k: v for k, v in sent.items() if isinstance(v, (str, int, float, bool))}
    markers = [v for v in change.values() if isinstance(v, str)]
    after = {**expectation, "write": f"{op.method.upper()} {op.path}", "sent": scalars, "before": before}
    after["markers"] = markers
    c.judge(read, documented_answer, doc_id=read_id, step="the owner's read after")
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
    # The same request (the other academy's headers) for the never-issued id: the path built as every request's.
    again = build_happy_request(c.contract, c.doc_id, c.runtime.fixtures, values={**call.path_values, name: fake})
    unknown = call.copy(path=again.path, path_values=again.path_values)
    answer = c.send(unknown, token=token)
    c.judge(answer, no_existence_leak, expectation={"real": real, "ids": (real_value, fake)}, step="never-issued id")


def other_academy_list(c: Conformance) -> None:
    """This list operation as the other academy (its ``X-Tenant``, its token, its own parents): none of this
    academy's items may be in it. The ids compared are the values this academy has for the listed resource's
    path parameter (pinned or discovered) that the other academy does not share."""
    fixtures = c.runtime.fixtures
    if not fixtures.other_tenant:
        pytest.skip("list isolation needs a second academy: set MSAAQ_OTHER_TENANT and its users (MSAAQ_OTHER_*)")
    target = resource_graph(c.contract).binding(c.op).target
    params = sorted(target.params) if target is not None else []
    mine = {p: str(fixtures.value_by_name(p)) for p in params if fixtures.value_by_name(p) is not None}
    theirs = {p: str(fixtures.other_value_by_name(p)) for p in params}
    foreign = sorted({value for p, value in mine.items() if value != theirs[p]})
    if not foreign:
        pytest.skip(f"no `{'`, `'.join(params) or 'id'}` of this academy that the other academy does not share")
    with missing_data_skips():
        call = build_happy_request(c.contract, c.doc_id, fixtures, other_tenant=True)
    token = token_of(c, call.identity, "other") if call.identity else None
    with c.recording():
        answer = c.send(call, token=token)
        c.judge(
            answer, no_foreign_items, expectation={"foreign_ids": {"id": foreign, **dict.fromkeys(params, foreign)}}
        )
    c.conclude()
