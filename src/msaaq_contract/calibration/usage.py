"""Which operations use a component schema, directly or through other components (request or response)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..contract import Contract
from ..contract.loader import unescape

SCHEMA_REF = "#/components/schemas/"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            yield unescape(ref[len(SCHEMA_REF) :].split("/", 1)[0])
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


class Usage:
    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        schemas = contract.document.get("components", {}).get("schemas", {})
        self.direct = {name: set(_refs(schema)) for name, schema in schemas.items()}
        responses = contract.document.get("components", {}).get("responses", {})
        self.response_refs = {f"#/components/responses/{name}": set(_refs(r)) for name, r in responses.items()}
        self._reachable: dict[str, frozenset[str]] = {}
        self._users: dict[str, list[str]] = {}
        self._op_refs = {op.operation_id: self._operation_refs(op.raw) for op in contract}

    def _operation_refs(self, raw: Any) -> set[str]:
        names: set[str] = set(_refs(raw.get("requestBody", {})))
        for response in raw.get("responses", {}).values():
            names |= set(_refs(response))
            names |= self.response_refs.get(str(response.get("$ref", "")), set())
        return names

    def reachable(self, name: str) -> frozenset[str]:
        """``name`` and every component it refers to, transitively."""
        if name in self._reachable:
            return self._reachable[name]
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.direct.get(current, ()))
        self._reachable[name] = frozenset(seen)
        return self._reachable[name]

    def operations_using(self, name: str) -> list[str]:
        """Operations whose request or response schemas reach component ``name``."""
        if name not in self._users:
            self._users[name] = sorted(
                op_id for op_id, names in self._op_refs.items() if any(name in self.reachable(n) for n in names)
            )
        return self._users[name]
