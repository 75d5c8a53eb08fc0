"""What a check is: a named pure function ``(ctx, exchange) -> list[Finding]``.

Checks never perform I/O and never import pytest, the client or the reference server: they judge one
recorded exchange (request + response) against the contract. An empty list means the exchange conforms.
Findings of severity "warning" (e.g. undocumented extra fields) are reported but never fail a test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ..contract import Contract, Operation
from ..exchange import Exchange as Exchange  # the checks' input, re-exported for them
from ..exchange import RecordedRequest as RecordedRequest
from ..redaction import Redactor


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
    """A compact, one-line rendering of a value an answer holds, for messages: the members of an object or array
    that look secret (``token``, ``api_key``, ``password``...) are shown as redacted, before it is cut short."""
    if isinstance(value, (dict, list)):
        value = Redactor().value(value)
    return compact(value, limit)


def compact(value: Any, limit: int = 120) -> str:
    """A compact, one-line rendering of a JSON value (the contract's own, e.g. a schema keyword's value)."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
