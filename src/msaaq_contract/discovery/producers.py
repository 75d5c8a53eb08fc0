"""Which operation of the contract produces a value for each path parameter: computed, never listed by hand.

A path parameter ``{p}`` of ``/admin/courses/{course}/chapters/{chapter}`` is *keyed* by its collection, the
template before it: ``/admin/courses/{course}/chapters`` for ``chapter``. Producers, in order of trust:

1. **collection** - a GET on exactly that template whose success answer holds a list under ``data``; the value
   is the item member named like the parameter when the item has one (``uuid``), else ``id``. Its own
   parameters (``course`` here) are produced first: parents before children.
2. **namesake** - a GET list in the same area whose last segment is the parameter's plural
   (``/admin/products/{product}/check-google-calendar/{user}`` -> ``/admin/users``).
3. **member** - a GET without path parameters in the same area whose ``data`` object has a member named like
   the parameter (``/tenant/cart`` answers ``data.uuid`` for ``/tenant/cart/{uuid}``).
4. **namesake in the other area** - the admin list of the same records (``/admin/pages`` for
   ``/tenant/pages/{page}``): the same name means the same value, as a pinned ``path: {page: ...}`` would.

Creators (for destructive operations, which only ever get what the suite created): a POST on the collection
template whose answer carries ``data.<key>``. An operation added to the contract gets all of this without code.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..contract import Contract, Operation

PARAM = re.compile(r"\{([^}]+)\}")
Kind = Literal["collection", "namesake", "member"]


@dataclass(frozen=True)
class Slot:
    """A path parameter of an operation, identified by its collection template."""

    param: str
    key: str  # the template before ``/{param}``: where its values are listed
    parents: tuple[str, ...]  # the parameters of ``key`` itself
    integer: bool = False  # the parameter's schema says integer: a found value must be one

    def accepts(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value) == "":
            return False
        return not self.integer or isinstance(value, int) or str(value).isdigit()


@dataclass(frozen=True)
class Producer:
    kind: Kind
    operation: Operation
    member: str  # the member of each item (or of ``data``) that holds the value

    def describe(self) -> str:
        where = "data[]" if self.kind != "member" else "data"
        return f"GET {self.operation.path} -> {where}.{self.member}"


@dataclass(frozen=True)
class Creator:
    operation: Operation
    member: str

    def describe(self) -> str:
        return f"{self.operation.method.upper()} {self.operation.path} -> data.{self.member}"


def slots(op: Operation) -> list[Slot]:
    """The path parameters of ``op`` in path order, each with its collection template."""
    out = []
    kinds = {p.name: p.schema.get("type") for p in op.path_params}
    for m in PARAM.finditer(op.path):
        key = op.path[: m.start()].rstrip("/")
        kind = kinds.get(m.group(1))
        integer = kind == "integer" or (isinstance(kind, list) and "integer" in kind and "string" not in kind)
        out.append(Slot(m.group(1), key, tuple(PARAM.findall(key)), integer))
    return out


def _object_props(contract: Contract, schema: Any, depth: int = 0) -> dict[str, Any]:
    """The properties an object schema declares, through ``$ref``/``allOf``/``anyOf``."""
    s = contract.deref(schema) if isinstance(schema, Mapping) else {}
    props: dict[str, Any] = dict(s.get("properties", {}))
    if depth > 6:
        return props
    for key in ("allOf", "anyOf", "oneOf"):
        for part in s.get(key, []):
            for name, value in _object_props(contract, part, depth + 1).items():
                # allOf of an envelope and its specialisation: both describe the member, keep both
                props[name] = {"allOf": [props[name], value]} if name in props else value
    return props


def _is_array(contract: Contract, schema: Any) -> Any:
    """The item schema when ``schema`` is an array (also nullable), else None."""
    s = contract.deref(schema) if isinstance(schema, Mapping) else {}
    kind = s.get("type")
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        return s.get("items", {})
    for key in ("anyOf", "oneOf", "allOf"):
        for part in s.get(key, []):
            items = _is_array(contract, part)
            if items is not None:
                return items
    return None


def _success_data(contract: Contract, op: Operation) -> Any:
    for status in op.success_statuses:
        spec = op.responses[status]
        if spec.is_json and spec.schema is not None:
            data = _object_props(contract, spec.schema).get("data")
            if data is not None:
                return data
    return None


def list_items(contract: Contract, op: Operation) -> dict[str, Any] | None:
    """The item properties of a list operation (GET answering ``data: [...]``), or None when it is not one."""
    if op.method != "get" or op.undocumented:
        return None
    data = _success_data(contract, op)
    items = _is_array(contract, data) if data is not None else None
    return _object_props(contract, items) if items is not None else None


def _member(param: str, props: Mapping[str, Any]) -> str:
    """Items are addressed by ``id`` (Laravel's route-model binding); a member named like the parameter only
    when there is no ``id`` (``uuid`` of a cart). A ``domain`` has both an ``id`` and a ``domain`` name."""
    return "id" if "id" in props or param not in props else param


def _link_member(op: Operation, param: str) -> str | None:
    """The member an OpenAPI link of ``op`` takes ``param`` from: ``$response.body#/data/<member>``."""
    for spec in op.raw.get("responses", {}).values():
        for link in (spec.get("links") or {}).values() if isinstance(spec, dict) else ():
            expression = str((link.get("parameters") or {}).get(param, ""))
            if expression.startswith("$response.body#/data/"):
                return expression.rsplit("/", 1)[-1]
    return None


def _plurals(param: str) -> set[str]:
    forms = {param, param + "s", param + "es"}
    if param.endswith("y"):
        forms.add(param[:-1] + "ies")
    return forms | {f.replace("_", "-") for f in forms}


class ProducerMap:
    """Producers and creators of every collection template the contract's path parameters use."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._lists = {op.path: op for op in contract if list_items(contract, op) is not None}

    def producer(self, slot: Slot, area: str) -> Producer | None:
        """The most trusted producer of ``slot`` (None: the contract has none)."""
        found = self.producers(slot, area)
        return found[0] if found else None

    @functools.cache  # noqa: B019 - one map per contract, kept for the session
    def producers(self, slot: Slot, area: str) -> tuple[Producer, ...]:
        """Every producer of ``slot``, most trusted first: when one answers nothing usable, the next is asked."""
        out: list[Producer] = []
        listed = self._lists.get(slot.key)
        if listed is not None:
            out.append(Producer("collection", listed, _member(slot.param, list_items(self.contract, listed) or {})))
        namesakes = [(p, op) for p, op in sorted(self._lists.items()) if not PARAM.search(p) and p != slot.key]
        namesakes = [(p, op) for p, op in namesakes if p.rsplit("/", 1)[-1] in _plurals(slot.param)]
        out += [self._namesake(slot, op) for _, op in namesakes if op.area == area]
        if slot.param != "id":  # any object has an id: only a distinctive name says which one is meant
            for op in sorted(self.contract, key=lambda o: o.path):
                if op.method != "get" or op.area != area or op.path_params or op.undocumented:
                    continue
                data = _success_data(self.contract, op)
                if data is not None and slot.param in _object_props(self.contract, data):
                    out.append(Producer("member", op, slot.param))
        # the academy's other API lists the same records (``/admin/pages`` for ``/tenant/pages/{page}``)
        out += [self._namesake(slot, op) for _, op in namesakes if op.area != area]
        return tuple(out)

    def _namesake(self, slot: Slot, op: Operation) -> Producer:
        return Producer("namesake", op, _member(slot.param, list_items(self.contract, op) or {}))

    @functools.cache  # noqa: B019
    def creator(self, slot: Slot) -> Creator | None:
        """A create on the collection template: POST ``slot.key`` answering the new item in ``data``."""
        for op in self.contract:
            if op.path != slot.key or op.method != "post" or op.destructive or op.undocumented:
                continue
            data = _success_data(self.contract, op)
            props = _object_props(self.contract, data) if data is not None else {}
            member = _link_member(op, slot.param) or _member(slot.param, props)
            if member in props:
                return Creator(op, member)
        return None

    def deleter(self, slot: Slot) -> Operation | None:
        """The DELETE of one item of ``slot``'s collection: how a created resource is removed again."""
        item = f"{slot.key}/{{{slot.param}}}"
        return next((op for op in self.contract if op.method == "delete" and op.path == item), None)

    def needed(self) -> Iterator[tuple[str, Operation, Slot]]:
        """Every (documented id, operation, slot) whose value must come from the target."""
        for doc_id, op in self.contract.documented():
            for slot in slots(op):
                yield doc_id, op, slot


@functools.lru_cache(maxsize=4)
def producer_map(contract: Contract) -> ProducerMap:
    """One map per contract: its producers are computed once, whoever asks (discovery, created targets)."""
    return ProducerMap(contract)
