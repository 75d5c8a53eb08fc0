"""Flattening a schema node of the contract: follow ``$ref`` and merge ``allOf`` into one schema dict.

Shared by the reference server (which builds answers from flattened schemas) and the request checks (which
coerce form and query text to the types a schema names).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Contract

MAX_DEPTH = 20  # a ref loop made only of allOf would be a contract bug; stop rather than recurse forever


def types_of(schema: Mapping[str, Any]) -> list[str]:
    """The JSON types a flattened schema names (``[]`` when unconstrained)."""
    t = schema.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [str(x) for x in t]
    return []


def flatten(contract: Contract, node: Any, depth: int = 0) -> dict[str, Any]:
    """``node`` with ``$ref`` followed and ``allOf`` merged (properties merged, required unioned)."""
    node = contract.deref(node)
    if not isinstance(node, dict):
        return {}
    if depth > MAX_DEPTH:
        return dict(node)
    if "$ref" in node:  # $ref with siblings (2020-12): treat as allOf of the target and the rest
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {"allOf": [{"$ref": node["$ref"]}, rest]}
    parts = node.get("allOf")
    if not parts:
        return dict(node)
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    for part in parts:
        _merge_into(merged, flatten(contract, part, depth + 1))
    return merged


def _merge_into(merged: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key == "properties":
            props = dict(merged.get("properties") or {})
            for name, sub in value.items():
                props[name] = {"allOf": [props[name], sub]} if props.get(name) else sub
            merged["properties"] = props
        elif key == "required":
            merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
        elif key == "type" and "type" in merged:
            a = merged["type"] if isinstance(merged["type"], list) else [merged["type"]]
            b = value if isinstance(value, list) else [value]
            both = [t for t in a if t in b] or b
            merged["type"] = both if len(both) > 1 else both[0]
        elif key == "enum" and "enum" in merged:
            merged["enum"] = [v for v in merged["enum"] if v in value] or value
        else:
            merged[key] = value
