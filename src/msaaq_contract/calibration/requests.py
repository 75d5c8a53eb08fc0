"""Request-side groups: one per (operation, member, rule) the target stated in its 422 answers (``refusals``).

"POST /admin/campaigns requires `name`" proposes ``require`` on that operation's request body (declaring the
member when the contract does not know it); "`amount` must be an integer" proposes ``set-type`` (null kept
where the contract allows it: the message is about a value that is not null); "must be one of: a, b" (or
Laravel's ``in:`` message with the values the API showed, ``refusals``) proposes ``set-enum``. Each change is
the operation's own (``contract.overrides``): a create that
requires a member says nothing about the update. An operation that documented no 422 gets the contract's usual
one with the change. A rule the contract already states proposes nothing.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

from ..checks.base import short
from ..contract import Contract
from ..contract.flatten import flatten, types_of
from .evidence import Observation, Rule
from .group import Group


def _enum_values(rule: Rule, declared: dict[str, Any]) -> list[Any]:
    """The listed values, as numbers where the member is numeric (Laravel lists them as text)."""
    numeric = {"integer", "number"} & set(types_of(declared))
    out: list[Any] = []
    for value in rule.values:
        text = str(value)
        if numeric and text.lstrip("-").isdigit():
            out.append(int(text))
        else:
            out.append(text)
    return out


@functools.lru_cache(maxsize=4)
def validation_response(contract: Contract) -> dict[str, Any] | None:
    """How the contract documents a 422 (the response most operations refer to), for operations that did not:
    a rule the target states means it answers 422."""
    refs = Counter(
        str(op.raw["responses"]["422"]["$ref"])
        for op in contract
        if "$ref" in op.raw.get("responses", {}).get("422", {})
    )
    return {"$ref": refs.most_common(1)[0][0]} if refs else None


def request_group(contract: Contract, o: Observation) -> Group | None:
    """The group of the rule ``o`` observed, or None when the contract already states it."""
    rule = o.rule
    if rule is None:
        return None
    op = contract.operations[o.operation_id]
    schema = flatten(contract, op.request_schema) if op.request_schema is not None else {}
    props = schema.get("properties") or {}
    known = rule.field in props
    member = flatten(contract, props[rule.field]) if known else {}
    label = f"{op.method.upper()} {op.path}"
    base: dict[str, Any] = {"operation": op.operation_id, "property": rule.field}
    refusal = validation_response(contract)
    if op.response_for(422) is None and refusal is not None:
        base["response"] = refusal
    if rule.kind == "required":
        if rule.field in (schema.get("required") or []):
            return None
        change = {"change": "require", **base, **({} if known else {"declare": {}})}
        summary = f"{label} requires `{rule.field}`" + ("" if known else " (a member the contract does not declare)")
        required = schema.get("required") or []
        now = (
            "no body"
            if op.request_schema is None
            else f"required: {short(required, 100)}"
            if required
            else "no member required"
        )
    elif rule.kind == "type":
        # Laravel's type messages speak of a value that is not null: ``nullable|string`` keeps null.
        types = [*rule.values, *(["null"] if "null" in types_of(member) and "null" not in rule.values else [])]
        if types_of(member) == types:
            return None
        change = {"change": "set-type", **base, "types": types}
        summary = f"{label}: `{rule.field}` must be {_article(str(rule.values[0]))}"
        now = short(props.get(rule.field, "not declared"), 120)
    else:
        values = _enum_values(rule, member)
        if member.get("enum") == values:
            return None
        change = {"change": "set-enum", **base, "values": values}
        summary = f"{label}: `{rule.field}` must be one of {short(values, 80)}"
        now = short(props.get(rule.field, "not declared"), 120)
    return Group(
        key=f"request:{op.operation_id}:{rule.kind}:{rule.field}",
        kind=f"request-{rule.kind}",
        summary=summary,
        changes=[change],
        touches=[op.operation_id],
        declared=now,
    )


def _article(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"
