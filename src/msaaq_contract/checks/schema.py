"""Field types: the body validated against the operation's response schema for that status.

Validation is JSON Schema 2020-12 (OpenAPI 3.1) with ``$ref``s resolved inside the bundled contract; one
compiled validator per (operation, status) is cached. Each violation names the JSON pointer, the keyword
that failed (expected) and the value found (actual). Fields the contract does not document are allowed
(the API may add fields) but reported as warnings so a report can show them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..contract import Contract
from ..contract.loader import escape
from .base import CheckContext, Exchange, Finding, check, short

BASE_URI = "urn:msaaq-contract"
MAX_ERRORS = 5
MAX_WARNINGS = 10


@functools.lru_cache(maxsize=8)
def _registry(contract: Contract) -> Registry[Any]:
    resource: Resource[Any] = DRAFT202012.create_resource(contract.document)
    registry: Registry[Any] = Registry().with_resource(BASE_URI, resource)
    return registry


@functools.lru_cache(maxsize=4096)
def validator_for(contract: Contract, operation_id: str, status: str) -> Draft202012Validator | None:
    op = contract.operations[operation_id]
    spec = op.responses.get(status)
    if spec is None or spec.schema is None or not spec.is_json:
        return None
    pointer = f"/paths/{escape(op.path)}/{op.method}/responses/{status}"
    raw = contract.document["paths"][op.path][op.method]["responses"][status]
    if "$ref" in raw:  # a shared response component
        pointer = str(raw["$ref"])[1:]
    mt = escape(spec.media_type or "application/json")
    schema = {"$ref": f"{BASE_URI}#{pointer}/content/{mt}/schema"}
    return Draft202012Validator(schema, registry=_registry(contract))


def _pointer(error: ValidationError) -> str:
    return "".join(f"/{escape(str(p))}" for p in error.absolute_path)


def _finding(error: ValidationError) -> Finding:
    leaf = best_match(error.context) if error.context else error
    pointer = _pointer(leaf)
    return Finding(
        check="schema",
        title="Field type mismatch" if leaf.validator in ("type", "enum", "const") else "Schema violation",
        message=f"{pointer or '/'}: {leaf.message}",
        expected=f"{leaf.validator}: {short(leaf.validator_value, 200)}",
        actual=short(leaf.instance),
        pointer=pointer or "/",
    )


@check("schema")
def schema(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    status = str(exchange.status)
    if status not in ctx.operation.responses:
        return []  # the status check reports undocumented statuses; nothing to validate against
    validator = validator_for(ctx.contract, ctx.operation.operation_id, status)
    if validator is None:
        return []
    parsed, body = exchange.json_body
    if not parsed:
        return [
            Finding(
                check="schema",
                title="Body is not JSON",
                message=f"HTTP {status} is documented as JSON; body starts {exchange.text[:60]!r}",
                expected="JSON",
                actual=exchange.content_type or "(no content type)",
            )
        ]
    findings = violations(validator, body, MAX_ERRORS)
    if not findings:
        findings.extend(undocumented_fields(ctx.contract, dict(validator.schema), body))  # type: ignore[arg-type]
    return findings


def violations(validator: Draft202012Validator, body: Any, limit: int | None = None) -> list[Finding]:
    """The body's violations in a stable order (by pointer, then keyword), the first ``limit`` of them."""
    errors = sorted(validator.iter_errors(body), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    return [_finding(e) for e in errors[:limit]]


@functools.lru_cache(maxsize=1024)
def subschema_validator(contract: Contract, pointer: str) -> Draft202012Validator:
    """A validator for the schema node at ``pointer`` of the bundled contract (refs resolve inside it)."""
    return Draft202012Validator({"$ref": f"{BASE_URI}#{pointer}"}, registry=_registry(contract))


def undocumented_fields(contract: Contract, schema: Mapping[str, Any], instance: Any) -> list[Finding]:
    """Warnings for object members the contract does not declare (allowed, but visible)."""
    out: list[Finding] = []
    for pointer in _extra(contract, schema, instance, ""):
        out.append(
            Finding(
                check="schema",
                title="Undocumented field",
                message=f"{pointer} is not in the contract",
                severity="warning",
                pointer=pointer,
            )
        )
        if len(out) >= MAX_WARNINGS:
            break
    return out


def _resolve(contract: Contract, schema: Any) -> Any:
    while isinstance(schema, Mapping) and "$ref" in schema:
        ref = str(schema["$ref"])
        ref = ref[len(BASE_URI) :] if ref.startswith(BASE_URI) else ref
        merged = {k: v for k, v in schema.items() if k != "$ref"}
        target = contract.deref({"$ref": ref})
        schema = {**target, **merged} if merged else target
    return schema


def _properties(contract: Contract, schema: Any) -> tuple[dict[str, Any], bool, Any]:
    """Declared properties (through allOf/anyOf), whether extras are declared, and the items schema."""
    schema = _resolve(contract, schema)
    if not isinstance(schema, Mapping):
        return {}, True, None
    props: dict[str, Any] = {}
    open_ended = "additionalProperties" in schema or "patternProperties" in schema
    items = schema.get("items")
    for name, sub in schema.get("properties", {}).items():
        props.setdefault(name, sub)
    for key in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(key, []):
            p, o, i = _properties(contract, part)
            for name, sub in p.items():
                # allOf layers refine the same member: the later (more specific) schema wins.
                props[name] = sub if key == "allOf" else props.get(name, sub)
            open_ended = open_ended or o
            items = items or i
    if not schema.get("properties") and not any(k in schema for k in ("allOf", "anyOf", "oneOf")):
        open_ended = open_ended or schema.get("type") != "object"
    return props, open_ended, items


def _extra(contract: Contract, schema: Any, instance: Any, pointer: str) -> Iterator[str]:
    props, open_ended, items = _properties(contract, schema)
    if isinstance(instance, dict):
        for key, value in instance.items():
            child = f"{pointer}/{escape(str(key))}"
            if key in props:
                yield from _extra(contract, props[key], value, child)
            elif not open_ended:
                yield child
    elif isinstance(instance, list) and items is not None:
        for i, value in enumerate(instance[:3]):  # sample: lists are homogeneous
            yield from _extra(contract, items, value, f"{pointer}/{i}")
