"""Schema plumbing shared by the synthesiser, the validator and the resource layer.

The contract's schemas use internal ``#/components/schemas/...`` refs and ``allOf`` envelopes. ``SchemaIndex``
flattens a node (follows refs, merges ``allOf``) and compiles jsonschema-rs validators against a registry
holding the whole bundled document, so any subschema can be validated without copying the document.
Everything is memoised on the identity of the contract's own dict nodes, which live as long as the contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import jsonschema_rs

from ..contract import Contract
from ..contract.flatten import flatten, types_of

BASE_URI = "urn:msaaq-contract"
Schema = Mapping[str, Any]


def _absolutize(node: Any) -> Any:
    """Copy ``node`` with internal refs made absolute, so they resolve in the registry's document."""
    if isinstance(node, dict):
        out = {k: _absolutize(v) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            out["$ref"] = BASE_URI + ref
        return out
    if isinstance(node, list):
        return [_absolutize(v) for v in node]
    return node


class SchemaIndex:
    """Flattening and compiled validation of contract schemas, memoised per node."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.registry = jsonschema_rs.Registry([(BASE_URI, contract.document)])
        self._flat: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._validators: dict[int, tuple[Any, Any]] = {}

    def deref(self, node: Any) -> Any:
        return self.contract.deref(node)

    def flatten(self, node: Any) -> dict[str, Any]:
        """Follow ``$ref`` and merge ``allOf`` into one schema dict (properties merged, required unioned)."""
        key = id(node)
        hit = self._flat.get(key)
        if hit is not None and hit[0] is node:
            return hit[1]
        result = flatten(self.contract, node)
        self._flat[key] = (node, result)
        return result

    def validator(self, node: Any) -> Any:
        """A compiled jsonschema-rs validator for ``node`` (a schema dict of the contract)."""
        key = id(node)
        hit = self._validators.get(key)
        if hit is not None and hit[0] is node:
            return hit[1]
        compiled = jsonschema_rs.validator_for(_absolutize(node), registry=self.registry, base_uri=BASE_URI + "/x")
        self._validators[key] = (node, compiled)
        return compiled

    def is_valid(self, node: Any, value: Any) -> bool:
        try:
            return bool(self.validator(node).is_valid(value))
        except (ValueError, OverflowError):  # numbers beyond 64 bits cannot be checked natively: not valid
            return False

    def property_schema(self, schema: Any, name: str) -> Any | None:
        """The subschema of property ``name`` of an object schema, or None."""
        flat = self.flatten(schema)
        props = flat.get("properties") or {}
        return props.get(name)

    def data_schema(self, response_schema: Any) -> Any | None:
        """The schema of ``data`` in an envelope response schema."""
        if response_schema is None:
            return None
        return self.property_schema(response_schema, "data")

    def item_schema(self, array_schema: Any) -> Any | None:
        if array_schema is None:
            return None
        flat = self.flatten(array_schema)
        items = flat.get("items")
        if items is None and "anyOf" in flat:
            for branch in flat["anyOf"]:
                items = self.flatten(branch).get("items")
                if items is not None:
                    break
        return items

    def nullable(self, schema: Any) -> bool:
        flat = self.flatten(schema)
        if "null" in types_of(flat):
            return True
        if None in (flat.get("enum") or []):
            return True
        return any(self.nullable(b) for b in flat.get("anyOf") or [])

    def iter_required(self, schema: Any) -> Iterator[str]:
        yield from self.flatten(schema).get("required") or []
