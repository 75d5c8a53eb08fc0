"""Faults in who may call what: each keeps every answer well-formed and breaks only an authorization rule.

The Laravel regressions behind them: one guard for the dashboard's users and the academies' students (a
student's token authenticates on the Admin API); a token checked for validity but not for its academy (the
``X-Tenant`` middleware trusts the header, not the token's academy); a policy checked after ``$model->save()``;
``findOrFail`` scoped after an ``authorize`` that answers 403 for another academy's row and 404 for no row; a
``Comment::findOrFail($id)`` that lost its ``->where('user_id', ...)``.
"""

from __future__ import annotations

from ..contract import Operation
from ..contract.access import foreign_users, owned_write, user_only
from .fault_kinds import Catalogue, FaultKind


class ForeignRoleServed(FaultKind):
    """A user token of an identity the operation does not list is served (a student's on the Admin API)."""

    name = "foreign_role_served"
    foreign_roles = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return bool(foreign_users(catalogue.contract, op))


class TokenNotBound(FaultKind):
    """Another academy's token is served on this academy's ``X-Tenant``, as if it were this academy's."""

    name = "token_not_bound"
    unbound_tokens = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return user_only(catalogue.contract, op)


class WriteBeforeRefusal(FaultKind):
    """Another academy's token gets its 403 only after its update or delete was stored."""

    name = "write_before_refusal"
    write_before_refusal = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return user_only(catalogue.contract, op) and catalogue.resources.binding(op).role in ("update", "delete")


class ExistenceLeak(FaultKind):
    """Another academy's row is refused with 403, an id no academy has with 404: the status tells which ids
    exist."""

    name = "existence_leak"
    tells_existence = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return bool(catalogue.resources.binding(op).chain)


class OwnerNotChecked(FaultKind):
    """A student may update or delete what another student of the academy created."""

    name = "owner_not_checked"
    owner_not_checked = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return owned_write(catalogue.contract, op)
