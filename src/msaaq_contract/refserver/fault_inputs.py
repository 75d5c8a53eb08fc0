"""Faults that only generated requests reach: the happy request is minimal and valid, so these stay silent for
every family but fuzzing (and the stateful update, which writes members too). They prove the fuzz family can fail.

``accepts_invalid``: the server skips its validation (a controller without its form request): what the contract
refuses is served anyway. Negative fuzzing must report it.

``optional_member_500``: a create or update crashes (500, Laravel's HTML error page) when its JSON body holds a member
the schema does not require, as a handler that dereferences an optional relation would. Positive fuzzing, which sends
optional members, must report it.
"""

from __future__ import annotations

from typing import Any

from ..contract import Operation
from .envelopes import Reply
from .fault_kinds import ERROR_PAGE, Catalogue, FaultKind

WRITES = ("post", "put", "patch")


def _json_write_schema(op: Operation, catalogue: Catalogue) -> dict[str, Any] | None:
    if op.method not in WRITES or op.request_media_type != "application/json" or op.request_schema is None:
        return None
    return catalogue.index.flatten(op.request_schema)  # cached: ``refuse`` runs on every request


class AcceptsInvalid(FaultKind):
    """Requests the contract's validation refuses (a wrong type, a missing required member, an unknown enum
    value, a malformed query parameter) are served as if valid."""

    name = "accepts_invalid"
    relax_validation = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        schema = _json_write_schema(op, catalogue)
        return bool(schema and (schema.get("properties") or schema.get("required")))


class OptionalMember500(FaultKind):
    """A JSON create or update whose body holds a member its schema does not require answers 500 (HTML)."""

    name = "optional_member_500"

    def refuse(self, op: Operation, body: Any, lang: str, catalogue: Catalogue) -> Reply | None:
        schema = _json_write_schema(op, catalogue)
        if schema is None or not isinstance(body, dict):
            return None
        required = set(schema.get("required") or ())
        if any(name not in required for name in body):
            return Reply(500, raw=ERROR_PAGE, media_type="text/html", is_error=True)
        return None

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        schema = _json_write_schema(op, catalogue)
        optional = set((schema or {}).get("properties") or ()) - set((schema or {}).get("required") or ())
        return bool(optional)
