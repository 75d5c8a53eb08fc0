"""The contract's resources as one graph: collections, their items and parents, and the operations that list,
create, read, update and delete them. Computed once per contract from its paths and OpenAPI links (no
per-endpoint code); the reference server stores rows by it, discovery finds and creates values through it,
and the stateful chains walk it.

Three views of one reading of the paths:

* **Collections**, per template and item parameter (``/admin/courses/{course}/chapters`` with ``chapter``): the
  list (a GET on the template answering ``data: [...]``), the create (a POST on it answering the new item: the
  member that carries its value comes from the create's OpenAPI link, ``$response.body#/data/id``, else from
  the answer's model), and the read, update and delete of one item (the create's links, else the routes of
  ``<template>/{param}``).
* **Resources**, per key, area stripped (``courses/chapters``): admin and tenant paths of one key name the same
  records, so a course created in the dashboard is the one the storefront shows. A key is a resource when some
  area lists it and some area reads, updates or deletes one item of it; ``ALIASES`` adds the student's own
  collections (``/tenant/account/orders`` lists the student's rows of ``orders``). Each operation gets a
  ``Binding``: the path parameters that name rows and its role on the target resource.
* **Chains**: a create whose answer links to a read of what it created, with the other operations it links
  (update, list, delete).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .model import Contract, Operation
from .shapes import array_items, list_items, object_members, success_data

AREAS = ("admin", "tenant")
ALIASES = {"account/orders": "orders"}  # the student's own rows of a resource
OWNED_PREFIX = "account/"
PARAM = re.compile(r"\{([^}]+)\}")
LINKED_MEMBER = "$response.body#/data/"
Role = Literal["list", "create", "read", "update", "delete", "bulk_delete", "action"]
ITEM_ROLES: dict[str, Role] = {"get": "read", "put": "update", "patch": "update", "delete": "delete"}


def templates(path: str) -> list[tuple[str, str]]:
    """(parameter, collection template) for each path parameter of ``path``, in path order: ``chapter`` of
    ``/admin/courses/{course}/chapters/{chapter}`` is listed under ``/admin/courses/{course}/chapters``."""
    return [(m.group(1), path[: m.start()].rstrip("/")) for m in PARAM.finditer(path)]


def linked_member(op: Operation, param: str) -> str | None:
    """The member of ``op``'s answer that an OpenAPI link takes ``param`` from (``$response.body#/data/id``)."""
    for spec in op.raw.get("responses", {}).values():
        for link in (spec.get("links") or {}).values() if isinstance(spec, dict) else ():
            expression = str((link.get("parameters") or {}).get(param, ""))
            if expression.startswith(LINKED_MEMBER):
                return expression.rsplit("/", 1)[-1]
    return None


def item_member(param: str, members: Mapping[str, Any]) -> str:
    """Items are addressed by ``id`` (Laravel's route-model binding); a member named like the parameter only
    when there is no ``id`` (``uuid`` of a cart). A ``domain`` has both an ``id`` and a ``domain`` name."""
    return "id" if "id" in members or param not in members else param


@dataclass(frozen=True)
class Chain:
    """A create and the operations its answer links to (``read`` always; ``update``, ``list``, ``delete``)."""

    create: Operation
    links: dict[str, Operation]
    params: dict[str, dict[str, str]]  # link name -> {param: runtime expression}

    @property
    def member(self) -> str:
        """The member of the create answer that the read link takes."""
        for expression in self.params["read"].values():
            if expression.startswith(LINKED_MEMBER):
                return expression.rsplit("/", 1)[-1]
        return "id"


@dataclass(frozen=True)
class Collection:
    """One collection template and item parameter, with the operations on it and on its items."""

    path: str
    param: str
    listing: Operation | None = None
    create: Operation | None = None
    member: str = "id"  # the member of the create's answer that holds the new item's value
    read: Operation | None = None
    update: Operation | None = None
    delete: Operation | None = None

    @property
    def item(self) -> str:
        return f"{self.path}/{{{self.param}}}"

    def describe_create(self) -> str:
        op = self.create
        return f"{op.method.upper()} {op.path} -> data.{self.member}" if op else f"no create for {self.path}"


@dataclass(frozen=True)
class Group:
    key: str
    param: str


@dataclass
class Resource:
    """A kind of stored row, shared by the admin and tenant paths of its key (the reference server's view)."""

    key: str
    params: set[str] = field(default_factory=set)
    integer_ids: bool = True
    parent: Resource | None = None
    ops: list[Operation] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def parent_field(self) -> str | None:
        """The doc field that names the parent row (``course_id`` for chapters)."""
        if self.parent is None:
            return None
        return f"{sorted(self.parent.params)[0]}_id"


@dataclass(frozen=True)
class Binding:
    """How one operation touches stored rows."""

    chain: tuple[tuple[Resource, str], ...]  # (resource, path parameter) checked in order
    role: Role
    target: Resource | None
    owned: bool = False  # lists only the caller's rows (``/tenant/account/...``)

    @property
    def parent_param(self) -> str | None:
        """The path parameter naming the parent row of a list/create target."""
        if self.target is None or self.target.parent is None:
            return None
        for resource, param in reversed(self.chain):
            if resource is self.target.parent:
                return param
        return None


def split(path: str) -> tuple[list[Group], list[str]]:
    """Groups of ``path`` (area stripped) and the trailing literal segments."""
    segments = [s for s in path.strip("/").split("/") if s]
    if segments and segments[0] in AREAS:
        segments = segments[1:]
    groups: list[Group] = []
    literals: list[str] = []
    prefix = ""
    for seg in segments:
        if seg.startswith("{") and seg.endswith("}"):
            key = "/".join(x for x in (prefix, *literals) if x)
            groups.append(Group(key, seg[1:-1]))
            prefix, literals = key, []
        else:
            literals.append(seg)
    return groups, literals


def _collection_key(groups: list[Group], tail: list[str]) -> str:
    prefix = groups[-1].key if groups else ""
    return "/".join(x for x in (prefix, *tail) if x)


class ResourceGraph:
    """Every collection, resource and chain of one contract, and the binding of every operation."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.collections: dict[tuple[str, str], Collection] = {}
        self.chains: dict[str, Chain] = {}  # create doc id -> its chain
        for op in contract:
            for param, path in templates(op.path):
                self.collections.setdefault((path, param), Collection(path, param))
            chain = None if op.undocumented else _chain(contract, op)
            if chain is not None:
                self.chains[op.doc_ids[0]] = chain
        self.collections = {k: self._fill(c) for k, c in self.collections.items()}
        self.resources: dict[str, Resource] = {}
        self._read_resources()
        self.bindings: dict[str, Binding] = {op.operation_id: self._bind(op) for op in contract}
        for op in contract:
            target = self.bindings[op.operation_id].target
            if target is not None:
                target.ops.append(op)

    # -- collections ---------------------------------------------------------------------------------------
    def collection(self, path: str, param: str) -> Collection:
        return self.collections.get((path, param)) or Collection(path, param)

    def destroyed(self, op: Operation) -> Collection | None:
        """The collection whose item a destructive ``op`` destroys (its last path parameter's)."""
        if not (op.destructive and op.path_params):
            return None
        param, path = templates(op.path)[-1]
        return self.collection(path, param)

    def created_by(self, op: Operation) -> Collection | None:
        """The collection ``op`` creates items of, when it is that collection's create."""
        found = (c for (path, _), c in self.collections.items() if path == op.path and c.create is op)
        return next(found, None)

    def _fill(self, c: Collection) -> Collection:
        ops = [op for op in self.contract if op.path in (c.path, c.item)]
        create, member = None, "id"
        for op in ops:
            found = self._created_member(op, c.param) if op.path == c.path else None
            if found is not None:
                create, member = op, found
                break
        chain = _chain(self.contract, create) if create is not None else None
        linked = chain.links if chain is not None else {}

        def item(role: str) -> Operation | None:  # the create's link names it, else the item route does
            on_item = (op for op in ops if op.path == c.item and ITEM_ROLES.get(op.method) == role)
            return linked.get(role) or next(on_item, None)

        listing = next((op for op in ops if op.path == c.path and list_items(self.contract, op) is not None), None)
        return Collection(
            c.path, c.param, listing=listing, create=create, member=member,
            read=item("read"), update=item("update"), delete=item("delete"),
        )  # fmt: skip

    def _created_member(self, op: Operation, param: str) -> str | None:
        """The member of a POST's answer holding the item it created: its link says, else its model (a model
        that declares no members, such as untyped data, is taken to answer the item as Laravel does)."""
        if op.method != "post" or op.destructive or op.undocumented:
            return None
        linked = linked_member(op, param)
        if linked is not None:
            return linked
        data = success_data(self.contract, op)
        if data is None or array_items(self.contract, data) is not None:
            return None  # its answer holds no item
        members = object_members(self.contract, data)
        member = item_member(param, members)
        return member if member in members or not members else None

    # -- resources (area stripped) -------------------------------------------------------------------------
    def _read_resources(self) -> None:
        listed: set[str] = set()
        items: dict[str, set[str]] = {}
        int_params: dict[str, bool] = {}
        parents: dict[str, Group] = {}
        for op in self.contract:
            groups, tail = split(op.path)
            if tail and op.method == "get" and op.response_kind in ("list", "paginated"):
                listed.add(_collection_key(groups, tail))
            if groups and not tail and op.method in ITEM_ROLES:
                group = groups[-1]
                items.setdefault(group.key, set()).add(group.param)
                schema = next((p.schema for p in op.path_params if p.name == group.param), {})
                types = schema.get("type", "string")
                is_int = "integer" in (types if isinstance(types, list) else [types])
                int_params[group.key] = int_params.get(group.key, False) or is_int
                if len(groups) > 1:
                    parents.setdefault(group.key, groups[-2])
        for key in sorted(listed & set(items), key=lambda k: k.count("/")):
            self.resources[key] = Resource(key, items[key], int_params.get(key, True))
        for resource in self.resources.values():
            parent_group = parents.get(resource.key)
            parent = self.resolve(parent_group.key) if parent_group else None
            ok = parent is not None and parent_group is not None and parent_group.param in parent.params
            resource.parent = parent if ok else None

    def resolve(self, key: str) -> Resource | None:
        return self.resources.get(ALIASES.get(key, key))

    def _bind(self, op: Operation) -> Binding:
        groups, tail = split(op.path)
        chain: list[tuple[Resource, str]] = []
        for group in groups:
            resource = self.resolve(group.key)
            if resource is not None and group.param in resource.params:
                chain.append((resource, group.param))
        if groups and not tail:
            item = self.resolve(groups[-1].key)
            if item is not None and chain and chain[-1][0] is item:
                role = ITEM_ROLES.get(op.method, "action")
                if op.response_kind in ("file", "redirect"):
                    role = "action"
                return Binding(tuple(chain), role, item)
            return Binding(tuple(chain), "action", None)
        key = _collection_key(groups, tail)
        target = self.resolve(key)
        if target is None:
            return Binding(tuple(chain), "action", None)
        owned = key.startswith(OWNED_PREFIX)
        if op.method == "get" and op.response_kind in ("list", "paginated"):
            return Binding(tuple(chain), "list", target, owned)
        if op.method == "post" and op.response_kind == "single":
            return Binding(tuple(chain), "create", target, owned)
        if op.method == "delete":
            return Binding(tuple(chain), "bulk_delete", target, owned)
        return Binding(tuple(chain), "action", None)

    def binding(self, op: Operation) -> Binding:
        return self.bindings[op.operation_id]

    def ordered(self) -> Iterable[Resource]:
        """Parents before children (seeding order)."""
        return sorted(self.resources.values(), key=lambda r: (r.depth, r.key))

    def removes_rows(self) -> dict[str, tuple[Resource, str]]:
        """Documented ids whose call removes a stored row: doc id -> (resource, its path parameter)."""
        out: dict[str, tuple[Resource, str]] = {}
        for op in self.contract:
            binding = self.bindings[op.operation_id]
            if binding.role == "delete" and binding.chain:
                resource, param = binding.chain[-1]
                for doc_id in op.doc_ids:
                    out[doc_id] = (resource, param)
        return out


def _chain(contract: Contract, op: Operation) -> Chain | None:
    """The chain ``op`` starts: the first answer whose links include a read of what it created."""
    for spec in op.raw.get("responses", {}).values():
        links = spec.get("links") if isinstance(spec, dict) else None
        if not links or "read" not in links:
            continue
        targets = {name: contract.operations[link["operationId"]] for name, link in links.items()}
        params = {name: dict(link.get("parameters", {})) for name, link in links.items()}
        return Chain(op, targets, params)
    return None


@functools.lru_cache(maxsize=4)
def resource_graph(contract: Contract) -> ResourceGraph:
    """One graph per contract, whoever asks (the server, discovery, the chains, the run's clean-up)."""
    return ResourceGraph(contract)
