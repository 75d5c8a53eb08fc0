"""Faults in what a write does: the answer says success, nothing is stored.

The Laravel regressions behind them: a model whose ``$fillable`` lost its members (the update answers 200 with
the row as it was), a soft delete whose scope is missing from the read (the deleted row is still served) or a
delete that never reaches the database. No single answer is wrong in itself: only reading the row back shows it,
which is what the stateful chains do.
"""

from __future__ import annotations

from typing import ClassVar

from ..contract import Operation
from .fault_kinds import Catalogue, FaultKind


class _IgnoredWrite(FaultKind):
    """Answers the write as the handler would, but the store keeps the row as it was."""

    role: ClassVar[str] = ""

    @property
    def ignores(self) -> frozenset[str]:
        return frozenset({self.role})

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return catalogue.resources.binding(op).role == self.role


class UpdateChangesNothing(_IgnoredWrite):
    """An update answers success with the row unchanged and stores nothing."""

    name = "update_changes_nothing"
    role = "update"


class DeleteDoesNothing(_IgnoredWrite):
    """A delete answers success and the row stays (a later read still serves it)."""

    name = "delete_does_nothing"
    role = "delete"


class MassAssignable(FaultKind):
    """Creates and updates store every member sent, also those the body does not declare (``created_at``,
    ``status``, ``academy_id``...): a model with ``$guarded = []`` filled from ``$request->all()``. The answer
    looks right; only a read after writing a response-only member shows it (the mass_assignment family)."""

    name = "mass_assignable"
    unguarded = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return catalogue.resources.binding(op).role in ("create", "update")
