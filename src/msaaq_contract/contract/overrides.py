"""``contracts/overrides.yaml``: contract changes learned from live runs, applied on top of the generated contract.

``msaaq-contract calibrate --apply`` appends accepted changes here and applies the same changes to the split
contract files; ``tools/build_contract.py`` merges the file last. Both go through ``apply_changes``, so a
rebuild reproduces the calibrated contract byte for byte.

A change addresses a component schema by name (``schema: admin.Course``) or an operation by operationId
(``operation: ...``), and a node inside it by JSON pointer in the source-file form of that schema or operation:

=================  ==================================================================================
``add-types``      the node also accepts ``types`` (``["null"]`` makes it nullable)
``add-enum``       the enum at the node also holds ``values``
``not-required``   ``property`` is no longer required by the object schema at the node
``add-response``   the operation documents ``status`` (no body, or the content of the ``like`` status)
``observed``       the operation was seen conforming on a live target (``x-observed``: date, target, ids)
``require``        the operation's request body requires ``property`` (declared as ``declare`` when the
                   contract did not know it; a body is created when the operation declared none)
``set-type``       the request body's ``property`` has the JSON type(s) ``types`` (the API refused another)
``set-enum``       the request body's ``property`` is one of ``values``
``alias-method``   the operation's path also answers ``methods`` as the operation, by the framework
                   (``x-method-aliases``: Laravel's resource routes answer PATCH as PUT)
=================  ==================================================================================

``require``, ``set-type`` and ``set-enum`` also document ``response`` as the 422 answer when the operation
documented none (a rule the API states is one it answers 422 for).

The request-side changes come from the target's own 422 answers (Laravel's validation messages). They edit
the operation's inline request schema; a schema that is a reference or a composition is kept and refined by an
``allOf`` layer of its own, so a shared model is never changed for one operation.

Every change but ``observed`` marks the node it changed with ``x-source: observed`` and ``x-calibration``
(date, evidence count, group). ``calibrated_from`` lists the contract digests the file was calibrated
from, so that a report of a pre-calibration run is still accepted.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ContractError
from .loader import resolve_pointer, unescape

OVERRIDES_NAME = "overrides.yaml"
HEADER = """\
# Contract overrides: changes learned from live runs (`msaaq-contract calibrate --apply`, see contracts/README.md).
# tools/build_contract.py merges them last and calibrate --apply writes them into the split files too, so a
# rebuild reproduces the calibrated contract. Edit through the calibration review file, not by hand.
"""

CHANGE_KINDS = (
    "add-types", "add-enum", "not-required", "add-response", "observed", "require", "set-type", "set-enum",
    "alias-method",
)  # fmt: skip
_TARGET = {"schema": {"type": "string", "minLength": 1}, "operation": {"type": "string", "minLength": 1}}
_PROVENANCE = {
    "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    "evidence": {"type": "integer", "minimum": 1},
    "group": {"type": "string"},
}
OVERRIDES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "calibrated_from": {"type": "array", "items": {"type": "string"}},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["change"],
                "oneOf": [{"required": ["schema"]}, {"required": ["operation"]}],
                "properties": {
                    "change": {"enum": [*CHANGE_KINDS]},
                    **_TARGET,
                    **_PROVENANCE,
                    "pointer": {"type": "string"},
                    "types": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "methods": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "values": {"type": "array", "minItems": 1},
                    "property": {"type": "string"},
                    "status": {"type": "string", "pattern": "^[1-5][0-9][0-9]$"},
                    "like": {"type": ["string", "null"]},
                    "target": {"type": "string"},
                    "ids": {"type": "array", "items": {"type": "string"}},
                    "declare": {"type": "object"},
                    "response": {"type": "object"},
                },
            },
        },
    },
}


@dataclass
class Overrides:
    calibrated_from: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def to_yaml(self) -> str:
        from .yaml_format import dump

        body = {"calibrated_from": self.calibrated_from, "changes": self.changes}
        return HEADER + dump(body)


def load_overrides(path: Path) -> Overrides:
    """Read an overrides file; a missing file is an empty one. Problems are one-line ContractErrors."""
    if not path.is_file():
        return Overrides()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContractError(f"cannot read the overrides ({exc.__class__.__name__})", file=str(path)) from None
    data = data or {}
    _check(data, path)
    return Overrides(list(data.get("calibrated_from") or []), list(data.get("changes") or []))


def _check(data: Any, path: Path) -> None:
    import jsonschema_rs

    error = next(iter(jsonschema_rs.validator_for(OVERRIDES_SCHEMA).iter_errors(data)), None)
    if error is not None:
        pointer = "".join(f"/{p}" for p in error.instance_path)
        raise ContractError(f"not a valid overrides file: {error.message[:160]}", file=str(path), pointer=pointer)


def apply_changes(
    schemas: Mapping[str, dict[str, Any]], operations: Mapping[str, dict[str, Any]], changes: list[dict[str, Any]]
) -> list[str]:
    """Apply ``changes`` in order to source-form schemas (by name) and operations (by operationId), in place.

    Returns the names of the schemas and operationIds that changed. The build tool and ``calibrate --apply``
    both call this: it is the one definition of what a change does.
    """
    touched: list[str] = []
    for index, change in enumerate(changes):
        owner_name = change.get("schema") or change.get("operation") or ""
        owner = (schemas if "schema" in change else operations).get(owner_name)
        if owner is None:
            kind = "schema" if "schema" in change else "operation"
            raise ContractError(f"overrides change {index}: no {kind} {owner_name!r} in the contract")
        if _APPLY[change["change"]](owner, change) and owner_name not in touched:
            touched.append(owner_name)
    return touched


def _slot(owner: dict[str, Any], pointer: str) -> tuple[Any, str | int]:
    """The container holding the node at ``pointer`` and the node's key in it."""
    parent_ptr, _, last = pointer.rpartition("/")
    try:
        parent = resolve_pointer(owner, parent_ptr)
    except KeyError as exc:
        raise ContractError(f"overrides: pointer {pointer!r} does not resolve (no {exc.args[0]!r})") from None
    key: str | int = int(last) if isinstance(parent, list) else unescape(last)
    return parent, key


def _node(owner: dict[str, Any], pointer: str) -> dict[str, Any]:
    if pointer in ("", "/"):
        return owner
    parent, key = _slot(owner, pointer)
    try:
        node = parent[key]
    except (KeyError, IndexError, TypeError):
        raise ContractError(f"overrides: pointer {pointer!r} does not resolve") from None
    if not isinstance(node, dict):
        raise ContractError(f"overrides: {pointer!r} is not a schema object")
    return node


def _mark(node: dict[str, Any], change: Mapping[str, Any]) -> None:
    node["x-source"] = "observed"
    node["x-calibration"] = {"date": change["date"], "evidence": change["evidence"], "group": change["group"]}


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("type")
    return [kind] if isinstance(kind, str) else list(kind or [])


def _allowed(node: Mapping[str, Any]) -> set[str]:
    """Types the node names itself or in a direct ``anyOf`` branch (what an earlier widening added)."""
    branches = [b for b in node.get("anyOf") or [] if isinstance(b, Mapping)]
    return set(_types(node)).union(*(_types(b) for b in branches))


def _add_types(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    pointer = str(change.get("pointer", ""))
    node = _node(owner, pointer)
    wanted = [t for t in change["types"] if t not in _allowed(node)]
    if not wanted:
        return False
    if "type" in node and not any(k in node for k in ("$ref", "anyOf", "oneOf", "allOf")):
        node["type"] = _types(node) + wanted
        if "null" in wanted and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)  # an enum restricts the type too: null must be one of its values
        _mark(node, change)
        return True
    if isinstance(node.get("anyOf"), list) and not any(k in node for k in ("$ref", "oneOf", "allOf")):
        node["anyOf"].extend({"type": t} for t in wanted)
        _mark(node, change)
        return True
    if pointer in ("", "/"):
        raise ContractError(f"overrides: cannot widen the whole of {change.get('schema') or change.get('operation')}")
    parent, key = _slot(owner, pointer)
    widened: dict[str, Any] = {"anyOf": [node, *({"type": t} for t in wanted)]}
    _mark(widened, change)
    parent[key] = widened
    return True


def _add_enum(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    node = _node(owner, str(change.get("pointer", "")))
    if not isinstance(node.get("enum"), list):
        raise ContractError(f"overrides: {change.get('pointer')!r} of {change.get('schema')} holds no enum")
    wanted = [v for v in change["values"] if v not in node["enum"]]
    if not wanted:
        return False
    node["enum"].extend(wanted)
    _mark(node, change)
    return True


def _not_required(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    node = _node(owner, str(change.get("pointer", "")))
    required = node.get("required")
    if not isinstance(required, list) or change["property"] not in required:
        return False
    required.remove(change["property"])
    if not required:
        del node["required"]
    _mark(node, change)
    return True


def _add_response(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    responses: dict[str, Any] = owner.setdefault("responses", {})
    status = str(change["status"])
    if status in responses:
        return False
    response: dict[str, Any] = {"description": "Observed on the target of a calibrated run."}
    like = change.get("like")
    if like and isinstance(responses.get(like), dict) and "content" in responses[like]:
        response["content"] = copy.deepcopy(responses[like]["content"])
    _mark(response, change)
    responses[status] = response
    ordered = dict(sorted(responses.items()))  # the build tool writes responses sorted by status
    responses.clear()
    responses.update(ordered)
    return True


def _observed(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    value = {"date": change["date"], "target": change["target"], "ids": list(change["ids"])}
    if owner.get("x-observed") == value:
        return False
    owner["x-observed"] = value
    return True


def _alias_method(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    aliases = sorted({*(owner.get("x-method-aliases") or ()), *(str(m).upper() for m in change["methods"])})
    if owner.get("x-method-aliases") == aliases:
        return False
    owner["x-method-aliases"] = aliases
    return True


COMPOSED = ("$ref", "allOf", "anyOf", "oneOf")


def _request_schema(owner: dict[str, Any]) -> dict[str, Any]:
    """The object schema of the operation's request body that a change edits (a JSON body is created when the
    operation declared none).

    An inline object schema is edited in place. A reference or a composition is wrapped once into
    ``allOf: [<it>, {type: object}]`` and the layer is edited, so a shared model keeps its meaning elsewhere.
    """
    body = owner.get("requestBody")
    if not isinstance(body, dict):
        body = owner["requestBody"] = {"required": True, "content": {}}
    content = body.setdefault("content", {})
    if not content:
        content["application/json"] = {"schema": {"type": "object"}}
    media = content[next(iter(content))]
    schema: dict[str, Any] = media.setdefault("schema", {"type": "object"})
    if not any(k in schema for k in COMPOSED):
        return schema
    parts = schema.get("allOf")
    if isinstance(parts, list) and len(schema) == 1 + ("x-source" in schema) + ("x-calibration" in schema):
        last: Any = parts[-1]
        if isinstance(last, dict) and last.get("x-source") == "observed":
            return last  # the layer an earlier change added
    layer: dict[str, Any] = {"type": "object", "x-source": "observed"}
    media["schema"] = {"allOf": [schema, layer]}
    return layer


def _refusal(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    """Document the change's 422 ``response`` when the operation has none."""
    responses: dict[str, Any] = owner.setdefault("responses", {})
    if "response" not in change or "422" in responses:
        return False
    response = copy.deepcopy(dict(change["response"]))
    ref = response.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        # The bundled form; in a split file the responses refer to the root document by a relative path.
        siblings = [str(r["$ref"]) for r in responses.values() if isinstance(r, dict) and "#" in str(r.get("$ref", ""))]
        response["$ref"] = (siblings[0].split("#", 1)[0] if siblings else "") + ref
    responses["422"] = response
    ordered = dict(sorted(responses.items()))  # the build tool writes responses sorted by status
    responses.clear()
    responses.update(ordered)
    return True


def _require(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    name = str(change["property"])
    schema = _request_schema(owner)
    changed = False
    if "declare" in change and name not in (schema.get("properties") or {}):
        schema.setdefault("properties", {})[name] = copy.deepcopy(dict(change["declare"]))
        changed = True
    required = schema.setdefault("required", [])
    if name not in required:
        required.append(name)
        changed = True
    if changed:
        owner["requestBody"]["required"] = True  # a required member means a body must come
        _mark(schema, change)
    return _refusal(owner, change) or changed


def _request_property(owner: dict[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    schema = _request_schema(owner)
    props = schema.setdefault("properties", {})
    name = str(change["property"])
    if not isinstance(props.get(name), dict) or any(k in props[name] for k in COMPOSED):
        props[name] = {}  # what the API said replaces what the contract guessed
    prop: dict[str, Any] = props[name]
    return prop


def _set_type(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    prop = _request_property(owner, change)
    types = list(change["types"])
    if _types(prop) == types:
        return False
    prop["type"] = types[0] if len(types) == 1 else types
    prop.pop("enum", None)  # values of the old type
    prop.pop("format", None)
    _mark(prop, change)
    _refusal(owner, change)
    return True


def _set_enum(owner: dict[str, Any], change: Mapping[str, Any]) -> bool:
    prop = _request_property(owner, change)
    values = list(change["values"])
    if prop.get("enum") == values:
        return False
    prop["enum"] = values
    _mark(prop, change)
    _refusal(owner, change)
    return True


_APPLY = {
    "add-types": _add_types,
    "add-enum": _add_enum,
    "not-required": _not_required,
    "add-response": _add_response,
    "observed": _observed,
    "require": _require,
    "set-type": _set_type,
    "set-enum": _set_enum,
    "alias-method": _alias_method,
}
