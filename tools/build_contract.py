"""Derive the first version of ``contracts/`` from the facts in ``../shared/msaaq-api``.

This is a maintainer tool, not part of the package: nothing at runtime reads ``../shared``. It was used to
bootstrap the contract; the YAML it writes is the reviewed source of truth. Re-running it overwrites
``contracts/`` (except ``README.md``, ``known-deviations.yaml`` and ``overrides.yaml``), so hand edits belong
in this script. Calibrated changes (``contracts/overrides.yaml``, written by ``msaaq-contract calibrate
--apply``) are merged last, through the package's own ``apply_changes``.

    python tools/build_contract.py [--facts ../shared/msaaq-api] [--out contracts] [--overrides FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path
from typing import Any

import yaml

from msaaq_contract.contract.overrides import OVERRIDES_NAME, apply_changes, load_overrides
from msaaq_contract.contract.yaml_format import dump

sys.path.insert(0, str(Path(__file__).parent))
from contract_accounts import add_account_extensions
from contract_requests import add_convention_members, add_create_members, laravel_required, writable_members
from contract_routes import merge_same_routes
from contract_types import field_type_schema, model_schema

ROOT_REL = "../../openapi.yaml"
CONF_RANK = {"low": 0, "medium": 1, "high": 2}
SUCCESS_KINDS = {"single", "paginated", "list", "message", "file", "unknown", "redirect"}
PASSWORDLESS_PATH = "/tenant/auth/passwordless/login"
SIGNED_PASSWORD_PATH = "/tenant/account/change-password-by-signed"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"{ROOT_REL}#/components/schemas/{name}"}


def param_ref(name: str) -> dict[str, str]:
    return {"$ref": f"{ROOT_REL}#/components/parameters/{name}"}


def response_ref(name: str) -> dict[str, str]:
    return {"$ref": f"{ROOT_REL}#/components/responses/{name}"}


class Builder:
    def __init__(self, facts: Path) -> None:
        self.toc = json.loads((facts / "toc.json").read_text())
        admin = json.loads((facts / "admin-endpoints.json").read_text())
        tenant = json.loads((facts / "tenant-endpoints.json").read_text())
        self.models = {
            "admin": json.loads((facts / "models-admin.json").read_text()),
            "tenant": json.loads((facts / "models-tenant.json").read_text()),
        }
        self.records = {r["id"]: r for r in admin["endpoints"] + tenant["endpoints"] if r.get("is_endpoint")}
        self.extra = [("admin", c) for c in admin["extra_client_calls"]] + [
            ("tenant", c) for c in tenant["extra_client_calls"]
        ]

    # -- models ---------------------------------------------------------------------------------------
    def model_name(self, area: str, name: str) -> str:
        return f"{area}.{re.sub(r'[^A-Za-z0-9_.-]', '-', name)}"

    def component_schemas(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for area in ("admin", "tenant"):
            src = self.models[area]
            for name, enum in sorted(src["enums"].items()):
                values = enum["values"] if isinstance(enum, dict) else enum
                where = enum.get("ref", "the client types") if isinstance(enum, dict) else "the client types"
                schema: dict[str, Any] = {"title": name, "description": f"Enum from {where}.", "enum": values}
                if all(isinstance(v, str) for v in values):
                    schema["type"] = "string"
                out[self.model_name(area, name)] = schema
            for name, model in sorted(src["models"].items()):
                out[self.model_name(area, name)] = model_schema(model, area, self._local_ref(area))
        self._break_required_cycles(out)
        return out

    def _local_ref(self, area: str):  # type: ignore[no-untyped-def]
        names = set(self.models[area]["models"]) | set(self.models[area]["enums"])

        def to_ref(name: str) -> dict[str, str]:
            if name not in names:
                raise SystemExit(f"{area} model refers to unknown model {name!r}")
            return {"$ref": f"#/components/schemas/{self.model_name(area, name)}"}

        return to_ref

    @staticmethod
    def _break_required_cycles(schemas: dict[str, Any]) -> None:
        """A required, non-nullable reference cycle (A.b -> B, B.a -> A) admits no finite instance.

        The client types have a few (a chapter's course, a course's chapters...). We keep the field typed
        but drop it from ``required`` on the back edge, and say so with ``x-required-dropped``.
        """

        def direct_ref(s: Any) -> str | None:
            if isinstance(s, dict) and "$ref" in s:
                return str(s["$ref"]).rsplit("/", 1)[-1]
            return None

        def edges(name: str) -> list[tuple[str, str]]:
            s = schemas.get(name, {})
            req = set(s.get("required", []))
            return [(f, t) for f, fs in s.get("properties", {}).items() if f in req and (t := direct_ref(fs))]

        state: dict[str, int] = {}

        def visit(n: str) -> None:
            state[n] = 1
            for field, target in edges(n):
                if state.get(target) == 1:
                    s = schemas[n]
                    s["required"] = [r for r in s["required"] if r != field]
                    s.setdefault("x-required-dropped", []).append(field)
                elif target in schemas and state.get(target) is None:
                    visit(target)
            state[n] = 2

        for name in sorted(schemas):
            if state.get(name) is None:
                visit(name)

    # -- operations -----------------------------------------------------------------------------------
    def area_of(self, rec: dict[str, Any]) -> str:
        return "admin" if rec["id"].startswith("admin.") else "tenant"

    def model_ref(self, rec: dict[str, Any], model: str | None) -> dict[str, Any]:
        if not model:
            return {"description": "The sources give no type for this payload (x-untyped-data)."}
        area = self.area_of(rec)
        if model not in self.models[area]["models"]:
            other = "tenant" if area == "admin" else "admin"
            if model in self.models[other]["models"]:
                area = other
            else:
                return {"description": f"Model {model} is named by the client but not defined in its types."}
        return ref(self.model_name(area, model))

    def success_schema(self, rec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        resp = rec["response"]
        kind, model = resp["kind"], resp.get("model")
        note = resp.get("note") or ""
        data = self.model_ref(rec, model)
        if rec["id"] == "tenant.well-know":
            return "text/plain", {"type": "string"}
        if "envelope ping" in note:
            return "application/json", ref("envelope.Ping")
        if "envelope oauth_token" in note or model == "OAuthToken":
            return "application/json", ref("envelope.OAuthToken")
        if "review_distribution" in note:
            return "application/json", {
                "allOf": [ref("envelope.Single"), {"properties": {"status": {"type": "string"}, "data": data}}]
            }
        if resp.get("unwrapped"):
            return "application/json", {**data, "x-unwrapped": True}
        if kind == "file":
            media = resp.get("media_type") or "application/octet-stream"
            return media.split("|")[0], {"type": "string", "format": "binary"}
        if kind == "paginated":
            return "application/json", {
                "allOf": [ref("envelope.Paginated"), {"properties": {"data": {"type": "array", "items": data}}}]
            }
        if kind == "list":
            return "application/json", {
                "allOf": [ref("envelope.List"), {"properties": {"data": {"type": "array", "items": data}}}]
            }
        if kind == "single":
            return "application/json", {"allOf": [ref("envelope.Single"), {"properties": {"data": data}}]}
        if kind == "message":
            return "application/json", ref("envelope.Message")
        if kind == "unknown" and model:
            either = {"anyOf": [data, {"type": "array", "items": data}]}
            return "application/json", {"allOf": [ref("envelope.Action"), {"properties": {"data": either}}]}
        return "application/json", ref("envelope.Action")

    def responses(self, rec: dict[str, Any], security: str) -> dict[str, Any]:
        resp = rec["response"]
        out: dict[str, Any] = {}
        accepted = sorted(set(resp.get("accept_statuses") or []) | ({resp["status"]} if resp["status"] else set()))
        media, schema = self.success_schema(rec)
        for status in accepted:
            if status == 204:
                out["204"] = {"description": "Deleted; no body."}
            elif status == 302:
                out["302"] = {
                    "description": "Redirect to the meeting URL.",
                    "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                }
            elif 200 <= status < 300:
                content: dict[str, Any] = {"schema": schema}
                if media == "application/octet-stream" and not resp.get("media_type"):
                    # The sources name no type for this file: another one is accepted and reported, never
                    # silently (x-decisions/unknown-file-types).
                    note = f" (their note: {resp['note']})" if resp.get("note") else ""
                    content["x-media-type-unknown"] = f"the sources name no media type for this file{note}"
                out[str(status)] = {"description": "Success.", "content": {media: content}}
        if rec["id"].startswith("tenant.") or rec["id"].startswith("admin."):
            out["400"] = response_ref("TenantError")
        if security != "none" or 401 in accepted:
            out["401"] = response_ref("Unauthenticated")
        if rec["id"].startswith("admin.") or 403 in accepted:
            out["403"] = response_ref("Forbidden")
        if rec["path_params"] or 404 in accepted:
            out["404"] = response_ref("NotFound")
        if rec["request"].get("content_type") or rec["request"].get("fields") or rec["query_params"] or 422 in accepted:
            out["422"] = response_ref("ValidationFailed")
        out["429"] = response_ref("TooManyRequests")
        return dict(sorted(out.items()))

    def security(self, rec: dict[str, Any]) -> tuple[str, list[dict[str, list[str]]]]:
        auth = rec.get("auth")
        if rec["id"].startswith("oauth."):
            return ("none", []) if auth == "none" else ("required", [{"oauthClient": []}])
        if auth == "none":
            return "none", []
        if auth == "optional":
            return "optional", [{"tenantStudent": []}, {"oauthClient": []}, {}]
        if rec["id"].startswith("admin."):
            token = rec.get("auth_token") or "user"
            return "required", [{"oauthClient": []}] if token == "client_credentials" else [{"adminUser": []}]
        return "required", [{"tenantStudent": []}]

    def parameters(self, rec: dict[str, Any], path: str) -> list[dict[str, Any]]:
        params: list[dict[str, Any]] = []
        for p in rec["path_params"]:
            params.append(
                {"name": p["name"], "in": "path", "required": True, "schema": field_type_schema(p["type"], None)}
            )
        # Path templates in the facts sometimes name a param the list omits; every template var must exist.
        declared = {p["name"] for p in rec["path_params"]}
        for name in re.findall(r"{([^}]+)}", path):
            if name not in declared:
                params.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
        filters: dict[str, Any] = {}
        has_generic_filters = False
        for q in rec["query_params"]:
            name, typ, note = q["name"], q["type"], q.get("note") or ""
            m = re.fullmatch(r"filters\[([^\]]+)\](\[\])?", name)
            if m:
                if m.group(1) == "<name>":
                    has_generic_filters = True
                else:
                    s = field_type_schema(typ, None)
                    filters[m.group(1)] = {"type": "array", "items": s} if m.group(2) else s
                continue
            if name in ("page", "per_page", "limit"):
                schema: dict[str, Any] = {"type": "integer", "minimum": 1}
            elif name == "sort_direction":
                schema = {"type": "string", "enum": ["asc", "desc"]}
            else:
                schema = field_type_schema(typ, None)
            param = {"name": name, "in": "query", "required": False, "schema": schema}
            if note:
                param["description"] = note
            params.append(param)
        if filters or has_generic_filters:
            # Laravel ignores query keys it does not read: an unknown filter is no error (x-decisions/filters).
            fschema: dict[str, Any] = {"type": "object", "properties": filters}
            params.append(
                {
                    "name": "filters",
                    "in": "query",
                    "required": False,
                    "style": "deepObject",
                    "explode": True,
                    "description": "List filters in bracket notation, filters[name]=value (keys in meta.filters); "
                    "a key the API does not know is ignored, as Laravel ignores unread query keys.",
                    "schema": fschema,
                }
            )
        params.append(param_ref("XTenant" if rec["id"].startswith("tenant.") else "XTenantAdmin"))
        params.append(param_ref("AcceptLanguage"))
        return params

    def request_body(self, records: list[dict[str, Any]]) -> dict[str, Any] | None:
        ctype = next((r["request"]["content_type"] for r in records if r["request"]["content_type"]), None)
        if not ctype:
            return None
        area = self.area_of(records[0])
        props: dict[str, Any] = {}
        required_sets: list[set[str]] = []
        discriminators: dict[str, list[Any]] = defaultdict(list)
        for rec in records:
            fields = rec["request"].get("fields") or []
            required_sets.append({f["name"] for f in fields if f["required"] is True})
            for f in fields:
                props.setdefault(f["name"], field_type_schema(f["type"], self._local_ref(area), multipart=ctype))
                if f.get("value") is not None:
                    discriminators[f["name"]].append(f["value"])
        for name, values in discriminators.items():
            uniq = sorted(set(values), key=values.index)
            props[name] = {**props[name], "enum": uniq}
        for rec in records:
            for name, member in self.model_members(rec, ctype).items():
                props.setdefault(name, member)
        schema: dict[str, Any] = {"type": "object", "properties": props}
        required = sorted(set.intersection(*required_sets)) if required_sets else []
        if required:
            schema["required"] = required
            laravel_required(schema, required)
        body: dict[str, Any] = {"required": bool(required), "content": {ctype: {"schema": schema}}}
        alt = records[0]["request"].get("alt_content_type")
        if alt:
            body["content"][alt] = {"schema": schema}
        return body

    def model_members(self, rec: dict[str, Any], media_type: str) -> dict[str, Any]:
        """The writable members of the model a body is a partial of (none when the body is not a partial)."""
        request = rec["request"]
        name = request.get("body_model")
        if not name or not request.get("body_partial"):
            return {}
        area = self.area_of(rec)
        model = self.models[area]["models"].get(name)
        if model is None:
            return {}
        enums = set(self.models[area]["enums"])
        return writable_members(model, self.model_name(area, name), self._local_ref(area), enums, media_type)

    def doc_entry(self, rec: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": rec["id"],
            "title": rec["title"],
            "source": rec["source"],
            "confidence": rec["confidence"],
        }
        example = {f["name"]: f["value"] for f in rec["request"].get("fields") or [] if f.get("value") is not None}
        if example:
            entry["example-body"] = example
        return entry

    def operation(self, path: str, method: str, records: list[dict[str, Any]]) -> dict[str, Any]:
        primary = records[0]
        exposure, security = self.security(primary)
        area = primary["id"].split(".")[0]
        op: dict[str, Any] = {
            "operationId": primary["id"],
            "summary": primary["title"],
            "tags": [" / ".join(primary["section"])],
        }
        description = [why for r in records if (why := r.get("why"))]
        notes = primary.get("notes")
        if notes:
            description.extend(notes if isinstance(notes, list) else [notes])
        if description:
            op["description"] = "\n\n".join(dict.fromkeys(description))
        op["parameters"] = self.parameters(primary, path)
        body = self.request_body(records)
        if body:
            op["requestBody"] = body
        op["responses"] = self.responses(primary, exposure)
        op["security"] = security
        op["x-doc-title"] = primary["title"]
        op["x-source"] = primary["source"]
        op["x-confidence"] = primary["confidence"]
        if primary.get("ref"):
            op["x-source-ref"] = primary["ref"]
        op["x-area"] = area
        op["x-auth"] = exposure
        op["x-response-kind"] = primary["response"]["kind"]
        op["x-doc-ids"] = [self.doc_entry(r) for r in records]
        transport = primary.get("transport") or primary.get("client_transport")
        if transport:
            op["x-wire"] = {"method": transport["method"], "query": transport.get("query", {})}
        if primary.get("url_from"):
            op["x-signed-url"] = primary["url_from"]
        if method != "get" and primary["id"] not in READ_ONLY_POSTS:
            op["x-mutating"] = True
        return op

    def build(self) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[dict[str, Any]]]:
        """Returns (paths by file, path items, inventory)."""
        grouped: dict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()
        inventory = []
        for entry in self.toc:
            rec = self.records.get(entry["id"])
            inventory.append(
                {**{k: entry[k] for k in ("id", "api", "section", "title")}, "is_endpoint": rec is not None}
            )
            if rec is None:
                continue
            path = rec["path"]
            if rec["id"] == "tenant.auth.passwordless":
                path = PASSWORDLESS_PATH
            elif rec["id"] == "tenant.account.change-password-by-signed":
                path = SIGNED_PASSWORD_PATH
            grouped.setdefault((path, rec["method"].lower()), []).append(rec)
        items: dict[str, dict[str, Any]] = OrderedDict()
        for (path, method), recs in grouped.items():
            op = self.operation(path, method, recs)
            if path.startswith("/.well-known"):
                op["servers"] = [{"url": "https://api.msaaq.com", "description": "API host root (not under /v1)."}]
            items.setdefault(path, {})[method] = op
        merge_same_routes(items)
        add_crud_links(items)
        add_create_members(items)
        for area, call in self.extra:
            path, method = call["path"], call["method"].lower()
            if method in items.get(path, {}) or not path.startswith(("/admin", "/tenant")):
                continue
            op_id = f"undocumented.{area}.{method}" + re.sub(r"[^a-z0-9]+", "-", path.lower()).rstrip("-")
            fake = {
                "id": op_id,
                "title": f"{call['method']} {path}",
                "section": ["Undocumented", area.title()],
                "path_params": [{"name": n, "type": "string"} for n in re.findall(r"{([^}]+)}", path)],
                "query_params": [],
                "request": {"content_type": "application/json" if method != "get" else None, "fields": []},
                "response": {"kind": "unknown", "model": None, "status": 200, "accept_statuses": [200]},
                "auth": "bearer",
                "auth_token": "user",
                "source": "client",
                "confidence": "medium",
                "ref": call["ref"],
                "notes": call.get("note"),
            }
            if area == "tenant":
                fake["id"] = op_id.replace("undocumented.tenant", "tenant.undocumented", 1)
            op = self.operation(path, method, [fake])
            op["operationId"] = op_id
            op["x-area"] = area
            op["x-undocumented"] = True
            op["x-doc-ids"] = []
            items.setdefault(path, {})[method] = op
        add_convention_members(items)
        return items, inventory


LINK_NAMES = {"get": "read", "put": "update", "patch": "update", "delete": "delete"}


def add_crud_links(items: dict[str, dict[str, Any]]) -> None:
    """OpenAPI links from each create (POST on a collection) to the read/update/delete of what it created.

    The stateful suite follows these links; the created id is ``data.id`` of the create answer.
    """
    for path, item in items.items():
        create = item.get("post")
        if create is None or path.endswith("}") or create.get("x-response-kind") != "single":
            continue
        depth = path.count("/") + 1
        for child, child_item in items.items():
            m = re.fullmatch(re.escape(path) + r"/\{([^}/]+)\}", child)
            if not m or child.count("/") != depth:
                continue
            param = m.group(1)
            parents = re.findall(r"{([^}]+)}", path)
            links: dict[str, Any] = {}
            for method, name in LINK_NAMES.items():
                target = child_item.get(method)
                if target is None:
                    continue
                # Resources addressed by uuid or slug (carts, storefront pages) link through that field.
                field = param if param in ("uuid", "slug") else "id"
                params = {param: f"$response.body#/data/{field}"}
                params.update({p: f"$request.path.{p}" for p in parents})
                links[name] = {
                    "operationId": target["operationId"],
                    "parameters": params,
                    "description": f"{name} the resource this call created",
                }
            if "get" in item:
                links["list"] = {
                    "operationId": item["get"]["operationId"],
                    "parameters": {p: f"$request.path.{p}" for p in parents},
                    "description": "the collection the created resource belongs to",
                }
            for status, response in create["responses"].items():
                if status.startswith("2") and "content" in response:
                    response["links"] = links


# POST routes that only read (exports are asynchronous e-mails, previews render): safe against live targets.
READ_ONLY_POSTS = {"oauth.craete-token", "admin.auth.login", "tenant.auth.authorize", "admin.certificates.previiew"}


def file_for(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] in ("oauth", "ping", ".well-known"):
        return "paths/oauth.yaml" if parts and parts[0] != ".well-known" else "paths/tenant/well-known.yaml"
    if parts[0] == "admin":
        return f"paths/admin/{parts[1].replace('_', '-') if len(parts) > 1 else 'root'}.yaml"
    if parts[0] == "tenant":
        return f"paths/tenant/{parts[1].replace('_', '-') if len(parts) > 1 else 'root'}.yaml"
    return "paths/admin/unprefixed.yaml"  # docs entries whose literal URL lacks /admin


def pointer_escape(s: str) -> str:
    return s.replace("~", "~0").replace("/", "~1")


def unshared(node: Any) -> Any:
    """``node`` with a container of its own at every place: what the dumped files hold when read back."""
    if isinstance(node, dict):
        return {k: unshared(v) for k, v in node.items()}
    if isinstance(node, list):
        return [unshared(v) for v in node]
    return node


def apply_overrides(path: Path, items: dict[str, dict[str, Any]], schemas: dict[str, Any], static: Any) -> int:
    """Merge ``contracts/overrides.yaml`` last, through the same function ``calibrate --apply`` uses.

    The built tree shares nodes (a model's enum list in a request body member, one schema under two media
    types); the files do not (the dumper writes no aliases). A change applied to a shared node would land in
    every place that shares it, where ``calibrate --apply`` edits only the one it addresses, so the changes go
    to a tree whose every node is its own.
    """
    overrides = load_overrides(path)
    if not overrides.changes:
        return 0
    for tree in (items, schemas, static):
        tree.update(unshared(tree))
    named = {n: s for n, s in static["components"]["schemas"].items() if "$ref" not in s}
    named.update(schemas)
    operations = {op["operationId"]: op for item in items.values() for op in item.values()}
    apply_changes(named, operations, overrides.changes)
    return len(overrides.changes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--facts", type=Path, default=Path(__file__).parents[2] / "shared" / "msaaq-api")
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "contracts")
    parser.add_argument(
        "--overrides",
        type=Path,
        default=Path(__file__).parents[1] / "contracts" / OVERRIDES_NAME,
        help="calibrated changes merged last (default: contracts/overrides.yaml)",
    )
    args = parser.parse_args()
    b = Builder(args.facts)
    items, inventory = b.build()
    schemas = b.component_schemas()
    static = yaml.safe_load((Path(__file__).parent / "contract_static.yaml").read_text())
    add_account_extensions(items, static["components"]["securitySchemes"])
    overridden = apply_overrides(args.overrides, items, schemas, static)

    files: dict[str, dict[str, Any]] = defaultdict(OrderedDict)
    root_paths: dict[str, Any] = OrderedDict()
    for path in sorted(items):
        fname = file_for(path)
        files[fname][path] = items[path]
        root_paths[path] = {"$ref": f"{fname}#/{pointer_escape(path)}"}

    out: Path = args.out
    for old in (out / "paths").rglob("*.yaml") if (out / "paths").exists() else []:
        old.unlink()
    for fname, content in files.items():
        target = out / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        # Files one level deeper than paths/ must climb one more directory to reach the root document.
        depth = fname.count("/")
        up = "../" * depth + "openapi.yaml"
        text = (
            dump(dict(content)).replace(ROOT_REL, up).replace("'#/components/schemas/", f"'{up}#/components/schemas/")
        )
        target.write_text(text)

    model_files: dict[str, dict[str, Any]] = {"admin": {}, "tenant": {}}
    for name, schema in schemas.items():
        model_files[name.split(".")[0]][name] = schema
    comp_schemas: dict[str, Any] = OrderedDict(static["components"]["schemas"])
    for area, group in model_files.items():
        fname = f"components/models-{area}.yaml"
        text = dump(group).replace("'#/components/schemas/", "'../openapi.yaml#/components/schemas/")
        (out / "components").mkdir(parents=True, exist_ok=True)
        (out / fname).write_text(text)
        for name in group:
            comp_schemas[name] = {"$ref": f"{fname}#/{pointer_escape(name)}"}
    root = OrderedDict(static)
    root["components"] = OrderedDict(static["components"])
    root["components"]["schemas"] = comp_schemas
    root["paths"] = root_paths
    (out / "openapi.yaml").write_text(dump(dict(root)))
    inv = {"source": "docs.msaaq.com table of contents", "count": len(inventory), "endpoints": inventory}
    (out / "documented-endpoints.json").write_text(json.dumps(inv, indent=1, ensure_ascii=False) + "\n")
    ops = sum(len(v) for v in items.values())
    print(
        f"wrote {len(files)} path files, {ops} operations, {len(schemas)} model schemas, {len(inventory)} ids, "
        f"{overridden} overrides"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
