"""Field types: the body validated against the operation's response schema for that status.

Validation is JSON Schema 2020-12 (OpenAPI 3.1) with ``$ref``s resolved inside the bundled contract; compiled
validators are cached per schema (``validators``). Each violation names the JSON pointer, the keyword
that failed (expected) and the value found (actual). Fields the contract does not document are allowed
(the API may add fields) but reported as warnings so a report can show them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..contract import Contract
from ..contract.loader import escape
from .base import CheckContext, Exchange, Finding, check, compact, short
from .validators import BASE_URI, detailed, is_valid

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

MAX_ERRORS = 5
MAX_WARNINGS = 10


@functools.lru_cache(maxsize=4096)
def response_pointer(contract: Contract, operation_id: str, status: str) -> str | None:
    """Where the documented JSON body schema of (operation, status) lives in the bundled document."""
    op = contract.operations[operation_id]
    spec = op.responses.get(status)
    if spec is None or spec.schema is None or not spec.is_json:
        return None
    pointer = f"/paths/{escape(op.path)}/{op.method}/responses/{status}"
    raw = contract.document["paths"][op.path][op.method]["responses"][status]
    if "$ref" in raw:  # a shared response component
        pointer = str(raw["$ref"])[1:]
    return f"{pointer}/content/{escape(spec.media_type or 'application/json')}/schema"


def _pointer(error: ValidationError) -> str:
    return "".join(f"/{escape(str(p))}" for p in error.absolute_path)


UNIONS = ("anyOf", "oneOf")


def leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that explain ``error``: itself, or for a union (``anyOf``/``oneOf``) the errors of the branch
    the value belongs to, down to the members that differ.

    A value belongs to a branch whose type it has (an object to the object branch of ``[$ref X, null]``); among
    those, to the one with the fewest errors at the value itself (missing required members, a wrong
    discriminating ``const``), then the fewest errors. A value of a type no branch has is the union's own error.
    """
    if error.validator not in UNIONS or not error.context:
        return [error]
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).extend(leaves(sub))
    depth = len(error.absolute_path)

    def here(found: list[ValidationError]) -> list[ValidationError]:
        return [
            e
            for e in found
            if len(e.absolute_path) == depth or (e.validator == "const" and len(e.absolute_path) == depth + 1)
        ]

    fitting = {i: found for i, found in branches.items() if not any(e.validator == "type" for e in here(found))}
    if not fitting:
        return [error]
    best = min(fitting, key=lambda i: (len(here(fitting[i])), len(fitting[i]), i))
    return fitting[best]


def _schema_path(error: ValidationError) -> str:
    return "".join(f"/{escape(str(p))}" for p in error.absolute_schema_path)


def _finding(error: ValidationError) -> Finding:
    from jsonschema.exceptions import best_match

    union = error.validator in UNIONS and bool(error.context)  # no branch fits (see ``leaves``)
    leaf = best_match(error.context) if error.context and not union else error
    pointer = _pointer(leaf)
    message = leaf.message
    if isinstance(leaf.instance, (dict, list)):
        # jsonschema quotes the whole value; one with secret-looking members is quoted redacted instead.
        quoted = short(leaf.instance, 10_000)
        if quoted != compact(leaf.instance, 10_000):
            message = message.replace(repr(leaf.instance), quoted)
    return Finding(
        check="schema",
        title="Field type mismatch" if leaf.validator in ("type", "enum", "const", *UNIONS) else "Schema violation",
        message=f"{pointer or '/'}: "
        + (f"{short(leaf.instance, 80)} is not valid under any of the given schemas" if union else message),
        expected=f"{leaf.validator}: {compact(leaf.validator_value, 200)}",
        actual=short(leaf.instance),
        pointer=pointer or "/",
        schema_path=_schema_path(leaf),
    )


@check("schema")
def schema(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    status = str(exchange.status)
    if status not in ctx.operation.responses:
        return []  # the status check reports undocumented statuses; nothing to validate against
    pointer = response_pointer(ctx.contract, ctx.operation.operation_id, status)
    if pointer is None:
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
    if is_valid(ctx.contract, pointer, body):
        return undocumented_fields(ctx.contract, ctx.contract.deref({"$ref": f"#{pointer}"}), body)
    return violations(detailed(ctx.contract, pointer), body, MAX_ERRORS)


def violations(validator: Draft202012Validator, body: Any, limit: int | None = None) -> list[Finding]:
    """The body's violations in a stable order (by pointer, then keyword), the first ``limit`` of them; a union
    that failed is explained by the branch the value belongs to (``leaves``)."""
    found = [leaf for error in validator.iter_errors(body) for leaf in leaves(error)]
    errors = sorted(found, key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    return [_finding(e) for e in errors[:limit]]


def subschema_validator(contract: Contract, pointer: str) -> Draft202012Validator:
    """A validator for the schema node at ``pointer`` of the bundled contract (refs resolve inside it)."""
    return detailed(contract, pointer)


def validator_for(contract: Contract, operation_id: str, status: str) -> Draft202012Validator | None:
    """The explaining validator of (operation, status)'s documented JSON body, if there is one."""
    pointer = response_pointer(contract, operation_id, status)
    return detailed(contract, pointer) if pointer else None


def undocumented_fields(contract: Contract, schema: Mapping[str, Any], instance: Any) -> list[Finding]:
    """Warnings for object members the contract does not declare (allowed, but visible)."""
    extras: list[tuple[str | int, ...]] = []
    _extra(contract, schema, instance, (), extras)
    return [
        Finding(
            check="schema",
            title="Undocumented field",
            message=f"{pointer} is not in the contract",
            severity="warning",
            pointer=pointer,
        )
        for pointer in ("".join(f"/{escape(str(p))}" for p in path) for path in extras)
    ]


# Memo by node identity (the node is kept, so its id cannot be reused): the documented-field walk meets the same
# schema nodes for every response, and resolving them once keeps that walk proportional to the body's size.
_MEMO: dict[tuple[str, int], tuple[Any, Any]] = {}
MEMO_LIMIT = 100_000


def _memo(kind: str, node: Any, compute: Callable[[], Any]) -> Any:
    hit = _MEMO.get((kind, id(node)))
    if hit is not None and hit[0] is node:
        return hit[1]
    if len(_MEMO) > MEMO_LIMIT:
        _MEMO.clear()
    value = compute()
    _MEMO[(kind, id(node))] = (node, value)
    return value


def _resolve(contract: Contract, schema: Any) -> Any:
    return _memo("resolve", schema, lambda: _resolved(contract, schema))


def _resolved(contract: Contract, schema: Any) -> Any:
    while isinstance(schema, Mapping) and "$ref" in schema:
        ref = str(schema["$ref"])
        ref = ref[len(BASE_URI) :] if ref.startswith(BASE_URI) else ref
        merged = {k: v for k, v in schema.items() if k != "$ref"}
        target = contract.deref({"$ref": ref})
        schema = {**target, **merged} if merged else target
    return schema


def _properties(contract: Contract, schema: Any) -> tuple[dict[str, Any], bool, Any]:
    """Declared properties (through allOf/anyOf), whether extras are declared, and the items schema."""
    result: tuple[dict[str, Any], bool, Any] = _memo("properties", schema, lambda: _declared(contract, schema))
    return result


def _declared(contract: Contract, schema: Any) -> tuple[dict[str, Any], bool, Any]:
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


def _extra(contract: Contract, schema: Any, instance: Any, path: tuple[str | int, ...], out: list[Any]) -> None:
    """Collect (up to MAX_WARNINGS) the paths of undeclared members; pointers are built only for those."""
    props, open_ended, items = _properties(contract, schema)
    if isinstance(instance, dict):
        for key, value in instance.items():
            if len(out) >= MAX_WARNINGS:
                return
            if key in props:
                if isinstance(value, (dict, list)):  # a scalar has no members to judge
                    _extra(contract, props[key], value, (*path, key), out)
            elif not open_ended:
                out.append((*path, key))
    elif isinstance(instance, list) and items is not None:
        for i, value in enumerate(instance[:3]):  # sample: lists are homogeneous
            if isinstance(value, (dict, list)):
                _extra(contract, items, value, (*path, i), out)
