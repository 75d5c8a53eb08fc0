"""What crosses the wire: a request and the answer it got, independent of the library that carried it.

A leaf: the client, the replay, discovery and the checks all speak it, and it imports nothing of ours. The
adapters stand beside the libraries they read (``client/httpx_exchange.py``, ``checks/schemathesis_exchange.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Exchange:
    """A request and the response it got."""

    request: RecordedRequest
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    elapsed_s: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @cached_property
    def json_body(self) -> tuple[bool, Any]:
        """(parsed, value): parsed is False when the body is not JSON."""
        try:
            return True, json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return False, None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def data(self) -> dict[str, Any] | None:
        """The ``data`` object of a JSON envelope, when there is one."""
        parsed, body = self.json_body
        data = body.get("data") if parsed and isinstance(body, dict) else None
        return data if isinstance(data, dict) else None
