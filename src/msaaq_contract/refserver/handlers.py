"""Answering an operation generically: from its resource role, or from its response schema.

Stateful roles (the bindings of the contract's resource graph, ``contract/resources.py``) read and write rows;
every other operation answers the body synthesised from its success schema (paginated ones paginate a few
synthesised items for real). Files get a real tiny PDF, HTML or text; the redirect operation a 302. The
status is the lowest documented 2xx (200 where both 200 and 201/204 are documented).
"""

from __future__ import annotations

from typing import Any

from ..contract import Operation
from ..contract.resources import Binding
from .clock import FIXED_ISO
from .context import Ctx
from .envelopes import Reply
from .services import Services
from .store import Row
from .texts import message
from .views import OWNER, SECRET_FIELDS, paginate, search_filter_sort

SYNTHETIC_LIST_SIZE = 3
ROLE_MESSAGE = {"create": "saved", "update": "saved", "delete": "deleted", "bulk_delete": "deleted"}


def _pdf() -> bytes:
    """A minimal, well-formed one-page PDF (correct xref offsets)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = _pdf()
WELL_KNOWN = b"msaaq-reference-server apple-developer-merchantid-domain-association\n"


def success_status(op: Operation) -> str:
    if op.response_kind == "redirect" and "302" in op.responses:
        return "302"
    return min((s for s in op.responses if s.startswith("2")), key=int)


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    """What a write stores: no secrets, files as their name."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in SECRET_FIELDS:
            continue
        if isinstance(value, dict) and set(value) == {"filename", "size", "content_type"}:
            value = value["filename"]
        out[key] = value
    return out


class Handlers:
    def __init__(self, services: Services) -> None:
        self.e = services

    def dispatch(self, ctx: Ctx) -> Reply:
        op = ctx.op
        status = success_status(op)
        spec = op.responses[status]
        if status == "302":
            location = f"https://meet.msaaq.test/j/{ctx.params.get('content', 'meeting')}"
            return Reply(302, headers={"Location": location})
        if not spec.is_json:
            return self.file(ctx, spec.media_type or "application/octet-stream")
        binding = self.e.resources.binding(op)
        body = self.e.synth.response(op, status, ctx.lang)
        data_schema = self.e.index.data_schema(spec.schema)
        role = binding.role
        if role == "list":
            self.list_rows(ctx, binding, body, data_schema)
        elif role in ("create", "read", "update"):
            row = self.write(ctx, binding) if role != "read" else ctx.rows[binding.chain[-1][1]]
            if isinstance(body, dict) and data_schema is not None:
                body["data"] = self.e.view.render(row.localized(ctx.lang), data_schema, ctx.lang)
        elif role == "delete":
            resource, param = binding.chain[-1]
            if role not in ctx.ignores:  # delete_does_nothing: answered, never stored
                self.e.store.delete(resource.key, ctx.rows[param].id)
        elif role == "bulk_delete" and binding.target is not None:
            wanted = clean(ctx.fields)
            for row in self.e.store.list(binding.target.key, ctx.academy, None) if wanted else []:
                if all(row.doc.get(k) == v for k, v in wanted.items()):
                    self.e.store.delete(row.resource, row.id)
        elif op.response_kind == "paginated":
            self.synthetic_page(ctx, body, data_schema)
        if isinstance(body, dict) and isinstance(body.get("message"), str) and self.free_message(spec.schema):
            body["message"] = message(ROLE_MESSAGE.get(role, "done"), ctx.lang)
        return Reply(int(status), body)

    def free_message(self, schema: Any) -> bool:
        """Whether ``message`` is free text (not an enum such as Ping's ``pong!``)."""
        sub = self.e.index.property_schema(schema, "message")
        flat = self.e.index.flatten(sub) if sub is not None else {}
        return "enum" not in flat and "const" not in flat

    # -- stateful roles --------------------------------------------------------------------------------
    def parent_of(self, ctx: Ctx, binding: Binding) -> Row | None:
        param = binding.parent_param
        return ctx.rows.get(param) if param else None

    def list_rows(self, ctx: Ctx, binding: Binding, body: Any, data_schema: Any) -> None:
        assert binding.target is not None  # noqa: S101 - a list binding always has a target
        parent = self.parent_of(ctx, binding)
        rows = self.e.store.list(binding.target.key, None if ctx.leak else ctx.academy, parent.id if parent else None)
        if binding.owned and ctx.caller.kind == "student":
            rows = [r for r in rows if r.doc.get("member_id") == ctx.caller.user_id]
        docs = search_filter_sort([r.localized(ctx.lang) for r in rows], ctx.query)
        self.fill_list(ctx, body, data_schema, docs)

    def fill_list(self, ctx: Ctx, body: Any, data_schema: Any, docs: list[dict[str, Any]]) -> None:
        item_schema = self.e.index.item_schema(data_schema)
        if not isinstance(body, dict):
            return
        if ctx.op.response_kind == "paginated":
            docs, links, meta = paginate(docs, ctx.query, ctx.url)
            body["links"] = links
            body["meta"] = {**(body.get("meta") or {}), **meta}
        render = self.e.view.render
        body["data"] = [render(d, item_schema, ctx.lang, 2) if item_schema is not None else d for d in docs]

    def synthetic_page(self, ctx: Ctx, body: Any, data_schema: Any) -> None:
        """A paginated operation without rows: a few synthesised items, paginated for real."""
        item_schema = self.e.index.item_schema(data_schema)
        if item_schema is None or not isinstance(body, dict):
            return
        # A list that names a stored resource (``/tenant/account/assignments``) lists its real ids, as a real
        # server would: a client that follows an id it was given must reach the record.
        name = ctx.op.path.rstrip("/").rsplit("/", 1)[-1]
        stored = next((r for r in self.e.resources.resources.values() if r.parent is None and r.name == name), None)
        real = [row.id for row in self.e.store.list(stored.key, ctx.academy, None)] if stored else []
        docs = []
        for n in range(1, SYNTHETIC_LIST_SIZE + 1):
            item = self.e.synth.cached_value(item_schema, ctx.lang, 2)
            if isinstance(item, dict) and isinstance(item.get("id"), int) and not isinstance(item.get("id"), bool):
                item["id"] = int(real[n - 1]) if n <= len(real) and str(real[n - 1]).isdigit() else n
            docs.append(item)
        docs, links, meta = paginate(docs, ctx.query, ctx.url)
        body.update(data=docs, links=links, meta={**(body.get("meta") or {}), **meta})

    def fillable(self, ctx: Ctx) -> dict[str, Any]:
        """What a create or update stores, as Laravel's ``$request->validated()`` into a model's ``$fillable``:
        the members the operation's body declares; others (``created_at``, ``status``, ``academy_id``...) are
        accepted and ignored. A body that declares no member is an open model (the contract does not know its
        fillable). The ``mass_assignable`` fault stores every member sent (``$guarded = []``)."""
        fields = clean(ctx.fields)
        fields.pop("id", None)  # the store's key, never taken from a body
        declared = self.e.index.flatten(ctx.op.request_schema).get("properties") if ctx.op.request_schema else None
        if ctx.unguarded or not declared:
            return fields
        return {key: value for key, value in fields.items() if key in declared}

    def write(self, ctx: Ctx, binding: Binding) -> Row:
        fields = self.fillable(ctx)
        if binding.role == "update":
            row = ctx.rows[binding.chain[-1][1]]
            if "update" in ctx.ignores:  # update_changes_nothing: the row as it was
                return row
            row.doc.update(fields)
            for overlay in row.i18n.values():  # what was just written wins in every language
                for key in fields:
                    overlay.pop(key, None)
            self.e.store.update(row)
            return row
        target = binding.target
        assert target is not None  # noqa: S101 - a create binding always has a target
        parent = self.parent_of(ctx, binding)
        new_id = self.e.store.next_id(target.key)
        doc: dict[str, Any] = {"id": new_id if target.integer_ids else str(new_id), **fields}
        doc.setdefault("created_at", FIXED_ISO)
        doc.setdefault("updated_at", FIXED_ISO)
        if ctx.caller.kind == "student" and ctx.caller.user_id is not None:
            doc[OWNER] = ctx.caller.user_id  # a student's comment or review is theirs (the engine checks it)
        if parent is not None and target.parent_field:
            doc[target.parent_field] = parent.doc.get("id", parent.id)
        row = Row(target.key, str(new_id), ctx.academy, parent.id if parent else "", doc, {})
        return self.e.store.insert(row)

    # -- files -----------------------------------------------------------------------------------------
    def file(self, ctx: Ctx, media_type: str) -> Reply:
        if media_type == "text/html":
            title = message("done", ctx.lang)
            page = f'<!DOCTYPE html><html lang="{ctx.lang}"><head><meta charset="utf-8"><title>{title}</title>'
            page += f"</head><body><h1>{title}</h1></body></html>"
            return Reply(200, raw=page.encode(), media_type="text/html; charset=utf-8")
        if media_type.startswith("text/"):
            return Reply(200, raw=WELL_KNOWN, media_type="text/plain; charset=utf-8")
        name = f"{ctx.op.operation_id.rsplit('.', 1)[-1]}.pdf"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Reply(200, raw=PDF, media_type=media_type, headers=headers)
