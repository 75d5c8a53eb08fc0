"""Validation rules the contract does not state: the server refuses requests the contract calls valid.

A real Laravel API validates each create and update with rules the front-end types never show. ``requires_field``
answers what Laravel answers to a create or update (POST, PUT, PATCH) whose body lacks ``field`` (absent,
null, empty text or an empty list): 422 ``{"message": "The X field is required.", "errors": {"X": [...]}}``,
after the contract's own validation, as Laravel runs its rules. ``msaaq-contract calibrate`` learns the rule
from that answer; once the contract requires the field, the suite sends it and the fault is silent.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..contract import Operation
from ..errors import ConfigError
from .envelopes import Reply, field_error
from .fault_kinds import Catalogue, FaultKind

WRITES = ("post", "put", "patch")
EMPTY: tuple[Any, ...] = (None, "", [])


class RequiresField(FaultKind):
    """Creates and updates whose body lacks ``field`` get Laravel's 422 "The ``field`` field is required."."""

    name = "requires_field"
    defaults: ClassVar[dict[str, Any]] = {"field": ""}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if not self.params["field"]:
            raise ConfigError(f"fault {self.name!r} needs 'field' (the body member the server requires)")

    def refuse(self, op: Operation, body: Any, lang: str, catalogue: Catalogue) -> Reply | None:
        name = str(self.params["field"])
        if op.method not in WRITES:
            return None
        sent = body.get(name) if isinstance(body, dict) else None
        if any(sent is e or sent == e for e in EMPTY):
            return field_error(name, "required", lang)
        return None

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.method in WRITES
