"""A typed, read-only view of the bundled contract: what the checks, the server and the suites need."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .loader import Bundle, bundle, resolve_pointer, validate

Auth = Literal["required", "optional", "none"]
Confidence = Literal["high", "medium", "low"]
METHODS = ("get", "put", "post", "delete", "patch")
# Operations that destroy or end what they act on: against a live target they only ever get resources the suite
# created itself. ``x-destructive`` on an operation overrides this reading of its method and name.
DESTRUCTIVE = re.compile(r"(delete|destroy|remove|cancel|refund|revoke|logout|log-out|uninstall|deactivate|detach)")


@dataclass(frozen=True)
class DocEntry:
    """One docs.msaaq.com entry served by an operation."""

    id: str
    title: str
    source: str
    confidence: str
    example_body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Parameter:
    name: str
    location: Literal["path", "query", "header", "cookie"]
    required: bool
    schema: Mapping[str, Any]
    style: str | None = None


@dataclass(frozen=True)
class ResponseSpec:
    status: str
    media_type: str | None
    schema: Mapping[str, Any] | None
    headers: tuple[str, ...] = ()
    # The documented example bodies (``example`` and each of ``examples``' values), e.g. the exact tenant errors.
    examples: tuple[Any, ...] = ()
    # The headers the answer must carry (``required: true``), e.g. a redirect's ``Location``.
    required_headers: tuple[str, ...] = ()
    # ``x-media-type-unknown`` on the media type: why the sources name no type for this body (a download of
    # any file); another type is then accepted and reported as a warning, never silently.
    media_type_unknown: str | None = None

    @property
    def is_json(self) -> bool:
        return self.media_type is not None and is_json_media_type(self.media_type)


@dataclass(frozen=True)
class Operation:
    """One (method, path) of the contract."""

    operation_id: str
    method: str
    path: str
    area: str
    title: str
    tags: tuple[str, ...]
    auth: Auth
    security: tuple[str, ...]
    tenant_required: bool
    parameters: tuple[Parameter, ...]
    request_media_type: str | None
    request_schema: Mapping[str, Any] | None
    request_required: bool
    responses: Mapping[str, ResponseSpec]
    source: str
    confidence: Confidence
    response_kind: str
    doc_entries: tuple[DocEntry, ...]
    mutating: bool
    undocumented: bool
    wire: Mapping[str, Any] | None
    server_root: bool
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.doc_entries)

    @property
    def success_statuses(self) -> tuple[str, ...]:
        return tuple(s for s in self.responses if s.startswith(("2", "3")))

    @property
    def path_params(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def query_params(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")

    @property
    def destructive(self) -> bool:
        declared = self.raw.get("x-destructive")
        if isinstance(declared, bool):
            return declared
        names = " ".join((self.operation_id, *self.doc_ids))
        return self.method == "delete" or (self.mutating and bool(DESTRUCTIVE.search(names)))

    def response_for(self, status: int) -> ResponseSpec | None:
        return (
            self.responses.get(str(status))
            or self.responses.get(f"{str(status)[0]}XX")
            or self.responses.get("default")
        )

    def low_confidence(self, doc_id: str) -> bool:
        """The route or this docs entry is a guess of ours: a failure on it is "contract uncertain"."""
        return self.confidence == "low" or self.doc_entry(doc_id).confidence == "low"

    def doc_entry(self, doc_id: str) -> DocEntry:
        for entry in self.doc_entries:
            if entry.id == doc_id:
                return entry
        raise KeyError(doc_id)


class Contract:
    """The loaded contract: operations by id, by docs id and by route; schemas resolvable by pointer."""

    def __init__(self, result: Bundle) -> None:
        self.bundle = result
        self.document = result.document
        self.digest = result.digest
        self.version = str(self.document.get("info", {}).get("version", ""))
        ops = [self._operation(path, method, raw) for path, method, raw in self._raw_operations()]
        self.operations: dict[str, Operation] = {op.operation_id: op for op in ops}
        self.by_doc_id: dict[str, Operation] = {}
        for op in ops:
            for doc_id in op.doc_ids:
                self.by_doc_id.setdefault(doc_id, op)
        self._routes = [(self._route_regex(op.path), op) for op in ops]

    def _raw_operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in self.document.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    yield path, method, item[method]

    def deref(self, node: Any) -> Any:
        """Follow internal ``$ref``s until a non-reference node."""
        while isinstance(node, dict) and "$ref" in node and len(node) == 1:
            node = resolve_pointer(self.document, str(node["$ref"])[1:])
        return node

    def _examples(self, media: Mapping[str, Any]) -> tuple[Any, ...]:
        named = (self.deref(e) for e in (media.get("examples") or {}).values())
        found = [e["value"] for e in named if isinstance(e, dict) and "value" in e]
        return (media["example"], *found) if "example" in media else tuple(found)

    def _operation(self, path: str, method: str, raw: dict[str, Any]) -> Operation:
        params = []
        for p in raw.get("parameters", []):
            p = self.deref(p)
            params.append(Parameter(p["name"], p["in"], bool(p.get("required")), p.get("schema", {}), p.get("style")))
        body = raw.get("requestBody") or {}
        content = body.get("content") or {}
        req_mt = next(iter(content), None)
        responses: dict[str, ResponseSpec] = {}
        for status, resp in raw.get("responses", {}).items():
            resp = self.deref(resp)
            rcontent = resp.get("content") or {}
            mt = next(iter(rcontent), None)
            media = rcontent[mt] if mt else {}
            headers = {name: self.deref(h) for name, h in (resp.get("headers") or {}).items()}
            responses[str(status)] = ResponseSpec(
                str(status),
                mt,
                media.get("schema"),
                tuple(headers),
                self._examples(media),
                tuple(name for name, h in headers.items() if isinstance(h, dict) and h.get("required")),
                media.get("x-media-type-unknown"),
            )
        security = tuple(name for req in raw.get("security", []) for name in req)
        docs = tuple(
            DocEntry(d["id"], d["title"], d["source"], d["confidence"], d.get("example-body", {}))
            for d in raw.get("x-doc-ids", [])
        )
        tenant_required = any(p.location == "header" and p.name.lower() == "x-tenant" and p.required for p in params)
        return Operation(
            operation_id=raw["operationId"],
            method=method,
            path=path,
            area=raw.get("x-area", raw["operationId"].split(".")[0]),
            title=raw.get("x-doc-title", raw.get("summary", "")),
            tags=tuple(raw.get("tags", [])),
            auth=raw.get("x-auth", "required" if security else "none"),
            security=security,
            tenant_required=tenant_required,
            parameters=tuple(params),
            request_media_type=req_mt,
            request_schema=content[req_mt].get("schema") if req_mt else None,
            request_required=bool(body.get("required")),
            responses=responses,
            source=raw.get("x-source", ""),
            confidence=raw.get("x-confidence", "low"),
            response_kind=raw.get("x-response-kind", "unknown"),
            doc_entries=docs,
            mutating=bool(raw.get("x-mutating")),
            undocumented=bool(raw.get("x-undocumented")),
            wire=raw.get("x-wire"),
            server_root=bool(raw.get("servers")),
            raw=raw,
        )

    @staticmethod
    def _route_regex(path: str) -> re.Pattern[str]:
        return route_pattern(path)[0]

    def path_values(self, op: Operation, path: str) -> dict[str, str] | None:
        """The path parameter values of a concrete ``path`` (relative to the API base) when it fits ``op``'s
        template, else None."""
        regex, names = route_pattern(op.path)
        hit = regex.match(path)
        return dict(zip(names, hit.groups(), strict=True)) if hit else None

    def match(self, method: str, path: str) -> Operation | None:
        """The operation serving a concrete request path (relative to the API base)."""
        method = method.lower()
        candidates = [op for rx, op in self._routes if op.method == method and rx.match(path)]
        # A literal segment beats a template: /members/export before /members/{member}.
        candidates.sort(key=lambda op: op.path.count("{"))
        return candidates[0] if candidates else None

    def operation(self, key: str) -> Operation:
        """By operationId or by any docs id it serves."""
        if key in self.operations:
            return self.operations[key]
        return self.by_doc_id[key]

    def documented(self) -> list[tuple[str, Operation]]:
        return sorted(self.by_doc_id.items())

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations.values())

    def __len__(self) -> int:
        return len(self.operations)


def is_json_media_type(media_type: str) -> bool:
    """``application/json`` or a structured ``+json`` type (RFC 6839), judged on the type, not on a substring:
    ``text/x-json`` or ``application/json-seq`` are not JSON documents."""
    essence = media_type.split(";")[0].strip().lower()
    return essence == "application/json" or (essence.startswith("application/") and essence.endswith("+json"))


@functools.lru_cache(maxsize=4096)
def route_pattern(path: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The regex of a path template (one group per parameter) and the parameter names, in order."""
    names = tuple(re.findall(r"\{([^}]+)\}", path))
    parts = re.split(r"\{[^}]+\}", path)
    return re.compile("^" + "([^/]+)".join(re.escape(p) for p in parts) + "$"), names


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, check: bool) -> Contract:
    from . import cache

    root = Path(path)
    result = cache.load(root) if check else None
    if result is None:
        result = bundle(path)
        if check:
            validate(result)
            cache.store(root, result)
    return Contract(result)


def load_contract(path: Path | str | None = None, *, check: bool = True, fresh: bool = False) -> Contract:
    """Load, bundle and (by default) validate the contract. Raises ContractError with file and pointer.

    Loads are cached per process; ``fresh=True`` reads the files again (after a command edited them).
    """
    from .loader import default_contract

    target = Path(path) if path else default_contract()
    if target.is_dir():
        target = target / "openapi.yaml"
    if fresh:
        _load_cached.cache_clear()
    return _load_cached(str(target.resolve()), check)
