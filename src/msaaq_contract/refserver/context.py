"""What a handler knows about the call it answers, once routing, tenancy, auth and validation passed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..contract import Operation
from .auth import Caller
from .store import Row


@dataclass
class Ctx:
    op: Operation
    lang: str
    academy: str
    caller: Caller
    params: dict[str, str]
    rows: dict[str, Row]  # path parameter -> the row it names
    query: dict[str, Any]
    body: Any
    url: str  # absolute URL of the route, without the query (pagination ``path``)
    leak: bool = False  # cross_tenant_leak: other academies' rows are visible
    headers: dict[str, str] = field(default_factory=dict)
    ignores: frozenset[str] = frozenset()  # roles whose writes are answered but not stored (a fault)
    unguarded: bool = False  # mass_assignable: writes store members the body does not declare (a fault)

    @property
    def fields(self) -> dict[str, Any]:
        """The body as a mapping (``{}`` for no body or a non-object body)."""
        return self.body if isinstance(self.body, dict) else {}
