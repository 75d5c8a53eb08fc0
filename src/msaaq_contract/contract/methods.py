"""Which methods a URL answers, as the contract declares them and as Laravel's router reports them.

Laravel answers a request whose URL matches a route of another method with 405 and ``Allow`` (Symfony's
``MethodNotAllowedHttpException``: the methods upper-cased, joined with ``", "``), and a plain ``OPTIONS`` with
200 and ``Allow`` (joined with ``","``). The methods come in the order of ``Router::$verbs`` and every GET
route also answers HEAD. Which routes match a URL is where servers differ: OpenAPI matches a concrete path
before its templated counterparts (``/admin/coupons/export`` is never ``/admin/coupons/{coupon}``), while a
Laravel route without a ``where`` constraint matches any segment. ``declared`` is the first reading (what the
contract promises for a path), ``routable`` the second (the most a Laravel deployment may also list).

``Route::apiResource`` / ``Route::resource`` register an item's update as ``PUT|PATCH``: a path that declares
PUT answers PATCH too, by the framework (``ALIASES``). A contract records that it saw the alias with
``x-method-aliases: [PATCH]`` on the PUT operation (``aliased``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Contract, Operation, route_pattern

VERBS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")  # Laravel's Router::$verbs, in its order
IMPLICIT = frozenset({"HEAD", "OPTIONS"})  # answered by the framework, never declared
ALIASES = {"PUT": "PATCH"}  # Laravel's resource routes: Route::match(['PUT', 'PATCH'], ...) for an update


def allow_list(methods: Iterable[str]) -> list[str]:
    """The methods routes answer for, in Laravel's order; GET brings HEAD."""
    wanted = {m.upper() for m in methods}
    if "GET" in wanted:
        wanted.add("HEAD")
    return [verb for verb in VERBS if verb in wanted] + sorted(wanted - set(VERBS))


def parse_allow(header: str) -> set[str]:
    """An ``Allow`` header's methods (either separator, any case)."""
    return {part.strip().upper() for part in header.split(",") if part.strip()}


def declared(contract: Contract, op: Operation) -> set[str]:
    """The methods the contract declares on ``op``'s path (upper case)."""
    return {o.method.upper() for o in contract if o.path == op.path and o.server_root == op.server_root}


def routable(contract: Contract, op: Operation, path: str) -> set[str]:
    """The methods of every path of the contract that matches the concrete ``path`` (relative to the API base)
    when each parameter matches any segment, as an unconstrained Laravel route does."""
    return {
        o.method.upper()
        for o in contract
        if o.server_root == op.server_root and route_pattern(o.path)[0].match(path) is not None
    }


def framework_aliases(methods: Iterable[str]) -> set[str]:
    """The methods Laravel's resource routes add to ``methods`` (PATCH beside PUT)."""
    return {ALIASES[m.upper()] for m in methods if m.upper() in ALIASES}


def aliased(contract: Contract, op: Operation) -> set[str]:
    """The aliases the contract records on ``op``'s path (``x-method-aliases`` of its operations)."""
    return {
        str(m).upper()
        for o in contract
        if o.path == op.path and o.server_root == op.server_root
        for m in o.raw.get("x-method-aliases") or ()
    }
