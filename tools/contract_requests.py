"""Request bodies from what the facts know (used by build_contract.py only).

Three sources, in order of trust, each traced on the member it adds:
- the fields the client code sends (``request.fields``): typed and required as the facts say (no mark, as before);
- the model a body is a ``Partial<>`` of (``request.body_model`` with ``body_partial``): its *writable* members,
  all optional, each marked ``x-source: model`` with ``x-source-ref`` naming the component schema;
- for an update whose body is still unknown, the members its create accepts, marked ``x-source: create`` with
  ``x-source-ref`` naming the create's operationId;
- for an export whose body is still unknown, the members of the facts' export convention (``POST
  <resource>/export`` with ``{ids?, type: xlsx|csv, filters?}``), marked ``x-source: convention``.

Which members of a model are writable is a reading of their names and types, not a fact: the models are what
the clients *read*. Server-assigned members (ids, timestamps of past events, counters, rates, computed flags,
links) and relations (the clients send relations as ids under other names) are left out; what remains is
text, numbers, booleans and enums a form can send. Laravel ignores body members it does not validate, so an
optional member the API does not know is harmless to a valid request; the mark says the contract guessed.

Laravel's ``required`` rule refuses an empty string (after its TrimStrings and ConvertEmptyStringsToNull
middleware, a blank one too) and an empty array, so a required member says so: ``minLength: 1`` with a
non-blank ``pattern``, or ``minItems: 1``. A multipart form cannot carry an empty array at all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from contract_types import convert_fragment, field_type_schema

RefFn = Callable[[str], dict[str, str]]
FORM = "multipart/form-data"
NON_BLANK = r"\S"
NOT_CARRIED = ("minLength", "pattern", "minItems", "x-source", "x-source-ref")

# Members the server assigns: never sent by a form.
SERVER_ASSIGNED = frozenset(
    {
        "id", "uuid", "academy_id", "created_by", "url", "slug_url", "edit_url", "path",
        "created_at", "updated_at", "deleted_at", "last_seen_at", "sent_at", "started_at", "completed_at",
        "published_at", "trial_ends_at", "email_verified_at",
        "balance", "earnings", "profits", "sales", "sales_this_period", "rate", "quizzes_score",
        "meetings_attendance_duration", "sms_amount", "expired", "in_stock", "on_trial", "proxiable",
        "eligible_for_certificate", "beta_enrolled", "beta_enrolled_queue", "freshchat_id", "international_phone",
        "phone_verification_checkpoint", "zone_id", "size", "status_label",
    }
)  # fmt: skip
SERVER_ASSIGNED_NAME = re.compile(r"^(is_|has_|avg_|total_)|(_count|_rate|_percentage|_url|_verified)$")
# conventions.export of admin-endpoints.json, in the facts' field notation (every member optional).
EXPORT_CONVENTION = {"ids": "array<integer>", "type": "enum(xlsx|csv)", "filters": "object"}
SCALARS = frozenset({"string", "number", "integer", "boolean", "null"})


def writable_members(
    model: Mapping[str, Any], component: str, to_ref: RefFn, enums: set[str], media_type: str
) -> dict[str, Any]:
    """The members of ``model`` (a record of models-*.json) a form can write, as request schemas."""
    out: dict[str, Any] = {}
    for name, fragment in (model.get("fields") or {}).items():
        if name in SERVER_ASSIGNED or SERVER_ASSIGNED_NAME.search(name) or _relation(fragment, enums):
            continue
        # A copy: the component schema shares the facts' lists, and calibration edits the component only.
        schema = copy.deepcopy(
            convert_fragment({k: v for k, v in fragment.items() if k not in ("optional", "title")}, to_ref)
        )
        if not _sendable(schema):
            continue
        if media_type == FORM:
            schema = form_member(schema)
        out[name] = {**schema, "x-source": "model", "x-source-ref": component}
    return out


def _relation(fragment: Any, enums: set[str]) -> bool:
    """Whether a fragment refers to another model (a relation the client sends as an id elsewhere)."""
    if isinstance(fragment, dict):
        if "$ref" in fragment and fragment["$ref"] not in enums:
            return True
        return any(_relation(v, enums) for v in fragment.values())
    if isinstance(fragment, list):
        return any(_relation(v, enums) for v in fragment)
    return False


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _sendable(schema: Mapping[str, Any]) -> bool:
    """Text, numbers, booleans, enums (nullable or not) and arrays of those; not a bare ``null``."""
    if "$ref" in schema:
        return True  # an enum component (relations were left out before)
    types = _types(schema)
    if "anyOf" in schema:
        return all(_sendable(o) for o in schema["anyOf"]) and any(_types(o) - {"null"} for o in schema["anyOf"])
    if "enum" in schema and not types:
        return True
    if types == {"array"} or types == {"array", "null"}:
        return isinstance(schema.get("items"), dict) and _sendable(schema["items"])
    return bool(types) and types <= SCALARS and types != {"null"}


def form_member(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON member as a multipart form carries it: booleans as 1/0 (the clients' convertBooleans)."""
    out = dict(schema)
    types = _types(schema)
    if "boolean" in types:
        rest = sorted(types - {"boolean"})
        if not rest:
            out.update(type="integer", enum=[0, 1])
        else:
            out["anyOf"] = [{"type": "integer", "enum": [0, 1]}, {"type": rest[0] if len(rest) == 1 else rest}]
            del out["type"]
    return out


def laravel_required(schema: dict[str, Any], required: list[str]) -> None:
    """State what Laravel's ``required`` refuses: blank text and empty arrays (on the schema, in place)."""
    props = schema.get("properties") or {}
    for name in required:
        member = props.get(name)
        if not isinstance(member, dict):
            continue
        types = _types(member)
        if "string" in types and member.get("format") != "binary" and "enum" not in member:
            member.setdefault("minLength", 1)
            member.setdefault("pattern", NON_BLANK)
        if "array" in types:
            member.setdefault("minItems", 1)


def add_create_members(items: dict[str, dict[str, Any]]) -> int:
    """Give each update whose body declares nothing the members its create accepts; returns how many.

    The update is a PUT/PATCH on ``<collection>/{param}``, the create a POST on ``<collection>``. What Laravel's
    ``required`` refuses on the create is not carried over: every member of an update is optional.
    """
    added = 0
    for path, item in items.items():
        m = re.fullmatch(r"(.+)/\{[^}/]+\}", path)
        create = items.get(m.group(1), {}).get("post") if m else None
        if create is None:
            continue
        source = _body_schema(create)
        if not source or not source.get("properties"):
            continue
        for method in ("put", "patch"):
            update = item.get(method)
            if update is None:
                continue
            content = (update.get("requestBody") or {}).get("content") or {}
            for media_type, body in content.items():
                schema = body.get("schema") or {}
                if schema.get("properties"):
                    continue
                members = {}
                for name, original in source["properties"].items():
                    member = {k: copy.deepcopy(v) for k, v in original.items() if k not in NOT_CARRIED}
                    if member.get("format") == "binary" and media_type != FORM:
                        continue  # a file travels in a form only
                    if media_type == FORM:
                        member = form_member(member)
                    members[name] = {**member, "x-source": "create", "x-source-ref": create["operationId"]}
                body["schema"] = {"type": "object", "properties": members}
                added += 1
    return added


def _body_schema(op: Mapping[str, Any]) -> dict[str, Any] | None:
    content = (op.get("requestBody") or {}).get("content") or {}
    for body in content.values():
        schema = body.get("schema")
        if isinstance(schema, dict):
            return schema
    return None


def add_convention_members(items: dict[str, dict[str, Any]]) -> int:
    """Give each ``POST .../export`` whose body declares nothing the export convention's members."""
    added = 0
    for path, item in items.items():
        export = item.get("post") if path.endswith("/export") else None
        content = ((export or {}).get("requestBody") or {}).get("content") or {}
        for body in content.values():
            if (body.get("schema") or {}).get("properties"):
                continue
            trace = {"x-source": "convention", "x-source-ref": "conventions.export"}
            members = {name: {**field_type_schema(n, None), **trace} for name, n in EXPORT_CONVENTION.items()}
            body["schema"] = {"type": "object", "properties": members}
            added += 1
    return added
