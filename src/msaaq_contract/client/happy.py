"""The minimal valid ("happy") request for a documented endpoint, built from the contract and fixtures.

Every conformance family starts from this request and then changes one thing (drops the token, the
X-Tenant header, switches the language...). Values come from, in order: the fixtures (path ids, credentials),
the docs entry's ``example-body`` (e.g. the content ``type`` a shared route needs), then a deterministic
example derived from the schema and the field name. Only required fields are sent: the smallest request
that the contract says must succeed.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..contract import Contract, Operation
from ..contract.identities import identities, render
from ..settings import Credentials

TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class MissingTargetData(Exception):
    """No value for a path parameter on this target: the dependent tests are skipped with ``reason``."""

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(reason)
        self.param = param
        self.reason = reason


@dataclass(frozen=True)
class Fixtures:
    """Target-specific values: which academy, which ids exist, who logs in.

    Path values, highest precedence first: ``operations`` (per documented id) and ``path`` (by parameter name),
    both pinned by the user; then ``discovered`` (per documented id, found on the target at session start).
    With ``protect_targets`` (live runs) the resource a destructive operation destroys only ever comes from a
    per-operation pin or from ``created`` (what this run created for it), never from a shared value.
    """

    tenant: str
    other_tenant: str | None = None
    path: Mapping[str, Any] = field(default_factory=dict)
    operations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    other_tenant_path: Mapping[str, Any] = field(default_factory=dict)
    other_tenant_operations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    credentials: Credentials = field(default_factory=Credentials)
    discovered: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    other_discovered: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    missing: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # doc id -> param -> why
    other_missing: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    protect_targets: bool = False
    # Live runs: a per-run suffix for emails and texts, so a second run does not collide with the first
    # ("The email has already been taken") on a target that keeps what the first created.
    nonce: str = ""
    created: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], credentials: Credentials | None = None, **more: Any) -> Fixtures:
        return cls(
            tenant=str(data["tenant"]),
            other_tenant=data.get("other_tenant"),
            path=dict(data.get("path") or {}),
            operations={k: dict(v) for k, v in (data.get("operations") or {}).items()},
            other_tenant_path=dict(data.get("other_tenant_path") or {}),
            credentials=credentials or Credentials(),
            other_tenant_operations={k: dict(v) for k, v in (data.get("other_tenant_operations") or {}).items()},
            nonce=str(data.get("nonce") or ""),
            **more,
        )

    def path_value(self, doc_id: str, name: str, *, other: bool = False, target: bool = False) -> str:
        """The value of path parameter ``name`` for ``doc_id``; ``target``: it names what the operation destroys."""
        if other:
            found = _first(
                self.other_tenant_operations.get(doc_id, {}).get(name),
                self.other_tenant_path.get(name),
                self.other_discovered.get(doc_id, {}).get(name),
            )
            if found is None:
                reason = self.other_missing.get(doc_id, {}).get(name)
                raise MissingTargetData(name, reason or f"no `{name}` of the other academy: pin other_tenant_path")
            return found
        pinned = self.operations.get(doc_id, {}).get(name)
        if pinned is not None:
            return str(pinned)
        if target and self.protect_targets:
            created = self.created.get(doc_id, {}).get(name)
            if created is None:
                raise MissingTargetData(name, f"{doc_id} destroys its `{name}`: it only gets one this run created")
            return created
        # What an operation destroys never comes from discovery, whatever the mode: only pins and creates.
        found = _first(self.path.get(name), None if target else self.discovered.get(doc_id, {}).get(name))
        if found is None:
            reason = self.missing.get(doc_id, {}).get(name)
            raise MissingTargetData(name, reason or f"no `{name}` on the target: pin it in fixtures (path: {name})")
        return found

    def value_by_name(self, name: str) -> Any:
        """Any known value of ``name`` (body fields such as ``course_id`` refer to an existing resource)."""
        return self._by_name.get(name)

    def other_value_by_name(self, name: str) -> Any:
        """Any known value of ``name`` in the other academy."""
        for values in (self.other_tenant_path, *self.other_tenant_operations.values(), *self.other_discovered.values()):
            if name in values:
                return values[name]
        return None

    @functools.cached_property
    def _by_name(self) -> dict[str, Any]:
        # built once: example bodies ask for it on every *_id field of every request
        merged: dict[str, Any] = {}
        for values in self.discovered.values():
            for key, value in values.items():
                merged.setdefault(key, value)
        return {**merged, **self.path}


def _first(*values: Any) -> str | None:
    return next((str(v) for v in values if v is not None), None)


@dataclass
class PreparedCall:
    """A request, not yet authenticated: the client adds the bearer token for ``identity``."""

    doc_id: str
    operation_id: str
    method: str
    path: str  # relative to the API base (…/v1), path parameters filled in
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    data: dict[str, str] | None = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    identity: str | None = None  # adminUser | oauthClient | tenantStudent | None (anonymous)
    fresh_token: bool = False
    root_relative: bool = False  # served at the host root, not under /v1
    path_values: dict[str, str] = field(default_factory=dict)  # what filled the path parameters
    # A request of no operation (a debug-route probe, ``checks.exposure``): a replay checks its method and path.
    probe: bool = False

    def without_header(self, name: str) -> PreparedCall:
        clone = self.copy()
        clone.headers = {k: v for k, v in self.headers.items() if k.lower() != name.lower()}
        return clone

    def copy(self, **changes: Any) -> PreparedCall:
        values = {**self.__dict__, "query": dict(self.query), "headers": dict(self.headers), **changes}
        return PreparedCall(**values)


def build_happy_request(
    contract: Contract,
    doc_id: str,
    fixtures: Fixtures,
    *,
    language: str | None = None,
    other_tenant: bool = False,
    values: Mapping[str, str] | None = None,
) -> PreparedCall:
    """The smallest request the contract says must succeed for ``doc_id``.

    ``other_tenant`` builds the same call as seen from the second academy (its X-Tenant and its ids);
    ``values`` fixes path parameters (e.g. the id a stateful chain created). Raises ``MissingTargetData`` when
    a path parameter has no value on this target.
    """
    op = contract.operation(doc_id)
    entry = next((d for d in op.doc_entries if d.id == doc_id), None)
    path = op.path
    params = op.path_params
    filled: dict[str, str] = {}
    for param in params:
        given = (values or {}).get(param.name)
        target = op.destructive and param is params[-1]
        value = (
            given if given is not None else fixtures.path_value(doc_id, param.name, other=other_tenant, target=target)
        )
        filled[param.name] = value
        path = path.replace("{" + param.name + "}", value)
    headers = {"Accept": "application/json"}
    tenant = fixtures.other_tenant if other_tenant and fixtures.other_tenant else fixtures.tenant
    if op.area in ("admin", "tenant") or op.tenant_required:
        headers["X-Tenant"] = tenant
    if language:
        headers["Accept-Language"] = language
    query = {p.name: example_value(contract, p.schema, p.name, fixtures, doc_id) for p in op.query_params if p.required}
    table = identities(contract)
    call = PreparedCall(
        doc_id=doc_id,
        operation_id=op.operation_id,
        method=op.method.upper(),
        path=path,
        query=query,
        headers=headers,
        identity=table.of(op),
        # A logout gets a throwaway token, so that the shared session of the run survives it.
        fresh_token=table.ends_session(op),
        root_relative=op.server_root,
        path_values=filled,
    )
    if op.request_schema is not None:
        body = _body(contract, op, doc_id, fixtures, dict(entry.example_body) if entry else {})
        if op.request_media_type == "multipart/form-data":
            call.data, call.files = _multipart(contract, op.request_schema, body)
        else:
            call.json = body
    return call


def _body(contract: Contract, op: Operation, doc_id: str, fixtures: Fixtures, example: dict[str, Any]) -> Any:
    schema = contract.deref(op.request_schema or {})
    body: dict[str, Any] = {}
    props = schema.get("properties", {})
    for name in schema.get("required", []):
        body[name] = example_value(contract, props.get(name, {}), name, fixtures, doc_id)
    body.update(example)
    # A login, and the own-account members (``x-own-account``), carry the run's own credentials: a new e-mail
    # or password would lock the run out of the account.
    body.update(render(identities(contract).credential_body(op), dataclasses.asdict(fixtures.credentials)))
    return body


def _multipart(
    contract: Contract, schema: Mapping[str, Any], body: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
    props = contract.deref(schema).get("properties", {})
    data: dict[str, str] = {}
    files: dict[str, tuple[str, bytes, str]] = {}
    for name, value in body.items():
        prop = contract.deref(props.get(name, {}))
        if prop.get("format") == "binary":
            files[name] = ("sample.pdf", TINY_PDF, "application/pdf")
        elif isinstance(value, bool):
            data[name] = "1" if value else "0"
        elif isinstance(value, (dict, list)):
            data[name] = json.dumps(value, ensure_ascii=False)
        else:
            data[name] = str(value)
    return data, files


def example_value(contract: Contract, schema: Any, name: str, fixtures: Fixtures, doc_id: str, depth: int = 0) -> Any:
    """A deterministic value valid for ``schema``, chosen to look like what the field name says."""
    s = contract.deref(schema) if isinstance(schema, Mapping) else {}
    if "const" in s:
        return s["const"]
    if "enum" in s:
        return s["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in s:
            options = [contract.deref(o) for o in s[key]]
            non_null = [o for o in options if o.get("type") != "null"] or options
            return example_value(contract, non_null[0], name, fixtures, doc_id, depth + 1)
    if "allOf" in s:
        merged: dict[str, Any] = {k: v for k, v in s.items() if k != "allOf"}
        for part in s["allOf"]:
            part = contract.deref(part)
            for key, value in part.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = sorted(set(merged.get("required", [])) | set(value))
                else:
                    merged.setdefault(key, value)
        return example_value(contract, merged, name, fixtures, doc_id, depth)
    kind = s.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    lname = name.lower()
    if kind == "integer":
        known = fixtures.value_by_name(lname[:-3]) if lname.endswith("_id") else None
        if known is not None:
            return int(str(known)) if str(known).isdigit() else 1
        return max(int(s.get("minimum", 1)), 1)
    if kind == "number":
        return max(float(s.get("minimum", 10)), 10.0)
    if kind == "boolean":
        return True
    if kind == "array":
        if depth > 1 and not s.get("minItems"):
            return []  # keeps nested examples small; arrays carry no minItems in this contract
        item = example_value(
            contract, s.get("items", {"type": "string"}), name.rstrip("s"), fixtures, doc_id, depth + 1
        )
        return [item]
    if kind == "object" or (kind is None and "properties" in s):
        props = s.get("properties", {})
        return {
            k: example_value(contract, props.get(k, {}), k, fixtures, doc_id, depth + 1) for k in s.get("required", [])
        }
    if kind == "null":
        return None
    return _string_example(s, lname, doc_id, fixtures.nonce)


def _string_example(s: Mapping[str, Any], lname: str, doc_id: str, nonce: str = "") -> str:
    fmt = s.get("format")
    if fmt == "date" or lname.endswith("_date") or lname in ("date", "dob"):
        return "2026-01-01"
    if fmt == "date-time" or lname.endswith("_at"):
        return "2026-01-01T00:00:00Z"
    if fmt == "uuid" or lname == "uuid":
        return "00000000-0000-4000-8000-000000000001"
    if "email" in lname:
        slug = re.sub(r"[^a-z0-9]+", "-", doc_id.split(".")[-1])
        return f"new-{slug}{nonce}@example.test"
    if "password" in lname:
        return "Sample-password-1"
    if lname in ("phone", "mobile"):
        return "500000000"
    if lname == "phone_code":
        return "966"
    if lname.endswith("url") or lname in ("link", "website", "domain"):
        return "https://example.test/sample"
    if lname in ("locale", "language", "lang"):
        return "ar"
    if lname in ("currency", "currency_code"):
        return "SAR"
    if lname in ("country", "country_code"):
        return "SA"
    if lname in ("color", "colour"):
        return "#0A84FF"
    text = "عينة من msaaq-contract" + (f" {nonce}" if nonce else "")
    min_length = int(s.get("minLength", 0))
    return text if len(text) >= min_length else text + "x" * (min_length - len(text))
