"""Routing requests to contract operations.

Templates are compiled once and bucketed by segment count. As OpenAPI matches URLs, a concrete path is matched
before its templated counterparts, whatever the method (``/admin/members/export`` is never
``/admin/members/{member}``): the path so chosen answers for the URL, and a method it does not declare gets 405
with its methods, in Laravel's order (``contract.methods``). A path that matches nothing is 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..contract import Contract, Operation
from ..contract.methods import allow_list
from ..contract.model import route_pattern


@dataclass(frozen=True)
class Route:
    op: Operation
    regex: re.Pattern[str]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    op: Operation | None
    params: dict[str, str]
    allowed: tuple[str, ...]  # the path's methods when ``op`` is None (405, Laravel's order); empty: 404
    path_ops: tuple[Operation, ...] = ()  # the path's operations when ``op`` is None (faults select by them)


class Router:
    def __init__(self, contract: Contract) -> None:
        self.api: dict[int, list[Route]] = {}
        self.root: dict[int, list[Route]] = {}
        for op in sorted(contract, key=lambda o: (o.path.count("{"), o.path)):
            regex, names = route_pattern(op.path)
            table = self.root if op.server_root else self.api
            table.setdefault(op.path.count("/"), []).append(Route(op, regex, names))

    def match(self, method: str, path: str, *, root: bool = False) -> Match:
        """``path`` is relative to /v1 (or to the host root when ``root``)."""
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/")
        method = method.lower()
        hits = [
            (route, hit)
            for route in (self.root if root else self.api).get(path.count("/"), [])
            if (hit := route.regex.match(path)) is not None
        ]
        if not hits:
            return Match(None, {}, ())
        level = min(route.op.path.count("{") for route, _ in hits)
        top = [(route, hit) for route, hit in hits if route.op.path.count("{") == level]
        for route, hit in top:  # sorted: among equally concrete paths, the first by name
            if route.op.method == method:
                return Match(route.op, dict(zip(route.names, hit.groups(), strict=True)), ())
        return Match(None, {}, tuple(allow_list(route.op.method for route, _ in top)), tuple(r.op for r, _ in top))
