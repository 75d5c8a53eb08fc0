"""The request pipeline, in Laravel's order: route (404/405; OPTIONS: 200 with Allow), throttle (429, when
configured), tenant (400), auth (401/403), path parameters (404), query and body validation (422), then the
handler; faults wrap all but the throttle, whose rate-limit headers go on every answer of a routed request.

The engine is transport-free: ``app.py`` feeds it an ``Inbound`` and sends the ``Reply`` back.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..contract import Contract, Operation
from ..contract.flatten import types_of
from ..contract.logins import login_operations
from ..contract.methods import allow_list
from ..contract.resources import resource_graph
from ..contract.wire import NO_BODY, BodyError, coerce, laravel_reading, parse_body, parse_query
from .auth import Authenticator, Caller
from .clock import Clock
from .context import Ctx
from .credentials import ACADEMIES, DemoCredentials
from .envelopes import (
    Reply,
    forbidden,
    method_not_allowed,
    not_found,
    options,
    too_large,
    too_many,
    unauthenticated,
    validation,
)
from .envelopes import (
    tenant_missing as tenant_missing_reply,
)
from .envelopes import (
    tenant_unknown as tenant_unknown_reply,
)
from .faults import Catalogue, Fault
from .flows import bind_flows
from .handlers import Handlers
from .inbound import body_errors, check_query
from .router import Match, Router
from .schemas import SchemaIndex
from .store import Row, Store
from .synth import Synthesizer
from .throttle import ServerThrottle, Throttle
from .views import OWNER, View

API_PREFIX = "/v1"
SPOOFABLE = ("PUT", "PATCH", "DELETE")
_DIGITS = re.compile(r"^\d{1,18}$")


@dataclass
class Inbound:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    origin: str  # scheme://host:port
    too_large: bool = False
    client: str = "unknown"  # the client's IP: the throttle's guest key


@dataclass
class Settings:
    credentials: DemoCredentials = field(default_factory=DemoCredentials.resolve)
    token_ttl: int = 3600
    throttle: Throttle | None = None  # None: no rate limit (requests are still counted)


def with_headers(reply: Reply, headers: dict[str, str]) -> Reply:
    reply.headers.update(headers)
    return reply


def language(header: str | None) -> str:
    """``ar`` when the first language tag is Arabic, else ``en`` (the contract's default)."""
    if not header:
        return "en"
    first = header.split(",")[0].split(";")[0].strip().lower()
    return "ar" if first.split("-")[0] == "ar" else "en"


def _loose_body(req: Inbound) -> Any:
    """The body of an operation the contract declares none for, as Laravel would read it (None if unreadable)."""
    try:
        body = parse_body(req.headers.get("content-type", ""), req.body)
    except BodyError:
        return None
    return None if body is NO_BODY else body


class Engine:
    def __init__(self, contract: Contract, store: Store, settings: Settings, clock: Clock, faults: list[Fault]) -> None:
        self.contract = contract
        self.flows = bind_flows(contract)
        self.store = store
        self.credentials = settings.credentials
        self.index = SchemaIndex(contract)
        self.synth = Synthesizer(self.index)
        self.view = View(self.index, self.synth)
        self.resources = resource_graph(contract)
        self.router = Router(contract)
        self.auth = Authenticator(store, clock, settings.token_ttl)
        self.handlers = Handlers(self)
        self.catalogue = Catalogue.of(contract)
        self.faults = list(faults)
        self.logins = login_operations(contract)
        self.throttle = ServerThrottle(settings.throttle, clock, self.auth, self.logins)

    def set_faults(self, faults: list[Fault]) -> None:
        self.faults = list(faults)  # one assignment: requests see the old or the new list, never a mix

    async def handle(self, req: Inbound) -> Reply:
        reply, ops = await self._handle(req)
        for fault in self.faults:  # CORS headers a fault adds (a preflight's too): nothing without a fault
            if ops is None or any(fault.matches(o) for o in ops):
                reply.headers.update(fault.kind.cors(req.headers))
        return reply

    async def _handle(self, req: Inbound) -> tuple[Reply, list[Operation] | None]:
        """The answer and the operations whose path it answered (None: a path no operation has)."""
        lang = language(req.headers.get("accept-language"))
        if req.too_large:
            self.throttle.unrouted()
            return too_large(), None
        root = not (req.path == API_PREFIX or req.path.startswith(API_PREFIX + "/"))
        rel = req.path if root else (req.path[len(API_PREFIX) :] or "/")
        query = parse_query(req.query_string)
        method = req.method.upper()
        if method == "HEAD":
            method = "GET"
        spoof = query.pop("_method", None)
        if method == "POST" and isinstance(spoof, str) and spoof.upper() in SPOOFABLE:
            method = spoof.upper()
        match = self.router.match(method, rel, root=root)
        if match.op is None and self._patch_alias(match):  # Laravel's resource route: PUT|PATCH
            if method == "PATCH":
                match = self.router.match("PUT", rel, root=root)
            else:
                match = replace(match, allowed=tuple(allow_list([*match.allowed, "PATCH"])))
        if match.op is None:
            self.throttle.unrouted()
            if not match.allowed:
                served = next((r for f in self.faults if (r := f.kind.unknown_path(req.path)) is not None), None)
                return served or not_found(lang, "route_not_found"), None
            refused = (
                options(list(match.allowed))
                if method == "OPTIONS"
                else method_not_allowed(lang, req.method.upper(), req.path, list(match.allowed))
            )
            for fault in self.faults:
                if any(fault.matches(o) for o in match.path_ops):
                    refused = fault.kind.unrouted(refused, lang)
            return refused, list(match.path_ops)
        op = match.op
        admission = self.throttle.admit(op, req.headers.get("authorization"), req.client)
        if admission.retry_after is not None:
            return with_headers(too_many(lang, admission.retry_after), admission.headers()), [op]
        return with_headers(await self.answer(op, req, lang, match.params, query), admission.headers()), [op]

    def _patch_alias(self, match: Match) -> bool:
        if "PUT" not in match.allowed or "PATCH" in match.allowed:
            return False
        return any(f.kind.patch_as_put and any(f.matches(o) for o in match.path_ops) for f in self.faults)

    async def answer(
        self, op: Operation, req: Inbound, lang: str, params: dict[str, str], query: dict[str, Any]
    ) -> Reply:
        """The operation's answer, with the faults that match it wrapped around ``serve``."""
        faults = [f for f in self.faults if f.matches(op)]
        reply: Reply | None = None
        for fault in faults:
            delay = fault.kind.delay(op)
            if delay > 0:
                await asyncio.sleep(delay)
            reply = reply or fault.kind.before(op, lang)
        if reply is None:
            reply = self.serve(op, req, lang, params, query, faults)
        for fault in faults:
            reply = fault.kind.after(op, reply, self.catalogue)
        return reply

    def serve(
        self, op: Operation, req: Inbound, lang: str, params: dict[str, str], query: dict[str, Any], faults: list[Fault]
    ) -> Reply:
        relax_tenant = any(f.kind.relax_tenant for f in faults)
        relax_auth = any(f.kind.relax_auth for f in faults)
        header = req.headers.get("x-tenant", "").strip()
        tenant: str | None = None
        if header:
            if self.store.academy(header) is not None:
                tenant = header.lower()
            elif not relax_tenant:
                return tenant_unknown_reply(lang)
        if op.tenant_required and tenant is None:
            if not relax_tenant:
                return tenant_missing_reply(lang) if not header else tenant_unknown_reply(lang)
            tenant = ACADEMIES[0]
        unbound = any(f.kind.unbound_tokens for f in faults)
        outcome, caller = self.auth.decide(
            op,
            req.headers.get("authorization"),
            tenant if op.tenant_required else None,
            foreign_roles=any(f.kind.foreign_roles for f in faults),
            unbound=unbound,
        )
        if outcome != "ok":
            if not relax_auth:
                return unauthenticated(lang)
            caller = self.demo_caller(op, tenant)
        academy = tenant or ACADEMIES[0]
        refuse_after = False  # the write_before_refusal fault: store first, refuse afterwards
        if caller.kind == "admin" and caller.academy:
            if tenant is not None and tenant != caller.academy and not unbound:
                refuse_after = any(f.kind.write_before_refusal for f in faults)
                if not refuse_after:
                    return forbidden(lang)
            academy = tenant if (refuse_after or unbound) and tenant else caller.academy
        leak = any(f.kind.leak for f in faults)
        rows = self.bind_rows(op, params, academy, leak)
        if rows is None:
            if any(f.kind.tells_existence for f in faults) and self.bind_rows(op, params, academy, True) is not None:
                return forbidden(lang)  # the existence_leak fault: another academy's row is "forbidden"
            return not_found(lang)
        if (
            caller.kind == "student"
            and not any(f.kind.owner_not_checked for f in faults)
            and self.foreign_row(op, rows, caller)
        ):
            return not_found(lang)  # Laravel's scoped query: another student's comment is not found for this one
        # ``relax_validation`` (the accepts_invalid fault): what the contract refuses is served anyway.
        relax_validation = any(f.kind.relax_validation for f in faults)
        values, errors = check_query(op.parameters, query, lang)
        if errors and not relax_validation:
            return validation(errors, lang)
        body: Any = None
        if op.request_schema is not None:
            ctype = req.headers.get("content-type", "")
            try:
                body = parse_body(ctype, req.body)
            except BodyError:  # as Laravel: json_decode gives null, PHP parses no form; empty input is validated
                body = NO_BODY
            if body is NO_BODY:  # no body at all is empty input (Laravel); a JSON null is validated as sent
                body = None
                errors = body_errors(self.index, op.request_schema, {}, lang)
            else:
                if not ctype.lower().startswith("application/json"):
                    body = coerce(self.index.flatten, op.request_schema, body)
                body, errors = self.validated(op, body, lang, faults)
            if errors and not relax_validation:
                return validation(errors, lang)
        for fault in faults:
            sent = body if op.request_schema is not None else _loose_body(req)
            refused = fault.kind.refuse(op, sent, lang, self.catalogue)
            if refused is not None:
                return refused
        url = f"{req.origin}{req.path}"
        ignores = frozenset(role for f in faults for role in f.kind.ignores)
        ctx = Ctx(op, lang, academy, caller, params, rows, values, body, url, leak, req.headers, ignores)
        ctx.unguarded = any(f.kind.unguarded for f in faults)
        special = self.flows.get(op.operation_id)
        reply = special(self, ctx) if special else self.handlers.dispatch(ctx)
        if reply.is_error and faults and op.operation_id in self.logins and isinstance(body, dict):
            email = str(body.get("email") or "")
            known = any(self.store.find_identity(k, a, email) for k, a in (("admin", None), ("student", academy)))
            for fault in faults:
                reply = fault.kind.login_refused(reply, known, lang)
        return forbidden(lang) if refuse_after else reply

    def validated(self, op: Operation, body: Any, lang: str, faults: list[Fault]) -> tuple[Any, dict[str, list[str]]]:
        """The body as validated and its errors: Laravel's loose reading where the body as sent fails
        (``contract.wire.laravel_reading``), and no error about a member a fault's own rules validate."""
        errors = body_errors(self.index, op.request_schema, body, lang)
        if errors:
            loose = laravel_reading(self.index.flatten, op.request_schema, body)
            loose_errors = body_errors(self.index, op.request_schema, loose, lang)
            if len(loose_errors) <= len(errors):
                body, errors = loose, loose_errors
        owned = frozenset(m for f in faults for m in f.kind.members)
        return body, {k: v for k, v in errors.items() if k.split(".")[0] not in owned}

    def bind_rows(self, op: Operation, params: dict[str, str], academy: str, leak: bool) -> dict[str, Row] | None:
        """The rows the path names, or None (404) for a malformed, unknown or foreign one."""
        for p in op.path_params:
            types = types_of(p.schema)
            if "integer" in types and "string" not in types and not _DIGITS.match(params.get(p.name, "")):
                return None  # integer parameters: anything else is no such route binding (404)
        rows: dict[str, Row] = {}
        previous: Row | None = None
        for resource, param in self.resources.binding(op).chain:
            value = params.get(param, "")
            if len(value) > 200:
                return None
            found = [
                r
                for r in self.store.find(resource.key, value)
                if (leak or r.academy == academy)
                and (resource.parent is None or previous is None or previous.resource != resource.parent.key
                     or r.parent == previous.id)
            ]  # fmt: skip
            if not found:
                return None
            previous = rows[param] = found[0]
        return rows

    def foreign_row(self, op: Operation, rows: dict[str, Row], caller: Caller) -> bool:
        """An update or delete of a row another user created (``OWNER``): not this caller's to change."""
        binding = self.resources.binding(op)
        if binding.role not in ("update", "delete") or not binding.chain:
            return False
        owner = rows[binding.chain[-1][1]].doc.get(OWNER)
        return owner is not None and owner != caller.user_id

    def demo_caller(self, op: Operation, tenant: str | None) -> Caller:
        """Who an unauthenticated call is served as under the auth_not_enforced fault."""
        academy = tenant or ACADEMIES[0]
        first = (ACADEMIES.index(academy) + 1) * 1000 + 1 if academy in ACADEMIES else 1001
        if "adminUser" in op.security:
            return Caller("admin", first, academy, None)
        if "tenantStudent" in op.security:
            return Caller("student", first, academy, None)
        return Caller("client", None, None, None)
