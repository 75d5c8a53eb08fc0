"""Routing requests to contract operations.

Templates are compiled once and bucketed by segment count; within a bucket literal segments beat
parameters (``/admin/members/export`` before ``/admin/members/{member}``), as in ``Contract.match``.
A path that exists under another method answers 405 with the allowed methods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..contract import Contract, Operation
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
    allowed: tuple[str, ...]  # methods of the path when ``op`` is None (405); empty for an unknown path (404)


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
        allowed: list[str] = []
        chosen: Route | None = None
        found: re.Match[str] | None = None
        for route in (self.root if root else self.api).get(path.count("/"), []):
            hit = route.regex.match(path)
            if hit is None:
                continue
            if route.op.method == method:
                if chosen is None or route.op.path.count("{") < chosen.op.path.count("{"):
                    chosen, found = route, hit
            elif chosen is None:
                allowed.append(route.op.method.upper())
        if chosen is not None and found is not None:
            return Match(chosen.op, dict(zip(chosen.names, found.groups(), strict=True)), ())
        return Match(None, {}, tuple(sorted(set(allowed))))
