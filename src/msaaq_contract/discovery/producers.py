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

What creates and deletes a collection's items (for destructive operations, which only ever get what the suite
created) is the resource graph's (``contract/resources.py``). An operation added to the contract gets all of
this without code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..contract import Contract, Operation
from ..contract.resources import PARAM, item_member, resource_graph, templates
from ..contract.shapes import list_items, object_members, success_data

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


def slots(op: Operation) -> list[Slot]:
    """The path parameters of ``op`` in path order, each with its collection template."""
    out = []
    kinds = {p.name: p.schema.get("type") for p in op.path_params}
    for param, key in templates(op.path):
        kind = kinds.get(param)
        integer = kind == "integer" or (isinstance(kind, list) and "integer" in kind and "string" not in kind)
        out.append(Slot(param, key, tuple(PARAM.findall(key)), integer))
    return out


def _plurals(param: str) -> set[str]:
    forms = {param, param + "s", param + "es"}
    if param.endswith("y"):
        forms.add(param[:-1] + "ies")
    return forms | {f.replace("_", "-") for f in forms}


class ProducerMap:
    """Producers of every collection template the contract's path parameters use."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.graph = resource_graph(contract)
        self._lists = {op.path: op for op in contract if list_items(contract, op) is not None}

    def producer(self, slot: Slot, area: str) -> Producer | None:
        """The most trusted producer of ``slot`` (None: the contract has none)."""
        found = self.producers(slot, area)
        return found[0] if found else None

    @functools.cache  # noqa: B019 - one map per contract, kept for the session
    def producers(self, slot: Slot, area: str) -> tuple[Producer, ...]:
        """Every producer of ``slot``, most trusted first: when one answers nothing usable, the next is asked."""
        out: list[Producer] = []
        listed = self.graph.collection(slot.key, slot.param).listing
        if listed is not None:
            out.append(Producer("collection", listed, item_member(slot.param, list_items(self.contract, listed) or {})))
        namesakes = [(p, op) for p, op in sorted(self._lists.items()) if not PARAM.search(p) and p != slot.key]
        namesakes = [(p, op) for p, op in namesakes if p.rsplit("/", 1)[-1] in _plurals(slot.param)]
        out += [self._namesake(slot, op) for _, op in namesakes if op.area == area]
        if slot.param != "id":  # any object has an id: only a distinctive name says which one is meant
            for op in sorted(self.contract, key=lambda o: o.path):
                if op.method != "get" or op.area != area or op.path_params or op.undocumented:
                    continue
                data = success_data(self.contract, op)
                if data is not None and slot.param in object_members(self.contract, data):
                    out.append(Producer("member", op, slot.param))
        # the academy's other API lists the same records (``/admin/pages`` for ``/tenant/pages/{page}``)
        out += [self._namesake(slot, op) for _, op in namesakes if op.area != area]
        return tuple(out)

    def _namesake(self, slot: Slot, op: Operation) -> Producer:
        return Producer("namesake", op, item_member(slot.param, list_items(self.contract, op) or {}))

    def needed(self) -> Iterator[tuple[str, Operation, Slot]]:
        """Every (documented id, operation, slot) whose value must come from the target."""
        for doc_id, op in self.contract.documented():
            for slot in slots(op):
                yield doc_id, op, slot


@functools.lru_cache(maxsize=4)
def producer_map(contract: Contract) -> ProducerMap:
    """One map per contract: its producers are computed once, whoever asks (discovery, created targets)."""
    return ProducerMap(contract)
