"""Validate a report or baseline document against its JSON Schema, as one line naming file and pointer."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jsonschema_rs

from ..errors import ReportError
from .render import squash


def _escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


@lru_cache(maxsize=8)
def _validator(schema_json: str) -> Any:
    return jsonschema_rs.Draft202012Validator(json.loads(schema_json))


def check_against(schema: dict[str, Any], data: Any, file: str, what: str) -> None:
    """Raise ``ReportError("<file>#<pointer>: <message>")`` for the first schema error, if any."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    try:
        error = next(iter(validator.iter_errors(data)), None)
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a YAML value JSON has no type for
        raise ReportError(f"{file}: not a valid {what}: {squash(str(exc), 160)}") from None
    if error is None:
        return
    pointer = "".join(f"/{_escape(p)}" for p in error.instance_path)
    raise ReportError(f"{file}#{pointer}: not a valid {what}: {squash(error.message, 160)}")
