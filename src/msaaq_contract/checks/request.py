"""Request validity: would the contract accept this request? The question a replay asks of every recorded request.

A recorded request the current contract accepts must be accepted and conform; one it refuses must be refused.
So a contract edit on the request side (a field made required, an enum value removed) is judged against what
the API did with the recorded request, instead of making the recording unusable.

The request is read the way MSAAQ (Laravel) reads it, with ``contract.wire``: path parameters from the route,
the declared query parameters (text coerced to the schema's types), and the body (JSON as sent, form fields
coerced, no body or a body that cannot be decoded = empty input). Headers are the suite's own (tokens, X-Tenant,
Accept-Language) and are judged by their own families, never here. Undeclared query parameters are ignored, as
real APIs ignore them.

Body members the contract derived rather than saw (``x-source: model``, ``create`` or ``convention``: a
model's writable members, a create's members given to its update, the export convention) declare a type, but a
value outside it is no reason to call the request refused: an API that does not validate the member ignores
it, as Laravel ignores any member it does not read. Such a request may be accepted or refused.

A value is also read as Laravel's validator reads it (``contract.wire.laravel_reading``): ``"1"`` for an
integer, ``1`` for a boolean, ``"6.36e+234"`` for a number, ``true`` for ``integer|in:0,1``, ``""`` for a
nullable member. Laravel accepts such a request by design, so the contract does not refuse it; an API that does
may still refuse it (the fuzzing checks then ask a documented refusal, not an acceptance).

``strict=True`` is calibration's question: was the request valid by the *whole* contract, as written (guessed
members judged, no loose reading)? Only such a refusal states a rule the contract lacks.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..contract import Contract, Operation
from ..contract.flatten import flatten, types_of
from ..contract.loader import escape
from ..contract.wire import NO_BODY, BodyError, coerce, laravel_reading, parse_body
from ..redaction import PLACEHOLDER
from .base import Finding, RecordedRequest
from .validators import detailed, is_valid

MAX_PROBLEMS = 3
GUESSED = frozenset({"model", "create", "convention"})  # x-source of members the contract derived (contracts/README)
SPOOF = "_method"  # Laravel's method spoofing travels in the query; it is not a parameter of the operation
BODY_ERRORS = {
    "bad_json": "the body is not valid JSON",
    "bad_encoding": "the body is not UTF-8",
    "bad_content_type": "the body's content type cannot carry the documented body",
}


def _problem(where: str, message: str, pointer: str = "") -> Finding:
    return Finding(
        check="request",
        title="Request invalid for the contract",
        message=f"{where}{pointer or ''}: {message}"[:300],
        pointer=f"{where}{pointer}" if pointer else where,
    )


def request_problems(
    contract: Contract, op: Operation, request: RecordedRequest, *, strict: bool = False
) -> list[Finding]:
    """Why the contract refuses ``request`` for ``op`` (empty: the contract accepts it). At most a few, pointed
    (``path/course``, ``query/page``, ``body/title``). ``strict``: see the module docstring."""
    url = urlsplit(request.url)
    problems = _path_problems(contract, op, unquote(url.path), strict)
    problems += _query_problems(contract, op, url.query, strict)
    if op.request_schema is not None:
        problems += _body_problems(contract, op, request, strict)
    return problems[:MAX_PROBLEMS]


def _base_relative(contract: Contract, op: Operation, path: str) -> dict[str, str] | None:
    """The path parameter values, whatever the base path of the target (``/v1``, ``/api/v1``, the host root)."""
    if len(path) > 1:
        path = path.rstrip("/")
    cut = 0
    while cut != -1:
        values = contract.path_values(op, path[cut:])
        if values is not None:
            return values
        cut = path.find("/", cut + 1)
    return None


def _path_problems(contract: Contract, op: Operation, path: str, strict: bool) -> list[Finding]:
    values = _base_relative(contract, op, path)
    if values is None:
        return [_problem("path", f"{path} does not fit the route {op.path}")]
    out = []
    for pointer, param in _parameters(contract, op, "path"):
        if _redacted(values.get(param["name"])):
            continue
        value = coerce(functools.partial(flatten, contract), param.get("schema"), values.get(param["name"], ""))
        out += _schema_problems(contract, f"{pointer}/schema", value, f"path/{param['name']}", strict=strict)
    return out


def _query_values(contract: Contract, op: Operation, raw: str) -> dict[str, Any]:
    """The declared query parameters' values: a name the contract declares literally (``in[]``,
    ``filters[duration][][from]``) is that parameter; a deepObject collects the other ``name[...]`` keys."""
    pairs = [(k, v) for k, v in parse_qsl(raw, keep_blank_values=True) if k != SPOOF]
    params = [p for _, p in _parameters(contract, op, "query")]
    declared = {str(p["name"]) for p in params}
    out: dict[str, Any] = {}
    for param in params:
        name = str(param["name"])
        types = types_of(flatten(contract, param.get("schema", {})))
        if param.get("style") == "deepObject" or "object" in types:
            # OpenAPI's deepObject is one level deep: ``name[key]=value``, everything between the brackets is
            # the key (a repeated key carries a list).
            members: dict[str, Any] = {}
            for k, v in pairs:
                if k.startswith(name + "[") and k.endswith("]") and k not in declared:
                    key = k[len(name) + 1 : -1]
                    members[key] = (
                        [*members[key], v]
                        if isinstance(members.get(key), list)
                        else ([members[key], v] if key in members else v)
                    )
            if members:
                out[name] = members
            continue
        values = [v for k, v in pairs if k == name]
        if values:
            out[name] = values if "array" in types else values[-1]
    return out


def _query_problems(contract: Contract, op: Operation, raw: str, strict: bool) -> list[Finding]:
    query = _query_values(contract, op, raw)
    out = []
    for pointer, param in _parameters(contract, op, "query"):
        name = str(param["name"])
        if name not in query:
            if param.get("required"):
                out.append(_problem(f"query/{name}", "required parameter missing"))
            continue
        if _redacted(query[name]):
            continue
        value = coerce(functools.partial(flatten, contract), param.get("schema"), query[name])
        out += _schema_problems(contract, f"{pointer}/schema", value, f"query/{name}", strict=strict)
    return out


def _body_problems(contract: Contract, op: Operation, request: RecordedRequest, strict: bool) -> list[Finding]:
    ctype = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if not request.body and ctype:
        return []  # a body was sent but not captured (httpx streams multipart uploads): it cannot be judged
    unread = None
    try:
        body = parse_body(ctype, request.body or b"")
    except BodyError as exc:
        # Laravel reads a body it cannot decode (``json_decode`` gives null) as empty input and validates that: such
        # a request is invalid only where empty input is, and then for the members empty input lacks.
        body, unread = NO_BODY, BODY_ERRORS.get(exc.key, exc.key)
    if body is NO_BODY:
        body = {}  # Laravel validates a missing body as empty input
    elif not ctype.lower().startswith("application/json"):
        body = coerce(functools.partial(flatten, contract), op.request_schema, body)
    guessed = frozenset() if strict else guessed_members(contract, op)
    problems = _schema_problems(contract, _body_pointer(contract, op), body, "body", guessed, strict=strict)
    if unread and problems:
        return [_problem("body", f"{unread}, read as empty input: {problems[0].message}")]
    return problems


def guessed_members(contract: Contract, op: Operation) -> frozenset[str]:
    """The body members of ``op`` the contract derived rather than saw (see the module docstring)."""
    props = flatten(contract, op.request_schema or {}).get("properties") or {}
    return frozenset(
        name for name, member in props.items() if isinstance(member, Mapping) and member.get("x-source") in GUESSED
    )


def _schema_problems(
    contract: Contract,
    pointer: str,
    value: Any,
    where: str,
    guessed: frozenset[str] = frozenset(),
    *,
    strict: bool = False,
) -> list[Finding]:
    if is_valid(contract, pointer, value):
        return []
    # A value redaction replaced cannot be judged; an error about the object around it still can. A value of a
    # guessed member is not judged either.
    found = [
        e
        for e in detailed(contract, pointer).iter_errors(value)
        if not _placeholder(e.instance) and not (e.absolute_path and str(e.absolute_path[0]) in guessed)
    ]
    if found and not strict:
        # Laravel's reading of the same value: what it takes by design is no problem (its errors are kept where
        # the loose reading fails too, in the words of the value as sent).
        loose = laravel_reading(functools.partial(flatten, contract), {"$ref": f"#{pointer}"}, value)
        explain = detailed(contract, pointer)
        still = {tuple(e.absolute_path) for e in explain.iter_errors(loose) if not _placeholder(e.instance)}
        found = [e for e in found if tuple(e.absolute_path) in still]
    errors = sorted(found, key=lambda e: list(map(str, e.absolute_path)))
    return [
        _problem(where, e.message[:200], "".join(f"/{escape(str(p))}" for p in e.absolute_path))
        for e in errors[:MAX_PROBLEMS]
    ]


def _placeholder(value: Any) -> bool:
    return isinstance(value, str) and PLACEHOLDER.search(value) is not None


def _redacted(value: Any) -> bool:
    """A value redaction replaced before it was recorded: what was sent is unknown, so it is not judged."""
    if isinstance(value, list):
        return any(_redacted(v) for v in value)
    if isinstance(value, dict):
        return any(_redacted(v) for v in value.values())
    return _placeholder(value)


def _parameters(contract: Contract, op: Operation, location: str) -> list[tuple[str, Mapping[str, Any]]]:
    """(pointer, parameter) of the operation's parameters in ``location``; the pointer locates its schema."""
    out = []
    for i, raw in enumerate(op.raw.get("parameters", [])):
        shared = isinstance(raw, Mapping) and "$ref" in raw
        pointer = str(raw["$ref"])[1:] if shared else f"/paths/{escape(op.path)}/{op.method}/parameters/{i}"
        param = contract.deref(raw)
        if param.get("in") == location:
            out.append((pointer, param))
    return out


def _body_pointer(contract: Contract, op: Operation) -> str:
    raw = op.raw.get("requestBody") or {}
    base = str(raw["$ref"])[1:] if "$ref" in raw else f"/paths/{escape(op.path)}/{op.method}/requestBody"
    return f"{base}/content/{escape(op.request_media_type or 'application/json')}/schema"
