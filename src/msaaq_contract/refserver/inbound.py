"""The reference server's validation of a request, in Laravel's words: declared query parameters and the body
(read by ``contract.wire``) become ``{field: [messages]}`` for the 422 envelope."""

from __future__ import annotations

from typing import Any

from ..contract.flatten import types_of
from ..contract.wire import INT_TEXT, NUMBER_TEXT
from .schemas import SchemaIndex


def check_query(parameters: Any, query: dict[str, Any], lang: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Coerce declared query parameters; returns (values, Laravel errors)."""
    from .texts import message

    values: dict[str, Any] = dict(query)
    errors: dict[str, list[str]] = {}
    for param in parameters:
        if param.location != "query":
            continue
        name = param.name
        if name not in query:
            if param.required:
                errors[name] = [message("required", lang, field=name)]
            continue
        raw = query[name]
        types = types_of(param.schema)
        if isinstance(raw, str) and ("integer" in types or "number" in types):
            if not (INT_TEXT if "integer" in types else NUMBER_TEXT).match(raw.strip()):
                errors[name] = [message("type", lang, field=name, types="/".join(types))]
                continue
            number = int(raw) if INT_TEXT.match(raw.strip()) else float(raw)
            if number < param.schema.get("minimum", float("-inf")) or number > param.schema.get(
                "maximum", float("inf")
            ):
                errors[name] = [message("generic", lang, field=name)]
                continue
            values[name] = number
        elif isinstance(raw, str) and "boolean" in types:
            if raw.lower() not in ("0", "1", "true", "false"):
                errors[name] = [message("type", lang, field=name, types="boolean")]
                continue
            values[name] = raw.lower() in ("1", "true")
        enum = param.schema.get("enum")
        if enum and isinstance(raw, str) and raw not in [str(e) for e in enum]:
            errors[name] = [message("enum", lang, field=name)]
    return values, errors


def body_errors(index: SchemaIndex, schema: Any, body: Any, lang: str) -> dict[str, list[str]]:
    """Validate ``body`` against ``schema``; Laravel-style ``{field: [messages]}``."""
    from .texts import message

    try:
        found = list(index.validator(schema).iter_errors(body))
    except (ValueError, OverflowError):  # e.g. an integer beyond 64 bits
        return {"body": [message("generic", lang, field="body")]}
    errors: dict[str, list[str]] = {}
    for error in found:
        path = [str(p) for p in error.instance_path]
        kind = type(error.kind).__name__
        if kind == "Required":
            name = ".".join([*path, str(error.kind.property)])
            text = message("required", lang, field=name)
        else:
            name = ".".join(path) or "body"
            if kind == "Type":
                text = message("type", lang, field=name, types="/".join(str(t) for t in error.kind.types))
            elif kind == "Enum":
                text = message("enum", lang, field=name)
            else:
                text = message("generic", lang, field=name)
        bucket = errors.setdefault(name, [])
        if text not in bucket:
            bucket.append(text)
    return errors
