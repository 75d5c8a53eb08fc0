"""Classify the changes between two OpenAPI 3.x documents as breaking or not (no I/O: dicts in, changes out).

Rule ids and their level follow oasdiff's check catalogue (``docs/CHECKS.md``), seen from a client of the
API. The direction decides: a client *sends* requests, so the request side breaks when it gets narrower
(new required field or parameter, removed enum value, narrower type); a client *reads* responses, so the
response side breaks when it gets wider or loses something (removed field, added enum value, new type such
as ``null``, removed success status). Operations are matched by (method, path) with path parameter names
ignored (``/courses/{id}`` == ``/courses/{course}``); path parameters are matched by position.

Internal ``$ref``s are followed while comparing; each (old schema, new schema, side) pair is compared once
per operation, which both stops reference cycles and keeps shared component schemas cheap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import ContractError
from .loader import escape, resolve_pointer

METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


@dataclass(frozen=True)
class Change:
    breaking: bool
    rule: str  # oasdiff-style check id, e.g. "response-property-removed"
    method: str
    path: str
    operation_id: str
    pointer: str  # where the change is: in the new document, or the old one for removals
    message: str

    @property
    def operation(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": "breaking" if self.breaking else "non-breaking",
            "rule": self.rule,
            "operation": self.operation,
            "operation_id": self.operation_id,
            "pointer": self.pointer,
            "message": self.message,
        }


class _Doc:
    def __init__(self, document: Any, name: str) -> None:
        if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
            raise ContractError("not an OpenAPI 3.x document (no 'openapi: 3.x' field)", file=name)
        if not isinstance(document.get("paths", {}), dict):
            raise ContractError("'paths' is not a mapping", file=name, pointer="/paths")
        self.doc = document
        self.name = name

    def resolve(self, node: Any, ptr: str) -> tuple[Any, str]:
        """Follow internal ``$ref`` chains; sibling keywords of a ``$ref`` (OAS 3.1) override the target."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
            ref = node["$ref"]
            if ref in seen:
                raise ContractError(f"circular $ref {ref!r}", file=self.name, pointer=ptr)
            seen.add(ref)
            try:
                target = resolve_pointer(self.doc, ref[1:])
            except KeyError as exc:
                raise ContractError(
                    f"$ref {ref!r} does not resolve (no {exc.args[0]!r})", file=self.name, pointer=ptr
                ) from None
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings and isinstance(target, dict) else target
            ptr = ref[1:]
        return node, ptr


Part = tuple[Any, str]  # a schema node and its JSON pointer
_CONSTRAINTS = ("type", "properties", "items", "enum", "const", "allOf", "oneOf", "anyOf")


@dataclass
class _View:
    """Schema parts merged for comparison: ``allOf`` flattened, 3.0 ``nullable`` folded into the types.

    A property can come from several parts (``allOf: [envelope.Single, {properties: {data: Course}}]``
    declares ``data`` twice), so each property keeps all its parts, and they are merged again when compared.
    """

    ptr: str = ""  # the most specific part (the last one that constrains anything) names the view
    ptrs: tuple[str, ...] = ()
    types: frozenset[str] | None = None
    enum: dict[str, Any] | None = None  # canonical JSON -> value
    properties: dict[str, list[Part]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: list[Part] = field(default_factory=list)
    alternatives: list[Part] = field(default_factory=list)
    description: str | None = None


def _view(doc: _Doc, parts: list[Part]) -> _View:
    view = _View()
    for node, ptr in parts:
        _merge(view, doc, node, ptr, frozenset())
    return view


def _merge(view: _View, doc: _Doc, node: Any, ptr: str, active: frozenset[str]) -> None:
    node, ptr = doc.resolve(node, ptr)
    if not isinstance(node, dict) or ptr in active:  # an allOf that includes itself adds nothing new
        return
    view.ptrs += (ptr,)
    if not view.ptr or any(k in node for k in _CONSTRAINTS):
        view.ptr = ptr
    kind = node.get("type")
    if isinstance(kind, str | list):
        types = frozenset([kind] if isinstance(kind, str) else map(str, kind))
        types |= {"null"} if node.get("nullable") is True else set()
        view.types = types if view.types is None else view.types & types
    values = [node["const"]] if "const" in node else node.get("enum")
    if isinstance(values, list):
        enum = {json.dumps(v, sort_keys=True, ensure_ascii=False): v for v in values}
        view.enum = enum if view.enum is None else {k: v for k, v in view.enum.items() if k in enum}
    for name, sub in (node.get("properties") or {}).items():
        view.properties.setdefault(name, []).append((sub, f"{ptr}/properties/{escape(name)}"))
    view.required |= set(node.get("required") or [])
    if isinstance(node.get("items"), dict):
        view.items.append((node["items"], f"{ptr}/items"))
    for key in ("oneOf", "anyOf"):
        view.alternatives += [(s, f"{ptr}/{key}/{i}") for i, s in enumerate(node.get(key) or [])]
    view.description = node.get("description") or view.description
    for i, sub in enumerate(node.get("allOf") or []):
        _merge(view, doc, sub, f"{ptr}/allOf/{i}", active | {ptr})


def _within(inner: frozenset[str], outer: frozenset[str]) -> bool:
    """Every type of ``inner`` is allowed by ``outer`` (an integer is a number)."""
    return all(t in outer or (t == "integer" and "number" in outer) for t in inner)


def _fmt_types(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def _where(label: str, name: str) -> str:
    return f"{label} field {name}" if name else label


class _OperationDiff:
    """The changes of one matched operation; ``emit`` records them with the operation attached."""

    def __init__(self, old: _Doc, new: _Doc, method: str, path: str, operation_id: str) -> None:
        self.old, self.new = old, new
        self.method, self.path, self.operation_id = method, path, operation_id
        self.changes: dict[tuple[str, str], Change] = {}
        self.visited: set[tuple[tuple[str, ...], tuple[str, ...], str]] = set()

    def emit(self, breaking: bool, rule: str, pointer: str, message: str) -> None:
        change = Change(breaking, rule, self.method, self.path, self.operation_id, pointer, message)
        self.changes.setdefault((rule, pointer), change)

    def became(self, subject: str, ptr: str, label: str, was: bool, now: bool, breaks_if_required: bool) -> None:
        """A required flag flipped: ``<subject>-became-required|optional``."""
        if was != now:
            self.emit(now == breaks_if_required, f"{subject}-became-{_req(now)}", ptr, f"{label}: became {_req(now)}")

    def schema(self, old: list[Part], new: list[Part], prefix: str, label: str, name: str = "") -> None:
        """Compare two schemas; ``prefix`` is the rule family (request-property, response-property, ...)."""
        o, n = _view(self.old, old), _view(self.new, new)
        key = (o.ptrs, n.ptrs, prefix)
        if key in self.visited:
            return
        self.visited.add(key)
        response = prefix.startswith("response")
        where = _where(label, name)
        if o.types != n.types:
            # narrower: the new schema rejects a type the old one accepted; wider: it allows a new one.
            narrower = o.types is None or (n.types is not None and not _within(o.types, n.types))
            wider = n.types is None or (o.types is not None and not _within(n.types, o.types))
            self.emit(
                wider if response else narrower,
                f"{prefix}-type-changed",
                n.ptr,
                f"{where}: type changed from {_fmt_types(o.types)} to {_fmt_types(n.types)}",
            )
        self._enum(o, n, prefix, where, response)
        if o.description != n.description and o.description and n.description:
            self.emit(False, f"{prefix}-description-changed", n.ptr, f"{where}: description changed")
        self._properties(o, n, prefix, label, name, response)
        if o.items and n.items:
            self.schema(o.items, n.items, prefix, label, f"{name}[]" if name else "[]")
        self._alternatives(o, n, prefix, label, name, response)

    def _enum(self, o: _View, n: _View, prefix: str, where: str, response: bool) -> None:
        if o.enum is None and n.enum is None:
            return
        if o.enum is None or n.enum is None:
            narrowed = n.enum is not None
            self.emit(
                narrowed != response,
                f"{prefix}-enum-{'added' if narrowed else 'removed'}",
                n.ptr,
                f"{where}: enum constraint {'added' if narrowed else 'removed'}",
            )
            return
        added = [n.enum[k] for k in n.enum if k not in o.enum]
        removed = [o.enum[k] for k in o.enum if k not in n.enum]
        if added:
            self.emit(response, f"{prefix}-enum-value-added", n.ptr, f"{where}: enum value(s) added {added}")
        if removed:
            self.emit(not response, f"{prefix}-enum-value-removed", n.ptr, f"{where}: enum value(s) removed {removed}")

    def _properties(self, o: _View, n: _View, prefix: str, label: str, name: str, response: bool) -> None:
        for prop, parts in o.properties.items():
            ptr = parts[-1][1]
            if prop not in n.properties:
                kind = "required" if prop in o.required else "optional"
                self.emit(
                    response, f"{prefix}-removed", ptr, f"{_where(label, _join(name, prop))}: {kind} field removed"
                )
        for prop, parts in n.properties.items():
            ptr, sub = parts[-1][1], _join(name, prop)
            if prop not in o.properties:
                if response:
                    self.emit(False, f"{prefix}-added", ptr, f"{_where(label, sub)}: field added")
                elif prop in n.required:
                    self.emit(True, f"new-required-{prefix}", ptr, f"{_where(label, sub)}: new required field")
                else:
                    self.emit(False, f"new-optional-{prefix}", ptr, f"{_where(label, sub)}: new optional field")
                continue
            # Request: becoming required breaks senders. Response: becoming optional breaks readers.
            self.became(prefix, ptr, _where(label, sub), prop in o.required, prop in n.required, not response)
            self.schema(o.properties[prop], parts, prefix, label, sub)

    def _alternatives(self, o: _View, n: _View, prefix: str, label: str, name: str, response: bool) -> None:
        for old_part, new_part in zip(o.alternatives, n.alternatives, strict=False):
            self.schema([old_part], [new_part], prefix, label, name)
        if len(o.alternatives) != len(n.alternatives):
            more = len(n.alternatives) > len(o.alternatives)
            self.emit(
                more == response,
                f"{prefix}-one-of-{'added' if more else 'removed'}",
                n.ptr,
                f"{_where(label, name)}: schema alternatives {'added' if more else 'removed'} "
                f"({len(o.alternatives)} -> {len(n.alternatives)})",
            )


def _join(name: str, prop: str) -> str:
    return f"{name}.{prop}" if name else prop


def _req(required: bool) -> str:
    return "required" if required else "optional"


@dataclass(frozen=True)
class _Op:
    method: str
    path: str
    raw: dict[str, Any]
    ptr: str
    item_ptr: str
    shared: list[Any]  # path-level parameters

    @property
    def key(self) -> tuple[str, str]:
        return self.method, re.sub(r"\{[^}]*\}", "{}", self.path)

    @property
    def operation_id(self) -> str:
        return str(self.raw.get("operationId", ""))


def _operations(doc: _Doc) -> dict[tuple[str, str], _Op]:
    ops: dict[tuple[str, str], _Op] = {}
    for path, raw_item in doc.doc.get("paths", {}).items():
        item, item_ptr = doc.resolve(raw_item, f"/paths/{escape(path)}")
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            raw = item.get(method)
            if isinstance(raw, dict):
                op = _Op(method, path, raw, f"{item_ptr}/{method}", item_ptr, list(item.get("parameters") or []))
                ops[op.key] = op
    return ops


def _parameters(doc: _Doc, op: _Op) -> dict[str, tuple[dict[str, Any], str]]:
    """Parameters by key: path ones by their position in the template, others by (in, name).

    Operation-level parameters override path-level ones of the same (in, name), as OpenAPI specifies.
    """
    order = re.findall(r"\{([^}]*)\}", op.path)
    found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    sources = ((f"{op.item_ptr}/parameters", op.shared), (f"{op.ptr}/parameters", op.raw.get("parameters") or []))
    for base, params in sources:
        for i, raw in enumerate(params):
            param, pptr = doc.resolve(raw, f"{base}/{i}")
            if isinstance(param, dict) and "name" in param:
                found[(str(param.get("in")), str(param["name"]))] = (param, pptr)
    result: dict[str, tuple[dict[str, Any], str]] = {}
    for (where, name), value in found.items():
        if where == "path":
            key = f"path#{order.index(name)}" if name in order else f"path:{name}"
        else:
            key = f"{where}:{name.lower() if where == 'header' else name}"
        result[key] = value
    return result


def _is_success(status: str) -> bool:
    return status[:1] in ("2", "3")


def _compare_operation(d: _OperationDiff, old: _Op, new: _Op) -> None:
    o, n, n_ptr = old.raw, new.raw, new.ptr
    for key in ("summary", "description"):
        if o.get(key) != n.get(key):
            d.emit(False, f"api-{key}-changed", f"{n_ptr}/{key}", f"operation {key} changed")
    if o.get("operationId") != n.get("operationId"):
        message = f"operationId changed from {o.get('operationId')!r} to {n.get('operationId')!r}"
        d.emit(False, "api-operation-id-changed", f"{n_ptr}/operationId", message)
    if n.get("deprecated") and not o.get("deprecated"):
        d.emit(False, "api-deprecated", f"{n_ptr}/deprecated", "operation deprecated")
    old_params, new_params = _parameters(d.old, old), _parameters(d.new, new)
    for key, (param, ptr) in old_params.items():
        if key not in new_params:
            d.emit(False, "request-parameter-removed", ptr, f"{param.get('in')} parameter {param['name']} removed")
    for key, (param, ptr) in new_params.items():
        label, required = f"{param.get('in')} parameter {param['name']}", bool(param.get("required"))
        if key not in old_params:
            d.emit(required, f"new-{_req(required)}-request-parameter", ptr, f"{label}: new")
            continue
        old_param, old_ptr = old_params[key]
        d.became("request-parameter", ptr, label, bool(old_param.get("required")), required, True)
        if old_param.get("description") != param.get("description"):
            d.emit(False, "request-parameter-description-changed", ptr, f"{label}: description changed")
        if "schema" in old_param and "schema" in param:
            old_schema, new_schema = (old_param["schema"], f"{old_ptr}/schema"), (param["schema"], f"{ptr}/schema")
            d.schema([old_schema], [new_schema], "request-parameter", label)
    ob, ob_ptr = d.old.resolve(o.get("requestBody"), f"{old.ptr}/requestBody")
    nb, nb_ptr = d.new.resolve(n.get("requestBody"), f"{n_ptr}/requestBody")
    if isinstance(ob, dict) and not isinstance(nb, dict):
        d.emit(False, "request-body-removed", ob_ptr, "request body removed")
    elif isinstance(nb, dict) and not isinstance(ob, dict):
        required = bool(nb.get("required"))
        d.emit(required, f"new-{_req(required)}-request-body", nb_ptr, "request body added")
    elif isinstance(ob, dict) and isinstance(nb, dict):
        d.became("request-body", nb_ptr, "request body", bool(ob.get("required")), bool(nb.get("required")), True)
        _compare_content(d, (ob, ob_ptr), (nb, nb_ptr), "request-body", "request body")
    _compare_responses(d, o.get("responses") or {}, old.ptr, n.get("responses") or {}, n_ptr)


def _compare_content(d: _OperationDiff, old: Part, new: Part, subject: str, label: str) -> None:
    """The media types of a request body or a response; a removed one breaks, an added one does not."""
    (o, o_ptr), (n, n_ptr) = old, new
    o_content = (o.get("content") if isinstance(o, dict) else None) or {}
    n_content = (n.get("content") if isinstance(n, dict) else None) or {}
    for mt in o_content:
        if mt not in n_content:
            d.emit(True, f"{subject}-media-type-removed", f"{o_ptr}/content/{escape(mt)}", f"{label} {mt} removed")
    prefix = "response-property" if subject == "response" else "request-property"
    for mt, media in n_content.items():
        mptr = f"{n_ptr}/content/{escape(mt)}"
        if mt not in o_content:
            d.emit(False, f"{subject}-media-type-added", mptr, f"{label} {mt} added")
        elif isinstance(media, dict) and "schema" in media and "schema" in (o_content[mt] or {}):
            old_schema = (o_content[mt]["schema"], f"{o_ptr}/content/{escape(mt)}/schema")
            d.schema([old_schema], [(media["schema"], f"{mptr}/schema")], prefix, label)


def _compare_responses(d: _OperationDiff, o: dict[Any, Any], o_ptr: str, n: dict[Any, Any], n_ptr: str) -> None:
    old_by, new_by = {str(k): v for k, v in o.items()}, {str(k): v for k, v in n.items()}
    for status in old_by:
        if status not in new_by:
            kind = "success" if _is_success(status) else "non-success"
            ptr = f"{o_ptr}/responses/{status}"
            d.emit(_is_success(status), f"response-{kind}-status-removed", ptr, f"response {status} removed")
    for status, raw in new_by.items():
        if status not in old_by:
            kind = "success" if _is_success(status) else "non-success"
            d.emit(False, f"response-{kind}-status-added", f"{n_ptr}/responses/{status}", f"response {status} added")
            continue
        old_resp = d.old.resolve(old_by[status], f"{o_ptr}/responses/{status}")
        new_resp = d.new.resolve(raw, f"{n_ptr}/responses/{status}")
        _compare_content(d, old_resp, new_resp, "response", f"response {status}")


def diff_documents(old: Any, new: Any, old_name: str = "OLD", new_name: str = "NEW") -> list[Change]:
    """Every change from ``old`` to ``new``: breaking first, then by path, method and pointer."""
    o_doc, n_doc = _Doc(old, old_name), _Doc(new, new_name)
    o_ops, n_ops = _operations(o_doc), _operations(n_doc)
    changes: list[Change] = []
    for key, op in o_ops.items():
        if key not in n_ops:
            changes.append(
                Change(True, "api-removed", op.method, op.path, op.operation_id, op.ptr, "operation removed")
            )
    for key, op in n_ops.items():
        if key not in o_ops:
            changes.append(Change(False, "api-added", op.method, op.path, op.operation_id, op.ptr, "operation added"))
            continue
        d = _OperationDiff(o_doc, n_doc, op.method, op.path, op.operation_id)
        _compare_operation(d, o_ops[key], op)
        changes.extend(d.changes.values())
    return sorted(changes, key=lambda c: (not c.breaking, c.path, METHODS.index(c.method), c.rule, c.pointer))
