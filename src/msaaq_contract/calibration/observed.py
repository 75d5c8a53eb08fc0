"""Observed coverage: which model members and enum values the target's answers actually showed.

Every recorded JSON answer of a run is walked with the schema documented for its operation and status. An object
that the schema types as a component model (through its ``$ref`` chain) counts for that model, and each member
the model declares is tallied as seen with a value, seen null, or absent; each enum value a member took is
counted. Unions are followed into the branch the value belongs to (its type, then the required members it has).
What the contract declares and no answer showed is where the contract is broader than the API, or untested.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..checks.base import Exchange
from ..contract import Contract, Operation
from ..contract.flatten import flatten, types_of
from ..recording import files
from .group import json_type

SCHEMAS = "#/components/schemas/"
MAX_DEPTH = 12


@dataclass
class Member:
    value: int = 0
    null: int = 0
    absent: int = 0
    enum: Counter[Any] = field(default_factory=Counter)

    @property
    def seen(self) -> bool:
        return self.value + self.null > 0


@dataclass
class Observed:
    """Tallies per model (objects seen) and per model member; ``answers`` is how many bodies were walked."""

    answers: int = 0
    objects: Counter[str] = field(default_factory=Counter)
    members: dict[str, dict[str, Member]] = field(default_factory=dict)

    def member(self, model: str, name: str) -> Member:
        members = self.members.setdefault(model, {})
        found = members.get(name)
        if found is None:
            found = members[name] = Member()
        return found


class Walk:
    def __init__(self, contract: Contract, observed: Observed) -> None:
        self.contract = contract
        self.observed = observed
        self._flat: dict[int, tuple[Any, dict[str, Any]]] = {}
        self._enums: dict[int, bool] = {}

    def flat(self, node: Any) -> dict[str, Any]:
        """``flatten``, once per schema node (the same models are met in every answer that nests them)."""
        hit = self._flat.get(id(node))
        if hit is None or hit[0] is not node:
            hit = self._flat[id(node)] = (node, flatten(self.contract, node))
        return hit[1]

    def value(self, node: Any, value: Any, depth: int = 0) -> None:
        """Tally ``value`` as the schema ``node`` types it, and everything below it."""
        if depth > MAX_DEPTH or not isinstance(node, dict):
            return
        model = None
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith(SCHEMAS):
            model = node["$ref"][len(SCHEMAS) :]
            node = self.contract.deref({"$ref": node["$ref"]})
        flat = self.flat(node)
        branch = self._branch(flat, value)
        if branch is not None:
            self.value(branch, value, depth + 1)
            return
        if isinstance(value, list):
            for item in value:
                self.value(flat.get("items"), item, depth + 1)
        if not isinstance(value, dict):
            return
        props = flat.get("properties") or {}
        if model is not None and props:
            self.observed.objects[model] += 1
            for name, declared in props.items():
                self._tally(model, name, declared, value)
        for name, member in value.items():
            if name in props:
                self.value(props[name], member, depth + 1)

    def _tally(self, model: str, name: str, declared: Any, value: dict[str, Any]) -> None:
        seen = self.observed.member(model, name)
        if name not in value:
            seen.absent += 1
        elif value[name] is None:
            seen.null += 1
        else:
            seen.value += 1
            if isinstance(value[name], (str, int, float, bool)) and self._has_enum(declared):
                seen.enum[value[name]] += 1

    def _has_enum(self, node: Any) -> bool:
        if id(node) not in self._enums:  # declared nodes live as long as the contract: ids stay theirs
            self._enums[id(node)] = bool(enum_of(self.contract, node))
        return self._enums[id(node)]

    def _branch(self, flat: dict[str, Any], value: Any) -> Any:
        """The ``anyOf``/``oneOf`` branch ``value`` belongs to: its type, then the most required members present."""
        branches = [b for key in ("anyOf", "oneOf") for b in flat.get(key) or []]
        if not branches:
            return None
        fitting = [b for b in branches if _fits(self.flat(b), value)]
        if not fitting:
            return None
        if isinstance(value, dict) and len(fitting) > 1:
            return max(fitting, key=lambda b: _belonging(self.flat(b), value))
        return fitting[0]


def _fits(flat: dict[str, Any], value: Any) -> bool:
    kinds = types_of(flat)
    if not kinds:
        return not (value is None and "properties" in flat)
    kind = json_type(value)
    return kind in kinds or (kind == "integer" and "number" in kinds)


def _belonging(flat: dict[str, Any], value: dict[str, Any]) -> tuple[int, int]:
    required = flat.get("required") or []
    props = flat.get("properties") or {}
    return sum(r in value for r in required) - len(required), sum(k in props for k in value)


def enum_of(contract: Contract, node: Any) -> list[Any]:
    """The enum values a member declares (through ``$ref``, ``allOf`` and a nullable union), or ``[]``."""
    flat = flatten(contract, node)
    values = list(flat.get("enum") or [])
    for key in ("anyOf", "oneOf"):
        for branch in flat.get(key) or []:
            values += [v for v in enum_of(contract, branch) if v not in values]
    return values


def nullable(contract: Contract, node: Any) -> bool:
    flat = flatten(contract, node)
    if "null" in types_of(flat) or None in (flat.get("enum") or []):
        return True
    return any(nullable(contract, b) for key in ("anyOf", "oneOf") for b in flat.get(key) or [])


def operation_of(contract: Contract, exchange: Exchange, hint: Operation) -> Operation | None:
    """The operation that answered: the cassette's own when the request fits it, else the route's."""
    method = files.wire_method(exchange.request).lower()
    path = unquote(urlsplit(exchange.request.url).path)
    cut = 0
    while cut != -1:
        relative = path[cut:] or "/"
        if hint.method == method and contract.path_values(hint, relative) is not None:
            return hint
        found = contract.match(method, relative)
        if found is not None:
            return found
        cut = path.find("/", cut + 1)
    return None


def observe(contract: Contract, folders: Iterable[tuple[str, Path]], observed: Observed | None = None) -> Observed:
    """Walk every recorded JSON answer in ``folders`` ((documented id, its cassette folder) pairs)."""
    observed = observed or Observed()
    walk = Walk(contract, observed)
    for doc_id, folder in folders:
        hint = contract.operation(doc_id)
        for path in sorted(p for p in folder.iterdir() if p.suffix in files.SUFFIXES) if folder.is_dir() else []:
            for exchange in files.read_cassette(path, hint="pass the --cassette-dir of the run"):
                op = operation_of(contract, exchange, hint)
                spec = op.response_for(exchange.status) if op is not None else None
                if spec is None or spec.schema is None or not spec.is_json:
                    continue
                try:
                    body = json.loads(exchange.body)
                except (ValueError, UnicodeDecodeError):
                    continue
                observed.answers += 1
                walk.value(spec.schema, body)
    return observed


def summary(contract: Contract, observed: Observed) -> dict[str, Any]:
    """Declared against seen, per model member and enum value (JSON-ready; ``coverage --observed`` prints it)."""
    schemas = contract.document.get("components", {}).get("schemas", {})
    declared = {name: flatten(contract, s).get("properties") or {} for name, s in schemas.items()}
    models: dict[str, Any] = {}
    for name in sorted(n for n, props in declared.items() if props and observed.objects[n]):
        members = {}
        for member, node in declared[name].items():
            seen = observed.members.get(name, {}).get(member, Member())
            values = enum_of(contract, node)
            members[member] = {
                "value": seen.value,
                "null": seen.null,
                "absent": seen.absent,
                "nullable": nullable(contract, node),
                **({"enum_seen": dict(seen.enum), "enum_never": [v for v in values if v not in seen.enum]}
                   if values else {}),
            }  # fmt: skip
        models[name] = {"objects": observed.objects[name], "members": members}
    never = sorted(n for n, props in declared.items() if props and not observed.objects[n])
    return {"answers": observed.answers, "models": models, "models_never_seen": never}
