"""A group: the observations of one root cause, with the contract change that removes it (``grouping`` makes
them). Also the value helpers grouping shares: the JSON type of a value, a finding's ``actual`` read back."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .evidence import Observation

REPRESENTATIVE: dict[str, Any] = {
    "string": "",
    "integer": 0,
    "number": 0.5,
    "boolean": True,
    "null": None,
    "array": [],
    "object": {},
}


@dataclass
class Group:
    key: str
    kind: str
    summary: str
    observations: list[Observation] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # overrides changes, provenance added on --apply
    touches: list[str] = field(default_factory=list)
    where: str = ""  # file#pointer of the node the change edits
    declared: str = ""  # what the contract says there now
    hint: str = ""  # what a person can do when there is no automatic change
    values: set[tuple[str, str | None]] = field(default_factory=set, repr=False)  # (exchange, pointer) held
    member: tuple[str, str, str] | None = None  # (model, member, how it differs) for a model member's value

    @property
    def fixable(self) -> bool:
        return bool(self.changes)

    @property
    def evidence(self) -> int:
        return len(self.observations)

    @property
    def responses(self) -> int:
        return len({o.exchange for o in self.observations})

    @property
    def operations(self) -> list[str]:
        return sorted({o.operation_id for o in self.observations})

    @property
    def doc_ids(self) -> list[str]:
        return sorted({o.doc_id for o in self.observations})

    @property
    def families(self) -> list[str]:
        return sorted({o.family for o in self.observations})

    @property
    def example(self) -> Observation:
        """The first observation that shows the root cause itself (the status finding of a status group)."""
        wanted = "status" if self.kind in ("undocumented-status", "guessed-route") else None
        return next((o for o in self.observations if o.finding.check == wanted), self.observations[0])


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def actual_value(text: str | None) -> tuple[bool, Any]:
    """(exact, value) of a finding's ``actual`` (JSON, possibly shortened with an ellipsis)."""
    if text is None:
        return False, None
    try:
        return True, json.loads(text)
    except ValueError:
        first = text[:1]
        kind = {'"': "string", "{": "object", "[": "array", "t": "boolean", "f": "boolean", "n": "null"}.get(first)
        return False, REPRESENTATIVE[kind or "number"]


def allows_type(node: Any, value: Any) -> bool:
    """Whether ``value`` has a type the node's own ``type`` keyword allows (an integer is also a number)."""
    declared = node.get("type") if isinstance(node, dict) else None
    if declared is None:
        return True
    kinds = {declared} if isinstance(declared, str) else set(declared)
    kind = json_type(value)
    return kind in kinds or (kind == "integer" and "number" in kinds)


def shared_drifts(groups: Iterable[Group]) -> list[tuple[str, str, list[str]]]:
    """(member, how it differs, models) for each member that differs the same way in several models: one root
    cause seen through many models (a nullable ``slug``), said once while each model keeps its own group."""
    models: dict[tuple[str, str], list[str]] = {}
    for g in groups:
        if g.member is not None:
            models.setdefault((g.member[1], g.member[2]), []).append(g.member[0])
    shared = [(member, drift, sorted(names)) for (member, drift), names in models.items() if len(names) > 1]
    return sorted(shared, key=lambda s: (-len(s[2]), s[0], s[1]))
