"""What a check is: a named pure function ``(ctx, exchange) -> list[Finding]``.

Checks never perform I/O and never import pytest, the client or the reference server: they judge one
recorded exchange (request + response) against the contract. An empty list means the exchange conforms.
Findings of severity "warning" (e.g. undocumented extra fields) are reported but never fail a test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol

from ..contract import Contract, Operation

# What redaction leaves in a recorded value in place of a secret, a token or a phone-like number
# (``recording/redaction.py`` writes them): the original is unknown, so no check may judge it.
PLACEHOLDER = re.compile(r"<(?:redacted|phone-[0-9a-f]{8}|id-[0-9a-f]{8})>")


@dataclass
class Finding:
    """One violation or warning. Reports hold these after redaction."""

    check: str
    title: str
    message: str
    severity: Literal["error", "warning"] = "error"
    expected: str | None = None
    actual: str | None = None
    pointer: str | None = None
    curl: str | None = None
    cassette: str | None = None
    # The documented id of the operation that broke, when another id's test observed it (a stateful chain's
    # read step): reports put the finding on that id's row too.
    operation: str | None = None
    # The HTTP status of the judged response: calibration walks the response schema documented for it.
    status: int | None = None
    # Where in that response schema the failing keyword sits (jsonschema's schema path, which steps through
    # ``$ref``s without naming them): inside a union it names the branch the value belongs to, so calibration
    # edits that branch.
    schema_path: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ContractViolation(AssertionError):
    """Raised by the suites when a check found errors; carries the findings for the reports."""

    def __init__(self, doc_id: str, findings: list[Finding]) -> None:
        self.doc_id = doc_id
        self.findings = findings
        first = findings[0]
        more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(f"{doc_id}: {first.title}: {first.message}{more}")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Exchange:
    """A request and the response it got, independent of the HTTP library that carried it."""

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

    @classmethod
    def from_schemathesis(cls, response: Any) -> Exchange:
        """From a schemathesis response (requests underneath): the fuzzing path and the schemathesis hooks."""
        req = response.request
        body = req.body.encode("utf-8") if isinstance(req.body, str) else (req.body or b"")
        return cls(
            request=RecordedRequest(req.method or "", req.url or "", dict(req.headers), bytes(body)),
            status=response.status_code,
            headers={k.lower(): (v[0] if isinstance(v, list) else v) for k, v in response.headers.items()},
            body=response.content or b"",
            elapsed_s=float(response.elapsed or 0.0),
        )

    @classmethod
    def from_httpx(cls, response: Any) -> Exchange:
        req = response.request
        try:
            body = bytes(req.content or b"")
        except Exception:
            body = b""
        return cls(
            request=RecordedRequest(req.method, str(req.url), dict(req.headers), body),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=response.content,
            elapsed_s=response.elapsed.total_seconds() if hasattr(response, "_elapsed") else 0.0,
        )


@dataclass(frozen=True)
class CheckContext:
    contract: Contract
    operation: Operation
    doc_id: str
    # What a negative family expects, e.g. {"status": 400, "code": "TENANT_NOT_FOUND"}; None for happy paths.
    expectation: Mapping[str, Any] | None = None


class Check(Protocol):
    __name__: str

    def __call__(self, ctx: CheckContext, exchange: Exchange) -> list[Finding]: ...


CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check under the name that appears in test ids, reports and ``--checks``."""

    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return register


def short(value: Any, limit: int = 120) -> str:
    """A compact, one-line rendering of a JSON value for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
