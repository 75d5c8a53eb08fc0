"""Our checks as schemathesis custom checks, for users of the schemathesis CLI.

    SCHEMATHESIS_HOOKS=msaaq_contract.checks.schemathesis_hooks schemathesis run contract.json --url ... \\
        --checks msaaq_answer            # or its parts: msaaq_envelope,msaaq_schema,msaaq_status

The same functions judge the suite's own tests: one implementation. Each adapter finds the contract operation
by method and path, runs the check, and raises a ``Failure`` with the first violation.
"""

from __future__ import annotations

import functools
import os
from typing import Any
from urllib.parse import urlsplit

import schemathesis
from schemathesis.core.failures import Failure

from ..contract import Contract, load_contract
from ..redaction import Redactor
from .base import Check, CheckContext
from .documented import documented_answer
from .envelope import envelope
from .schema import schema
from .schemathesis_exchange import from_schemathesis
from .status import status_documented

ENV_CONTRACT = "MSAAQ_CONTRACT"


@functools.lru_cache(maxsize=1)
def _contract() -> Contract:
    # The schemathesis CLI has no option for us: MSAAQ_CONTRACT names the contract, else contracts/ under the
    # current directory (the CLI convention).
    return load_contract(os.environ.get(ENV_CONTRACT) or None)


def run_check(check: Check, response: Any, case: Any) -> None:
    contract = _contract()
    path = urlsplit(response.request.url or "").path
    path = path.split("/v1", 1)[1] if "/v1" in path else path
    op = contract.match(case.method, path) or contract.operations.get(getattr(case.operation, "label", ""))
    if op is None:
        return  # not an operation of our contract (e.g. another schema): nothing to judge
    exchange = from_schemathesis(response)
    findings = [f for f in check(CheckContext(contract, op, op.operation_id), exchange) if f.is_error]
    if findings:
        first = findings[0]
        parsed, body = exchange.json_body
        Redactor().finding(first, body if parsed else None)  # schemathesis prints it: redacted, as ours are
        detail = f"{first.message} (expected {first.expected}, got {first.actual})" if first.expected else first.message
        raise Failure(operation=op.label, title=f"{first.title} (msaaq {first.check})", message=detail)


@schemathesis.check
def msaaq_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """MSAAQ envelope: status/code/data/message consistent with the HTTP status."""
    run_check(envelope, response, case)
    return None


@schemathesis.check
def msaaq_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """MSAAQ field types, pointer-precise, against the contract."""
    run_check(schema, response, case)
    return None


@schemathesis.check
def msaaq_status(ctx: Any, response: Any, case: Any) -> bool | None:
    """MSAAQ documented status codes."""
    run_check(status_documented, response, case)
    return None


@schemathesis.check
def msaaq_answer(ctx: Any, response: Any, case: Any) -> bool | None:
    """MSAAQ documented answer: status, media type in full, envelope, field types and required headers."""
    run_check(documented_answer, response, case)
    return None
