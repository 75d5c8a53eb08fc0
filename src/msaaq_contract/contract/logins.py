"""Which operations log a caller in, read from the contract: a success ``data`` hands out a token (``token`` or
``access_token``) and no user token is needed to call them (a refresh, called with the user's own token, is no
login). A Laravel deployment limits these routes apart (a login limiter on top of ``api``), so the client paces
them in a bucket of their own, the plan counts them there, and the reference server throttles them."""

from __future__ import annotations

import functools

from .identities import identities
from .model import Contract, Operation
from .shapes import object_members

TOKEN_MEMBERS = ("access_token", "token")


@functools.lru_cache(maxsize=4)
def login_operations(contract: Contract) -> frozenset[str]:
    """The operation ids of the contract's logins."""
    users = {identity.name for identity in identities(contract) if identity.user}  # an OAuth client has no user
    found = set()
    for op in contract:
        if users & set(op.security):
            continue
        for status in op.success_statuses:
            spec = op.responses[status]
            if not (spec.is_json and spec.schema is not None):
                continue
            data = object_members(contract, spec.schema).get("data")
            if data is not None and any(name in object_members(contract, data) for name in TOKEN_MEMBERS):
                found.add(op.operation_id)
                break
    return frozenset(found)


class LoginRoutes:
    """``routes(method, path)``: is a request (path relative to the API base, ``/admin/...``) a login?"""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        ops = [contract.operations[i] for i in sorted(login_operations(contract))]
        self._by_method: dict[str, list[Operation]] = {}
        for op in ops:
            self._by_method.setdefault(op.method.upper(), []).append(op)

    def __call__(self, method: str, path: str) -> bool:
        candidates = self._by_method.get(method.upper(), ())
        return any(self.contract.path_values(op, path) is not None for op in candidates)
