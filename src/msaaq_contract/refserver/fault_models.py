"""Systematic faults: one member of one model differs from the contract wherever the model appears.

These make the server differ from the contract the way a real API differs from a contract inferred from
front-end types: the same field of the same model, in every response that carries the model (top level,
list items, nested in other models). The calibration drill uses them: each is one root cause, so
``msaaq-contract calibrate`` must turn each into one proposal, however many operations show it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import Any, ClassVar

from ..contract import Operation
from ..errors import ConfigError
from .envelopes import Reply
from .fault_kinds import Catalogue, FaultKind
from .schemas import SchemaIndex

SCHEMA_REF = "#/components/schemas/"
MAX_DEPTH = 12  # synthesised bodies nest models a few levels deep; deeper is not worth walking

Visit = Callable[[dict[str, Any]], None]


def _names(node: Any, index: SchemaIndex) -> set[str]:
    """The component names a node's ``$ref`` chain passes through."""
    names: set[str] = set()
    for _ in range(16):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith(SCHEMA_REF):
            return names
        names.add(ref[len(SCHEMA_REF) :])
        node = index.deref({"$ref": ref})
    return names


def visit_model(value: Any, node: Any, index: SchemaIndex, model: str, visit: Visit, depth: int = 0) -> None:
    """Call ``visit`` on every object of ``value`` that the schema ``node`` types as component ``model`` (a glob:
    ``"*"`` is every model, so one fault can drift a member in every model that has it)."""
    if depth > MAX_DEPTH or not isinstance(node, dict):
        return
    flat = index.flatten(node)
    branches = [b for key in ("anyOf", "oneOf") for b in flat.get(key) or []]
    # Choose the branch the value matches before anything below it is rewritten.
    branch = next((b for b in branches if index.is_valid(b, value)), None)
    if isinstance(value, dict):
        props = flat.get("properties") or {}
        for key, member in value.items():
            if key in props:
                visit_model(member, props[key], index, model, visit, depth + 1)
        if branch is not None:
            visit_model(value, branch, index, model, visit, depth + 1)
        if any(fnmatch.fnmatchcase(name, model) for name in _names(node, index)):
            visit(value)
    elif isinstance(value, list):
        items = index.item_schema(node)
        for item in value:
            visit_model(item, items, index, model, visit, depth + 1)


class _ModelFault(FaultKind):
    """Rewrites member ``field`` of component ``model`` in every success body that carries the model."""

    defaults: ClassVar[dict[str, Any]] = {"model": "", "field": ""}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if not self.params["model"] or not self.params["field"]:
            raise ConfigError(f"fault {self.name!r} needs 'model' (e.g. admin.Coupon) and 'field' (a member name)")

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if reply.is_error or not reply.is_json:
            return reply
        spec = op.responses.get(str(reply.status))
        if spec is None or spec.schema is None:
            return reply
        field = str(self.params["field"])

        def visit(obj: dict[str, Any]) -> None:
            if field in obj:
                self.rewrite(obj, field)

        visit_model(reply.json(), spec.schema, catalogue.index, str(self.params["model"]), visit)
        return reply

    def rewrite(self, obj: dict[str, Any], field: str) -> None:
        raise NotImplementedError


class NullModelField(_ModelFault):
    """``field`` of ``model`` is null wherever the model appears."""

    name = "null_model_field"

    def rewrite(self, obj: dict[str, Any], field: str) -> None:
        obj[field] = None


class NumberAsString(_ModelFault):
    """``field`` of ``model``, a number, is sent as a string wherever the model appears."""

    name = "number_as_string"

    def rewrite(self, obj: dict[str, Any], field: str) -> None:
        value = obj[field]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            obj[field] = str(value)


class UndeclaredEnumValue(_ModelFault):
    """``field`` of ``model`` carries ``value``, which its enum does not declare, wherever the model appears."""

    name = "undeclared_enum_value"
    defaults: ClassVar[dict[str, Any]] = {"model": "", "field": "", "value": "undeclared_value"}

    def rewrite(self, obj: dict[str, Any], field: str) -> None:
        obj[field] = self.params["value"]
