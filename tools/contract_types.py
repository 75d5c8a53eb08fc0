"""Turn the facts' type notations into JSON Schema 2020-12 fragments (used by build_contract.py only).

Two notations exist in the facts:
- request fields and params use a compact string: ``integer(0|1)``, ``array<{id:integer,type:enum(a|b)}>``,
  ``enum[course,product]``, ``string|null``, ``object<string,string>``, ``object{country,city,line}``, model names;
- models use JSON-Schema fragments with ``optional: true`` for TypeScript ``?`` members and bare model names
  in ``$ref``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

RefFn = Callable[[str], dict[str, str]] | None

SCALARS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "object": {"type": "object"},
    "null": {"type": "null"},
    "array": {"type": "array"},
    "any": {},
    "string(date)": {"type": "string", "format": "date"},
    "string(datetime)": {"type": "string", "format": "date-time"},
    "string(uuid)": {"type": "string", "format": "uuid"},
    "integer(0|1)": {"type": "integer", "enum": [0, 1]},
}


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "<{([":
            depth += 1
        elif ch in ">})]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts]


def field_type_schema(notation: str, to_ref: RefFn, multipart: str | None = None) -> dict[str, Any]:
    """Schema for a compact type notation. ``multipart`` marks form bodies, where files are binary."""
    t = notation.strip()
    if t in ("binary", "file"):
        return {"type": "string", "format": "binary"} if multipart == "multipart/form-data" else {"type": "string"}
    if t == "boolean" and multipart == "multipart/form-data":
        # Multipart bodies carry booleans as 1/0 (the clients' convertBooleans).
        return {"type": "integer", "enum": [0, 1]}
    if t in SCALARS:
        return copy.deepcopy(SCALARS[t])
    m = re.fullmatch(r"enum[(\[](.*)[)\]]", t)
    if m:
        inner = m.group(1)
        if re.fullmatch(r"[A-Z][A-Za-z]+", inner) and to_ref is not None:
            return to_ref(inner)
        values = [v.strip().strip("'\"") for v in re.split(r"[|,]", inner)]
        return {"type": "string", "enum": values}
    m = re.fullmatch(r"array<(.*)>", t)
    if m:
        return {"type": "array", "items": field_type_schema(m.group(1), to_ref, multipart)}
    m = re.fullmatch(r"object<string,(.*)>", t)
    if m:
        return {"type": "object", "additionalProperties": field_type_schema(m.group(1), to_ref, multipart)}
    m = re.fullmatch(r"(?:object)?\{(.*)\}", t)
    if m:
        props: dict[str, Any] = {}
        for part in _split_top(m.group(1), ","):
            name, _, sub = part.partition(":")
            # An untyped member of an inline shape is sent as text by the clients.
            props[name.strip()] = field_type_schema(sub, to_ref, multipart) if sub else {"type": "string"}
        return {"type": "object", "properties": props}
    if "|" in t:
        options = [field_type_schema(p, to_ref, multipart) for p in _split_top(t, "|")]
        types = [o.get("type") for o in options]
        if all(isinstance(x, str) and len(o) == 1 for x, o in zip(types, options, strict=True)):
            return {"type": types}
        return {"anyOf": options}
    if re.fullmatch(r"[A-Z][A-Za-z]+", t) and to_ref is not None:
        return to_ref(t)
    raise ValueError(f"unknown type notation {notation!r}")


def convert_fragment(frag: Any, to_ref: Callable[[str], dict[str, str]]) -> Any:
    """Model fragment -> JSON Schema: bare ``$ref`` names resolved, ``optional`` turned into ``required``."""
    if isinstance(frag, list):
        return [convert_fragment(x, to_ref) for x in frag]
    if not isinstance(frag, dict):
        return frag
    out: dict[str, Any] = {}
    for key, value in frag.items():
        if key == "$ref":
            out.update(to_ref(value))
        elif key == "optional":
            continue
        elif key == "x-omit":
            out["x-omit"] = value
        elif key == "properties":
            out["properties"] = {k: convert_fragment(v, to_ref) for k, v in value.items()}
            required = [k for k, v in value.items() if not (isinstance(v, dict) and v.get("optional"))]
            if required:
                out["required"] = required
        elif key == "enum" and "type" not in frag:
            out["enum"] = value
            kinds = {type(v).__name__ for v in value}
            if kinds == {"str"}:
                out["type"] = "string"
        else:
            out[key] = convert_fragment(value, to_ref)
    return out


def model_schema(model: dict[str, Any], area: str, to_ref: Callable[[str], dict[str, str]]) -> dict[str, Any]:
    """One component schema for a model record of models-*.json."""
    ref_note = model.get("ref", "")
    schema: dict[str, Any]
    if "schema" in model:
        schema = convert_fragment(model["schema"], to_ref)
    elif "x-map" in model:
        schema = {"type": "object", "additionalProperties": convert_fragment(model["x-map"], to_ref)}
    elif "additionalProperties" in model and not model.get("fields"):
        schema = {"type": "object", "additionalProperties": convert_fragment(model["additionalProperties"], to_ref)}
    else:
        schema = convert_fragment({"type": "object", "properties": model.get("fields", {})}, to_ref)
        if not schema["properties"]:
            schema.pop("properties")
    if model.get("extends"):
        schema = {"allOf": [to_ref(base) for base in model["extends"]] + [schema]}
    schema["x-source-ref"] = ref_note
    for key in ("x-note", "note"):
        if model.get(key):
            schema["description"] = model[key]
    if model.get("x-variants-by-slug"):
        schema["x-variants-by-slug"] = model["x-variants-by-slug"]
    if model.get("synthetic"):
        schema["x-synthetic"] = True
    return schema
