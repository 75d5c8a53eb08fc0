"""Where the contract declares the part of a response a finding points at.

A schema finding names the failing keyword's schema path (``/allOf/1/properties/data/properties/chapter/anyOf/0
/properties/course/properties/slug/type``): walking it through the operation's response schema for that status,
``$ref``s followed, ends at the keyword exactly, in the union branch the value belonged to (``Walker.along``).
Older findings name only a JSON pointer into the body (``/data/0/category/thumbnail``); that is walked through
``$ref``s, ``allOf`` layers, ``anyOf``/``oneOf`` branches and ``items`` by member name (``Walker.slot``). Either
ends at the schema node that declared the member, and at its owner: the component schema (``admin.Course``
``/properties/thumbnail``) or, for inline schemas, the operation. The same model field therefore has the same
location in every operation that returns the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..contract import Contract, Operation
from ..contract.loader import escape, resolve_pointer, unescape

SCHEMAS = "/components/schemas/"
OwnerKind = Literal["schema", "operation", "document"]


@dataclass(frozen=True)
class Location:
    """A schema node: its owner (component name, operationId, or the document root) and its pointer in it."""

    kind: OwnerKind
    owner: str
    pointer: str  # inside the owner, in the same form as the owner's source file

    @property
    def label(self) -> str:
        return f"{self.owner}{self.pointer}"

    def bundled_pointer(self, contract: Contract) -> str:
        if self.kind == "schema":
            return f"{SCHEMAS}{escape(self.owner)}{self.pointer}"
        if self.kind == "operation":
            op = contract.operations[self.owner]
            return f"/paths/{escape(op.path)}/{op.method}{self.pointer}"
        return self.pointer

    def node(self, contract: Contract) -> Any:
        return resolve_pointer(contract.document, self.bundled_pointer(contract))

    @property
    def property(self) -> str | None:
        """The member name when the node is a property declaration (``.../properties/<name>``)."""
        head, _, name = self.pointer.rpartition("/")
        return unescape(name) if head.endswith("/properties") else None


def _from_ref(ref: str) -> Location:
    pointer = ref[1:] if ref.startswith("#") else ref
    if pointer.startswith(SCHEMAS):
        name, _, rest = pointer[len(SCHEMAS) :].partition("/")
        return Location("schema", unescape(name), f"/{rest}" if rest else "")
    return Location("document", "", pointer)


MEMBER_MAPS = ("properties", "patternProperties", "prefixItems")  # the next token names a member
MEMBER_SLOTS = ("items", "additionalProperties")


@dataclass(frozen=True)
class Keyword:
    """A failing keyword: ``holder`` carries it; ``member`` is the declaration of the value it judged (the last
    ``properties/<name>`` or ``items`` on the way, before any ``$ref`` it points to)."""

    member: Location
    holder: Location
    name: str


class Walker:
    """Follows instance pointers through one contract's schemas."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._nodes: dict[Location, Any] = {}

    def node(self, loc: Location) -> Any:
        if loc not in self._nodes:  # the same models are walked for every response that nests them
            self._nodes[loc] = loc.node(self.contract)
        return self._nodes[loc]

    def follow(self, loc: Location) -> Location:
        """The location a ``$ref`` chain starting at ``loc`` ends at (``loc`` itself when it is no reference)."""
        for _ in range(32):  # a reference loop would be a broken contract; the loader already rejects most
            node = self.node(loc)
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#"):
                return loc
            loc = _from_ref(ref)
        return loc

    def response_schema(self, op: Operation, status: str) -> Location | None:
        raw = op.raw.get("responses", {}).get(status)
        if not isinstance(raw, dict):
            return None
        base = Location("operation", op.operation_id, f"/responses/{status}")
        if "$ref" in raw:
            base = _from_ref(str(raw["$ref"]))
        response = self.node(base)
        content = response.get("content") if isinstance(response, dict) else None
        if not content:
            return None
        media = next(iter(content))
        if "schema" not in content[media]:
            return None
        return Location(base.kind, base.owner, f"{base.pointer}/content/{escape(media)}/schema")

    def child(self, loc: Location, token: str) -> Location | None:
        """The slot declaring member ``token`` (a property name or an array index) of the value at ``loc``."""
        loc = self.follow(loc)
        node = self.node(loc)
        if not isinstance(node, dict):
            return None
        if token in (node.get("properties") or {}):
            return Location(loc.kind, loc.owner, f"{loc.pointer}/properties/{escape(token)}")
        if token.isdigit() and isinstance(node.get("items"), dict):
            return Location(loc.kind, loc.owner, f"{loc.pointer}/items")
        # allOf layers refine each other: the last layer declaring the member wins (as in checks.schema).
        layers = [(key, i) for key in ("allOf",) for i in reversed(range(len(node.get(key) or [])))]
        layers += [(key, i) for key in ("anyOf", "oneOf") for i in range(len(node.get(key) or []))]
        for key, i in layers:
            found = self.child(Location(loc.kind, loc.owner, f"{loc.pointer}/{key}/{i}"), token)
            if found is not None:
                return found
        if not token.isdigit() and isinstance(node.get("additionalProperties"), dict):
            return Location(loc.kind, loc.owner, f"{loc.pointer}/additionalProperties")
        return None

    def slot(self, op: Operation, status: str, pointer: str) -> Location | None:
        """The schema slot declaring the value at ``pointer`` of a ``status`` response of ``op``."""
        loc = self.response_schema(op, status)
        for token in [unescape(t) for t in pointer.strip("/").split("/") if t] if pointer not in ("", "/") else []:
            if loc is None:
                return None
            loc = self.child(loc, token)
        return loc

    def along(self, op: Operation, status: str, schema_path: str) -> Keyword | None:
        """The keyword at ``schema_path`` of a ``status`` response of ``op``, and the member declaration it judged."""
        loc = self.response_schema(op, status)
        tokens = [unescape(t) for t in schema_path.split("/")[1:]]
        if loc is None or not tokens:
            return None
        member, previous = loc, ""
        for token in tokens[:-1]:
            step = self._step(loc, token)
            if step is None:
                return None
            loc = step
            if previous in MEMBER_MAPS or token in MEMBER_SLOTS:
                member = loc
            previous = "" if previous in MEMBER_MAPS else token
        return Keyword(member, loc, tokens[-1])

    def _step(self, loc: Location, token: str) -> Location | None:
        node = self.node(loc)
        if isinstance(node, dict) and token not in node:  # the schema path steps through $refs without naming them
            loc = self.follow(loc)
            node = self.node(loc)
        found = (isinstance(node, dict) and token in node) or (
            isinstance(node, list) and token.isdigit() and int(token) < len(node)
        )
        return Location(loc.kind, loc.owner, f"{loc.pointer}/{escape(token)}") if found else None

    def declaring(self, loc: Location, keyword: str, contains: Any = None) -> Location | None:
        """The node at or under ``loc`` (following refs, allOf layers and branches) that carries ``keyword``;
        with ``contains``, one whose keyword value lists it (``required`` naming a property)."""
        if isinstance(self.node(loc), dict) and self._carries(self.node(loc), keyword, contains):
            return loc
        loc = self.follow(loc)
        node = self.node(loc)
        if not isinstance(node, dict):
            return None
        if self._carries(node, keyword, contains):
            return loc
        for key in ("allOf", "anyOf", "oneOf"):
            for i in range(len(node.get(key) or [])):
                found = self.declaring(Location(loc.kind, loc.owner, f"{loc.pointer}/{key}/{i}"), keyword, contains)
                if found is not None:
                    return found
        return None

    @staticmethod
    def _carries(node: dict[str, Any], keyword: str, contains: Any) -> bool:
        value = node.get(keyword)
        if value is None:
            return False
        return contains is None or (isinstance(value, list) and contains in value)
