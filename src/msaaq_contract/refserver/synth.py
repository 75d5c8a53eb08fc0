"""Contract-valid values synthesised from JSON schemas, deterministically and in English or Arabic.

The rules favour readable, plausible data: the first enum value, names chosen by property (``email``,
``*_at`` dates, ``*_url`` links, titles in the request's language), one item per array, optional properties
down to a few levels (beyond that only required ones, which the contract keeps acyclic). Whole response
bodies are cached per (operation, status, language) as JSON bytes; callers get a fresh copy each time.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..contract import Operation
from ..contract.flatten import types_of
from .clock import FIXED_DATE, FIXED_ISO
from .schemas import SchemaIndex
from .texts import FIELD_TEXT

OPTIONAL_DEPTH = 4  # below this nesting level optional properties are filled in too
MAX_DEPTH = 40  # a guard against a required cycle the contract should not have
SAMPLE_UUID = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
_TYPE_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")


class Synthesizer:
    """Builds values that validate against contract schemas."""

    def __init__(self, index: SchemaIndex) -> None:
        self.index = index
        self._bodies: dict[tuple[str, str, str], bytes] = {}
        self._values: dict[tuple[int, str, int], bytes] = {}

    # -- whole responses -------------------------------------------------------------------------------
    def response_bytes(self, op: Operation, status: str, lang: str) -> bytes:
        key = (op.operation_id, status, lang)
        hit = self._bodies.get(key)
        if hit is None:
            spec = op.responses[status]
            value = self.value(spec.schema, lang) if spec.schema is not None else None
            hit = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
            self._bodies[key] = hit
        return hit

    def response(self, op: Operation, status: str, lang: str) -> Any:
        """A fresh (mutable) copy of the synthesised body of ``op``'s ``status`` response."""
        return json.loads(self.response_bytes(op, status, lang))

    def cached_value(self, schema: Any, lang: str, depth: int = 0) -> Any:
        """``value`` memoised on the schema node; returns a fresh copy."""
        key = (id(schema), lang, depth)
        hit = self._values.get(key)
        if hit is None:
            hit = json.dumps(self.value(schema, lang, depth=depth), ensure_ascii=False).encode()
            self._values[key] = hit
        return json.loads(hit)

    # -- values ----------------------------------------------------------------------------------------
    def value(self, schema: Any, lang: str, *, name: str = "", depth: int = 0, required_only: bool = False) -> Any:
        flat = self.index.flatten(schema)
        if "const" in flat:
            return flat["const"]
        enum = flat.get("enum")
        if enum:
            allowed = types_of(flat)
            for candidate in enum:
                if candidate is not None and (not allowed or _json_type(candidate) in allowed):
                    return candidate
            return enum[0]
        branches = flat.get("anyOf") or flat.get("oneOf")
        if branches and not types_of(flat):
            branch = next((b for b in branches if not self._is_null(b)), branches[0])
            rest = {k: v for k, v in flat.items() if k not in ("anyOf", "oneOf")}
            merged = {"allOf": [rest, branch]} if rest else branch
            return self.value(merged, lang, name=name, depth=depth, required_only=required_only)
        kind = self._pick_type(flat)
        if kind == "object":
            return self._object(flat, lang, depth, required_only)
        if kind == "array":
            return self._array(flat, lang, name, depth, required_only)
        if kind == "string":
            return self._string(flat, lang, name)
        if kind == "integer":
            return self._integer(flat, name)
        if kind == "number":
            return self._number(flat)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._string({}, lang, name)  # unconstrained: a short text is as good as anything

    def _is_null(self, node: Any) -> bool:
        return types_of(self.index.flatten(node)) == ["null"]

    @staticmethod
    def _pick_type(flat: dict[str, Any]) -> str:
        types = [t for t in types_of(flat) if t != "null"] or types_of(flat)
        if types:
            return (
                min(types, key=lambda t: _TYPE_ORDER.index(t) if t in _TYPE_ORDER else 99)
                if ("object" in types or "array" in types)
                else types[0]
            )
        if "properties" in flat or "required" in flat:
            return "object"
        if "items" in flat:
            return "array"
        return "any"

    def _object(self, flat: dict[str, Any], lang: str, depth: int, required_only: bool) -> dict[str, Any]:
        props: dict[str, Any] = flat.get("properties") or {}
        required = list(flat.get("required") or [])
        out: dict[str, Any] = {}
        if depth > MAX_DEPTH:
            return out
        optional = not required_only and depth < OPTIONAL_DEPTH
        for prop, sub in props.items():
            if prop in required or optional:
                out[prop] = self.value(sub, lang, name=prop, depth=depth + 1, required_only=required_only)
        extra = flat.get("additionalProperties")
        for prop in required:
            if prop not in out:
                sub = extra if isinstance(extra, dict) else {}
                out[prop] = self.value(sub, lang, name=prop, depth=depth + 1, required_only=required_only)
        wanted = int(flat.get("minProperties", 0))
        while len(out) < wanted:
            prop = f"field_{len(out) + 1}"
            out[prop] = self.value(extra if isinstance(extra, dict) else {}, lang, name=prop, depth=depth + 1)
        return out

    def _array(self, flat: dict[str, Any], lang: str, name: str, depth: int, required_only: bool) -> list[Any]:
        count = int(flat.get("minItems", 0))
        if not required_only and depth < OPTIONAL_DEPTH:
            count = max(count, 1)
        if "maxItems" in flat:
            count = min(count, int(flat["maxItems"]))
        items = flat.get("items", {})
        singular = name[:-1] if name.endswith("s") else name
        return [
            self.value(items, lang, name=singular, depth=depth + 1, required_only=required_only) for _ in range(count)
        ]

    @staticmethod
    def _integer(flat: dict[str, Any], name: str) -> int:
        value = 1
        if "minimum" in flat:
            value = max(value, int(flat["minimum"]))
        if "exclusiveMinimum" in flat:
            value = max(value, int(flat["exclusiveMinimum"]) + 1)
        if "maximum" in flat:
            value = min(value, int(flat["maximum"]))
        return value

    @staticmethod
    def _number(flat: dict[str, Any]) -> int | float:
        value: int | float = 10
        if "minimum" in flat:
            value = max(value, flat["minimum"])
        if "maximum" in flat:
            value = min(value, flat["maximum"])
        return value

    def _string(self, flat: dict[str, Any], lang: str, name: str) -> str:
        text = self._string_for(flat, lang, name)
        pattern = flat.get("pattern")
        if isinstance(pattern, str) and not re.search(pattern, text):
            text = _matching(pattern, name) or text
        min_len = int(flat.get("minLength", 0))
        if len(text) < min_len:
            text = text + "x" * (min_len - len(text))
        if "maxLength" in flat:
            text = text[: int(flat["maxLength"])]
        return text

    @staticmethod
    def _string_for(flat: dict[str, Any], lang: str, name: str) -> str:
        fmt = flat.get("format")
        lowered = name.lower()
        if fmt == "date-time" or lowered.endswith("_at") or lowered in ("date_time", "datetime", "timestamp"):
            return FIXED_ISO
        if fmt == "date" or lowered in ("date", "dob", "birthday") or lowered.endswith("_date"):
            return FIXED_DATE
        if fmt == "uuid" or lowered == "uuid":
            return SAMPLE_UUID
        if fmt == "email" or "email" in lowered:
            return "sara@msaaq.test"
        if fmt in ("uri", "url") or lowered in ("url", "link", "href", "avatar", "thumbnail", "image", "logo"):
            return "https://cdn.msaaq.test/assets/sample.png"
        if lowered.endswith(("_url", "_link")):
            return "https://academy-a.msaaq.test/"
        simple = {
            "slug": "sample-slug",
            "currency": "SAR",
            "color": "#0E7C66",
            "phone": "512345678",
            "phone_code": "966",
            "country_code": "SA",
            "timezone": "Asia/Riyadh",
            "member_timezone": "Asia/Riyadh",
            "locale": lang,
            "language": lang,
            "token": "sample-token",
            "password": "demo-password",
            "code": "SAMPLE",
            "status": "active",
            "type": "default",
            "ip": "127.0.0.1",
        }
        if lowered in simple:
            return simple[lowered]
        en, ar = FIELD_TEXT.get(lowered, FIELD_TEXT["text"])
        return ar if lang == "ar" else en


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _matching(pattern: str, name: str) -> str | None:
    """A string matching ``pattern``: the literal prefix of its first alternative, then a digit."""
    body = pattern.lstrip("^")
    if body.startswith("(") and ")" in body:
        first = body[1 : body.index(")")].split("|")[0]
        body = first + body[body.index(")") + 1 :]
    literal = re.match(r"[A-Za-z0-9_\- ]*", body)
    prefix = literal.group(0) if literal else ""
    for candidate in (prefix + "1", prefix, prefix.upper() + "A", name.upper() or "A"):
        if re.search(pattern, candidate):
            return candidate
    return None
