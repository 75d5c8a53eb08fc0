"""Stateful resources, derived from the contract's paths (no per-endpoint code).

A path is read as groups ``literal(s)/{param}`` after the area prefix (``/admin``, ``/tenant``):
``/admin/courses/{course}/chapters/{chapter}`` is the group ``courses`` then ``courses/chapters``. A key is a
*resource* when some area lists it (a GET answering a list or a paginated list on the collection path) and
some area reads, updates or deletes one item at ``<collection>/{param}``. Admin and tenant paths share keys,
so a course created in the dashboard is the one the storefront shows. ``ALIASES`` adds the student's own
collections (``/tenant/account/orders`` lists the student's rows of ``orders``).

Each operation gets a ``Binding``: the path parameters that name rows (checked: 404 when unknown or of
another academy) and its role on the target resource (list, create, read, update, delete, bulk delete, or
an action answered from the schema).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ..contract import Contract, Operation

AREAS = ("admin", "tenant")
ALIASES = {"account/orders": "orders"}  # the student's own rows of a resource
OWNED_PREFIX = "account/"
Role = Literal["list", "create", "read", "update", "delete", "bulk_delete", "action"]


@dataclass(frozen=True)
class Group:
    key: str
    param: str


@dataclass
class Resource:
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
    """How one operation touches stateful rows."""

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


class ResourceMap:
    """Every stateful resource of the contract and the binding of every operation."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        listed: set[str] = set()
        items: dict[str, set[str]] = {}
        int_params: dict[str, bool] = {}
        parents: dict[str, Group] = {}
        for op in contract:
            groups, tail = split(op.path)
            if tail and op.method == "get" and op.response_kind in ("list", "paginated"):
                listed.add(_collection_key(groups, tail))
            if groups and not tail and op.method in ("get", "put", "patch", "delete"):
                group = groups[-1]
                items.setdefault(group.key, set()).add(group.param)
                schema = next((p.schema for p in op.path_params if p.name == group.param), {})
                types = schema.get("type", "string")
                is_int = "integer" in (types if isinstance(types, list) else [types])
                int_params[group.key] = int_params.get(group.key, False) or is_int
                if len(groups) > 1:
                    parents.setdefault(group.key, groups[-2])
        self.resources: dict[str, Resource] = {}
        for key in sorted(listed & set(items), key=lambda k: k.count("/")):
            self.resources[key] = Resource(key, items[key], int_params.get(key, True))
        for resource in self.resources.values():
            parent_group = parents.get(resource.key)
            parent = self.resolve(parent_group.key) if parent_group else None
            ok = parent is not None and parent_group is not None and parent_group.param in parent.params
            resource.parent = parent if ok else None
        self.bindings: dict[str, Binding] = {op.operation_id: self._bind(op) for op in contract}
        for op in contract:
            target = self.bindings[op.operation_id].target
            if target is not None:
                target.ops.append(op)

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
                role: Role = {"get": "read", "put": "update", "patch": "update", "delete": "delete"}.get(
                    op.method, "action"
                )  # type: ignore[assignment]
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

    def destructive(self) -> dict[str, tuple[Resource, str]]:
        """Documented ids whose call removes a row: doc id -> (resource, its path parameter)."""
        out: dict[str, tuple[Resource, str]] = {}
        for op in self.contract:
            binding = self.bindings[op.operation_id]
            if binding.role == "delete" and binding.chain:
                resource, param = binding.chain[-1]
                for doc_id in op.doc_ids:
                    out[doc_id] = (resource, param)
        return out
