"""The fault classes behind ``faults.CATALOGUE``: one small class per way of breaking the contract.

A class rewrites replies (``after``), answers instead of the handler (``before``, or ``refuse`` once the
request passed validation), delays (``delay``), relaxes a rule (``relax_auth``, ``relax_tenant``, ``leak``) or
drops a write it answers (``ignores``); ``applies`` says whether it can show on an operation. ``Catalogue``
holds the per-contract schema helpers those decisions need.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from ..contract import Contract, Operation, load_contract
from ..contract.flatten import types_of
from ..contract.resources import resource_graph
from ..errors import ConfigError
from .envelopes import Reply, not_found, too_many
from .schemas import SchemaIndex
from .synth import Synthesizer

_SCALARS = (str, int, float, bool)
# Laravel's production error page (APP_DEBUG off): what an unhandled exception answers.
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Server Error</title></head><body><h1>500</h1></body></html>"


class Catalogue:
    """Per-contract helpers the faults use to decide where they apply (built once per contract)."""

    _cache: ClassVar[dict[int, Catalogue]] = {}

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.index = SchemaIndex(contract)
        self.synth = Synthesizer(self.index)
        self.resources = resource_graph(contract)

    @classmethod
    def of(cls, contract: Contract | None) -> Catalogue:
        contract = contract or load_contract()
        found = cls._cache.get(id(contract))
        if found is None or found.contract is not contract:
            found = cls._cache[id(contract)] = cls(contract)
        return found

    def success_reply(self, op: Operation) -> Reply | None:
        status = next((s for s in sorted(op.responses) if s.startswith("2")), None)
        spec = op.responses.get(status or "")
        if spec is None or not spec.is_json or spec.schema is None:
            return None
        return Reply(int(status or 200), self.synth.response(op, spec.status, "en"))


class FaultKind:
    """Base of the catalogue. Hooks: ``before`` (may answer instead), ``after`` (rewrites the reply)."""

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    relax_auth: ClassVar[bool] = False
    relax_tenant: ClassVar[bool] = False
    leak: ClassVar[bool] = False
    relax_validation: ClassVar[bool] = False  # serve a request the contract's validation refuses
    # Who may call what (fault_access.py): serve foreign identities, other academies' tokens, tell ids apart.
    foreign_roles: ClassVar[bool] = False
    unbound_tokens: ClassVar[bool] = False
    write_before_refusal: ClassVar[bool] = False
    tells_existence: ClassVar[bool] = False
    owner_not_checked: ClassVar[bool] = False
    unguarded: ClassVar[bool] = False  # creates and updates store every member sent, not only the fillable ones
    patch_as_put: ClassVar[bool] = False  # a path that declares PUT answers PATCH as PUT (``fault_routes``)

    @property
    def members(self) -> frozenset[str]:
        """Body members whose validation the fault's own rules replace (``laravel_rules``)."""
        return frozenset()

    @property
    def ignores(self) -> frozenset[str]:
        """Resource roles (update, delete) whose writes are answered but not stored."""
        return frozenset()

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ConfigError(f"fault {self.name!r} has no parameter {sorted(unknown)[0]!r}")
        self.params = {**self.defaults, **params}

    def before(self, op: Operation, lang: str) -> Reply | None:
        return None

    def delay(self, op: Operation) -> float:
        return 0.0

    def refuse(self, op: Operation, body: Any, lang: str, catalogue: Catalogue) -> Reply | None:
        """Refuse a request that passed the contract's validation (a rule the contract does not state)."""
        return None

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        return reply

    def unrouted(self, reply: Reply, lang: str) -> Reply:
        """Rewrites the answer to a method the operation's path does not declare (405, or 200 for OPTIONS)."""
        return reply

    def unknown_path(self, path: str) -> Reply | None:
        """Answers a path no operation has (a debug route) instead of the 404, whatever ``operations`` says."""
        return None

    def login_refused(self, reply: Reply, known: bool, lang: str) -> Reply:
        """Rewrites a login's refusal; ``known``: whether an account has the e-mail sent."""
        return reply

    def cors(self, request_headers: dict[str, str]) -> dict[str, str]:
        """Headers added to every answer of a matching operation (preflights of its path too)."""
        return {}

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        """Default: the fault changes the operation's synthesised success reply."""
        reply = catalogue.success_reply(op)
        if reply is None:
            return False
        before = copy.deepcopy(reply.body)
        changed = self.after(op, reply, catalogue)
        return changed.status != 200 or changed.body != before or changed.media_type != "application/json"


class _DataFault(FaultKind):
    """Rewrites ``data`` (or ``data[0]``) of JSON success bodies."""

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if reply.is_error or not reply.is_json:
            return reply
        body = reply.json()
        if isinstance(body, dict) and "data" in body:
            data = body["data"]
            target = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else data
            schema = catalogue.index.data_schema(_success_schema(op, reply.status))
            if isinstance(data, list):
                schema = catalogue.index.item_schema(schema)
            if isinstance(target, dict) and schema is not None:
                self.rewrite(target, catalogue.index.flatten(schema), catalogue.index)
        return reply

    def rewrite(self, target: dict[str, Any], schema: dict[str, Any], index: SchemaIndex) -> None:
        raise NotImplementedError


def _success_schema(op: Operation, status: int) -> Any:
    spec = op.responses.get(str(status))
    return spec.schema if spec else None


class DropData(FaultKind):
    """Success bodies lose their ``data`` key."""

    name = "drop_data"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json and not reply.is_error else None
        if isinstance(body, dict):
            body.pop("data", None)
        return reply


class WrongStatusWord(FaultKind):
    """Error bodies say ``status: "success"``; success bodies say ``status: "failed"``."""

    name = "wrong_status_word"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json else None
        if isinstance(body, dict):
            body["status"] = "success" if reply.is_error else "failed"
        return reply


class NumericCode(FaultKind):
    """Error ``code`` becomes the integer HTTP status; the OAuth token's ``code: "200"`` becomes 200."""

    name = "numeric_code"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json else None
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            body["code"] = reply.status if reply.is_error else int(body["code"]) if body["code"].isdigit() else 200
        return reply

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return any(s.startswith(("4", "5")) for s in op.responses) or op.operation_id == "oauth.craete-token"


class WrongFieldType(_DataFault):
    """The first scalar field of ``data`` whose schema names one type gets a value of another JSON type."""

    name = "wrong_field_type"

    def rewrite(self, target: dict[str, Any], schema: dict[str, Any], index: SchemaIndex) -> None:
        props = schema.get("properties") or {}
        for key, value in target.items():
            if key not in props or isinstance(value, (dict, list)) or value is None:
                continue
            types = types_of(index.flatten(props[key]))
            if not types or "enum" in index.flatten(props[key]):
                continue
            swapped: Any = 12345 if isinstance(value, str) else "not-a-number"
            if isinstance(value, bool):
                swapped = "yes"
            kind = "integer" if isinstance(swapped, int) else "string"
            if kind not in types and not (kind == "integer" and "number" in types):
                target[key] = swapped
                return


class MissingRequiredField(_DataFault):
    """The first required property of ``data`` is removed."""

    name = "missing_required_field"

    def rewrite(self, target: dict[str, Any], schema: dict[str, Any], index: SchemaIndex) -> None:
        for key in schema.get("required") or []:
            if key in target:
                del target[key]
                return


class NullRequiredField(_DataFault):
    """The first required, non-nullable property of ``data`` is set to null."""

    name = "null_required_field"

    def rewrite(self, target: dict[str, Any], schema: dict[str, Any], index: SchemaIndex) -> None:
        props = schema.get("properties") or {}
        for key in schema.get("required") or []:
            if key in target and target[key] is not None and not index.nullable(props.get(key, {})):
                if props.get(key) in (None, {}):
                    continue  # an unconstrained property accepts null
                target[key] = None
                return


class EnumOutOfRange(_DataFault):
    """The first enum-typed field found in ``data`` (depth-first, three levels) gets ``"__not_in_enum__"``."""

    name = "enum_out_of_range"

    def rewrite(self, target: dict[str, Any], schema: dict[str, Any], index: SchemaIndex) -> None:
        _set_first_enum(target, schema, index, 0)


def _set_first_enum(target: Any, schema: dict[str, Any], index: SchemaIndex, depth: int) -> bool:
    if depth > 3 or not isinstance(target, dict):
        return False
    props = schema.get("properties") or {}
    for key, value in target.items():
        sub = index.flatten(props[key]) if key in props else None
        if sub is None:
            continue
        if sub.get("enum") and not isinstance(value, (dict, list)):
            target[key] = "__not_in_enum__"
            return True
        if isinstance(value, dict) and _set_first_enum(value, sub, index, depth + 1):
            return True
    return False


class BrokenPaginationMeta(FaultKind):
    """``meta.current_page`` becomes a string and ``meta.total`` disappears (paginated lists)."""

    name = "broken_pagination_meta"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json and not reply.is_error else None
        meta = body.get("meta") if isinstance(body, dict) else None
        if isinstance(meta, dict) and "current_page" in meta:
            meta["current_page"] = str(meta["current_page"])
            meta.pop("total", None)
        return reply

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.response_kind == "paginated"


class Html500(FaultKind):
    """Every matching call answers 500 with an HTML error page."""

    name = "html_500"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        return Reply(500, raw=ERROR_PAGE, media_type="text/html", is_error=True)

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return True


class WrongContentType(FaultKind):
    """JSON bodies are served with ``Content-Type: text/html``."""

    name = "wrong_content_type"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if reply.is_json:
            reply.raw = reply.encode()
            reply.body = None
            reply.media_type = "text/html"
        return reply


class AuthNotEnforced(FaultKind):
    """Calls without a token, or with a bad one, are served as the demo identity."""

    name = "auth_not_enforced"
    relax_auth = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.auth == "required" and bool(op.security)


class TenantNotEnforced(FaultKind):
    """A missing or unknown X-Tenant is served as academy-a."""

    name = "tenant_not_enforced"
    relax_tenant = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.tenant_required


class CrossTenantLeak(FaultKind):
    """Rows of other academies are visible (reads by id and lists)."""

    name = "cross_tenant_leak"
    leak = True

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        binding = catalogue.resources.binding(op)
        return bool(binding.chain) or binding.role == "list"


class ErrorWithoutEnvelope(FaultKind):
    """Error bodies become ``{"error": "<text>"}``."""

    name = "error_without_envelope"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json and reply.is_error else None
        if isinstance(body, dict):
            text = body.get("message")
            text = text.get("body") if isinstance(text, dict) else text
            reply.body = {"error": str(text or reply.status)}
        return reply

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return any(s.startswith("4") for s in op.responses)


class RateLimit429(FaultKind):
    """The first ``times`` calls to each matching operation answer 429 with ``Retry-After: retry_after``."""

    name = "rate_limit_429"
    defaults: ClassVar[dict[str, Any]] = {"times": 1, "retry_after": 1}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.seen: dict[str, int] = {}

    def before(self, op: Operation, lang: str) -> Reply | None:
        count = self.seen.get(op.operation_id, 0)
        self.seen[op.operation_id] = count + 1
        if count < int(self.params["times"]):
            return too_many(lang, int(self.params["retry_after"]))
        return None

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return True


class SlowResponse(FaultKind):
    """Each matching call waits ``delay_ms`` milliseconds (asynchronously) before answering."""

    name = "slow_response"
    defaults: ClassVar[dict[str, Any]] = {"delay_ms": 200}

    def delay(self, op: Operation) -> float:
        return float(self.params["delay_ms"]) / 1000.0

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return True


class UndocumentedStatus(FaultKind):
    """Successes are answered with ``status`` (299, which no operation documents); 204 also drops the body."""

    name = "undocumented_status"
    defaults: ClassVar[dict[str, Any]] = {"status": 299}

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        if not reply.is_error and 200 <= reply.status < 300:
            reply.status = int(self.params["status"])
            if reply.status == 204:
                reply.body, reply.raw = None, b""
        return reply


class ExtraField(FaultKind):
    """``data`` (each item of a list) gains ``x_undocumented_field``: allowed by the contract, a warning."""

    name = "extra_field"
    member: ClassVar[str] = "x_undocumented_field"
    value: ClassVar[Any] = "injected by the extra_field fault"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json and not reply.is_error else None
        data = body.get("data") if isinstance(body, dict) else None
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                item[self.member] = self.value
        return reply


class MethodNotRefused(FaultKind):
    """A method the path does not declare is answered 404 without ``Allow`` (OPTIONS too), as by a router that
    does not know which methods a path has."""

    name = "method_not_refused"

    def unrouted(self, reply: Reply, lang: str) -> Reply:
        return not_found(lang, "route_not_found")

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return True
