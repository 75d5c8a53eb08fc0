"""Methods: a method a documented path does not declare is refused by routing, as Laravel's router refuses it.

The probe is a safe method (RFC 9110: GET and OPTIONS change nothing, and Laravel answers both in routing,
before any controller runs), so it may be sent to any target without ``--allow-writes``:

- ``GET`` on a path no route of which serves GET: 405 with an ``Allow`` header (Symfony's
  MethodNotAllowedHttpException);
- ``OPTIONS`` on any other path (it has a GET, or a templated sibling may serve one): Laravel answers 200 with
  ``Allow``; a 405 with ``Allow`` is an answer HTTP allows too.

``Allow`` must list every method the contract declares on the path, and nothing a route of the URL could not
serve (HEAD and OPTIONS are the framework's own). PATCH beside a declared PUT is Laravel's resource route
(``contract.methods.ALIASES``): a warning that proposes recording it, never a failure, unless the contract
already records it (``x-method-aliases``). Which routes match a URL is where deployments may differ: a
route without a ``where`` constraint also matches a concrete sibling (``/admin/coupons/export`` as
``/admin/coupons/{coupon}``), so those methods are allowed but never required (``contract.methods``).
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from ..contract import Contract, Operation
from ..contract.methods import (
    ALIASES,
    IMPLICIT,
    aliased,
    allow_list,
    declared,
    framework_aliases,
    parse_allow,
    routable,
)
from ..contract.model import route_pattern
from .base import CheckContext, Exchange, Finding, check

ALIAS_TITLE = "Framework method alias"


def probe(contract: Contract, op: Operation, path: str) -> str:
    """The undeclared safe method to send to ``path`` (``op``'s path, parameters filled in)."""
    return "OPTIONS" if "GET" in routable(contract, op, path) | declared(contract, op) else "GET"


def relative_path(op: Operation, url: str) -> str | None:
    """The request's path relative to the API base, whatever the base (``/v1``, ``/api/v1``, the host root)."""
    path = unquote(urlsplit(url).path)
    path = path.rstrip("/") if len(path) > 1 else path
    regex = route_pattern(op.path)[0]
    cut = 0
    while cut != -1:
        if regex.match(path[cut:] or "/"):
            return path[cut:] or "/"
        cut = path.find("/", cut + 1)
    return None


def _finding(title: str, message: str, expected: str, actual: str) -> Finding:
    return Finding(check="methods", title=title, message=message, expected=expected, actual=actual)


@check("methods")
def undeclared_method(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    method = exchange.request.method.upper()
    path = relative_path(ctx.operation, exchange.request.url)
    if path is None:
        return []  # not a request of this path: nothing to judge here (the replay reports the stale recording)
    must = declared(ctx.contract, ctx.operation)
    may = routable(ctx.contract, ctx.operation, path) | must | aliased(ctx.contract, ctx.operation)
    if method in may:
        return []  # a route may serve it: the answer is the operation's, judged by its own families
    shown = ", ".join(allow_list(must))
    if method == "OPTIONS":
        if not (200 <= exchange.status < 300 or exchange.status == 405):
            return [
                _finding(
                    "OPTIONS not answered",
                    f"OPTIONS on {path} got HTTP {exchange.status}; Laravel answers 200 with Allow",
                    f"200 with Allow: {shown}",
                    str(exchange.status),
                )
            ]
    elif exchange.status != 405:
        served = "served" if exchange.status < 400 else f"answered {exchange.status}"
        return [
            _finding(
                "Undeclared method not refused",
                f"{method} on {path}, which declares {shown}, was {served}, not refused with 405",
                f"405 with Allow: {shown}",
                str(exchange.status),
            )
        ]
    return _allow(exchange, path, must, may)


def _allow(exchange: Exchange, path: str, must: set[str], may: set[str]) -> list[Finding]:
    shown = ", ".join(allow_list(must))
    header = exchange.headers.get("allow")
    if header is None:
        return [
            _finding(
                "Allow header missing",
                f"HTTP {exchange.status} to {exchange.request.method.upper()} on {path} lists no methods",
                f"Allow: {shown}",
                "(none)",
            )
        ]
    listed = parse_allow(header)
    missing = sorted(must - listed)
    alias = sorted((listed - may - IMPLICIT) & framework_aliases(must))
    extra = sorted(listed - may - IMPLICIT - set(alias))
    notes = (
        [
            Finding(
                check="methods",
                title=ALIAS_TITLE,
                message=f"Allow: {header} on {path}: {', '.join(alias)} is Laravel's resource-route alias of "
                f"{', '.join(sorted(must & set(ALIASES)))}; record it with x-method-aliases",
                severity="warning",
                expected=f"Allow: {shown}",
                actual=header,
            )
        ]
        if alias
        else []
    )
    if not missing and not extra:
        return notes
    parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
        [f"not a method of this path: {', '.join(extra)}"] if extra else []
    )
    return [
        _finding("Allow header differs from the path's methods", f"Allow: {header} on {path}: " + "; ".join(parts),
                 f"Allow: {shown}", header),
        *notes,
    ]  # fmt: skip
