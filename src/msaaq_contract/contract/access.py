"""Who may call what, read from the contract: the foreign identities of an operation, what a probe with a
foreign token may send, and the read that shows a token works (a positive control).

An operation that requires a user (every scheme of its security is a user identity, ``x-identity`` kind
``user``) must refuse the other user identities: a student's token on the Admin API, an admin's on the
student's account. A probe with a foreign token sends what cannot harm if it is wrongly accepted: every read, a
create with the happy body (whatever it made is deleted at the end), and an update or delete of a resource the
probe creates first through its collection's create. Other writes (actions) are not probed.
"""

from __future__ import annotations

import functools
from typing import Literal

from .identities import identities
from .model import Contract, Operation
from .resources import Collection, resource_graph, templates

ProbeKind = Literal["read", "create", "write"]


def user_only(contract: Contract, op: Operation) -> bool:
    """``op`` requires a user's token: its security names only user identities."""
    table = identities(contract)
    names = [i.name for i in table]
    return op.auth == "required" and bool(op.security) and all(s in names and table[s].user for s in op.security)


def foreign_users(contract: Contract, op: Operation) -> list[str]:
    """The user identities a user-only ``op`` does not serve, in the contract's order."""
    if not user_only(contract, op):
        return []
    return [i.name for i in identities(contract) if i.user and i.name not in op.security]


def written_collection(contract: Contract, op: Operation) -> Collection | None:
    """The collection whose item an update or delete addresses, when that collection has a create (the probe
    makes its own item to write on)."""
    graph = resource_graph(contract)
    if graph.binding(op).role not in ("update", "delete") or not op.path_params:
        return None
    param, path = templates(op.path)[-1]
    found = graph.collection(path, param)
    return found if found.create is not None and not found.create.undocumented else None


def probe_kind(contract: Contract, op: Operation) -> ProbeKind | None:
    """What a foreign-token probe of ``op`` sends: ``read``, ``create``, ``write`` (on its own resource) or
    nothing (None)."""
    if op.method == "get":
        return "read" if any(op.responses[s].is_json for s in op.success_statuses) else None
    role = resource_graph(contract).binding(op).role
    if role == "create":
        return "create"
    if written_collection(contract, op) is not None:
        return "write"
    return None


@functools.lru_cache(maxsize=8)
def control_operation(contract: Contract, identity: str) -> str | None:
    """The documented id of the read that shows ``identity``'s token works: a GET that requires that identity,
    with no path or required query parameter, a JSON answer and a sure route; the first by documented id."""
    candidates = []
    for doc_id, op in contract.documented():
        if (
            op.method == "get"
            and op.auth == "required"
            and identity in op.security
            and not op.path_params
            and not any(p.required for p in op.query_params)
            and any(op.responses[s].is_json for s in op.success_statuses)
            and not op.low_confidence(doc_id)
            and not op.server_root
        ):
            candidates.append(doc_id)
    return min(candidates) if candidates else None


def owned_write(contract: Contract, op: Operation) -> bool:
    """An update or delete of what a user of ``op``'s identity created, where that identity's objects are its
    users' own (``x-identity.objects: own``): another user of the same academy must be refused."""
    table = identities(contract)
    if not user_only(contract, op) or probe_kind(contract, op) != "write":
        return False
    collection = written_collection(contract, op)
    name = table.user_of(op)
    creatable = collection is not None and collection.create is not None and name in collection.create.security
    return creatable and name is not None and table[name].objects == "own"
