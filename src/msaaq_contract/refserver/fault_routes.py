"""Routes as Laravel's resource registrations make them: ``patch_alias``.

``Route::apiResource`` (and ``Route::resource``) register an item's update as ``Route::match(['PUT', 'PATCH'])``:
on a real MSAAQ every path that declares PUT also answers PATCH, the same way, and lists it in ``Allow``. The
contract declares PUT only; the suite reads PATCH there as the framework's alias (``contract.methods.ALIASES``),
never as an undeclared method served.
"""

from __future__ import annotations

from typing import ClassVar

from ..contract import Operation
from .fault_kinds import Catalogue, FaultKind


class PatchAlias(FaultKind):
    """A path that declares PUT answers PATCH as PUT and lists PATCH in ``Allow`` (the engine routes it)."""

    name = "patch_alias"
    patch_as_put: ClassVar[bool] = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.method == "put"
