"""What an operation's answer holds, read from its schemas: the members of ``data`` and the items of a list.

Schemas are walked through ``$ref``, ``allOf``, ``anyOf`` and ``oneOf``: the contract's envelopes are an
``allOf`` of the generic envelope and the operation's ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Contract, Operation

MAX_DEPTH = 6  # envelopes nest a few levels; deeper is a loop of references, not a model


def object_members(contract: Contract, schema: Any, depth: int = 0) -> dict[str, Any]:
    """The properties an object schema declares, through ``$ref``/``allOf``/``anyOf``/``oneOf``."""
    s = contract.deref(schema) if isinstance(schema, Mapping) else {}
    props: dict[str, Any] = dict(s.get("properties", {}))
    if depth > MAX_DEPTH:
        return props
    for key in ("allOf", "anyOf", "oneOf"):
        for part in s.get(key, []):
            for name, value in object_members(contract, part, depth + 1).items():
                # allOf of an envelope and its specialisation: both describe the member, keep both
                props[name] = {"allOf": [props[name], value]} if name in props else value
    return props


def array_items(contract: Contract, schema: Any) -> Any:
    """The item schema when ``schema`` is an array (also nullable), else None."""
    s = contract.deref(schema) if isinstance(schema, Mapping) else {}
    kind = s.get("type")
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        return s.get("items", {})
    for key in ("anyOf", "oneOf", "allOf"):
        for part in s.get(key, []):
            items = array_items(contract, part)
            if items is not None:
                return items
    return None


def success_data(contract: Contract, op: Operation) -> Any:
    """The schema of ``data`` in the first JSON success answer that declares one, else None."""
    for status in op.success_statuses:
        spec = op.responses[status]
        if spec.is_json and spec.schema is not None:
            data = object_members(contract, spec.schema).get("data")
            if data is not None:
                return data
    return None


def list_items(contract: Contract, op: Operation) -> dict[str, Any] | None:
    """The item properties of a list operation (GET answering ``data: [...]``), or None when it is not one."""
    if op.method != "get" or op.undocumented:
        return None
    data = success_data(contract, op)
    items = array_items(contract, data) if data is not None else None
    return object_members(contract, items) if items is not None else None
