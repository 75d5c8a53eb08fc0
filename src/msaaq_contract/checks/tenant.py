"""Tenant header: a tenant operation without ``X-Tenant`` (or with an unknown one) is refused with 400 and
exactly the documented body, which is also the documented answer of that 400 (``documented``: media type,
envelope, schema, headers).

The documented body is the contract's own example of that 400 whose ``code`` is the one expected; where the
contract gives no such example, the status, the code and the schema are judged, not the message text."""

from __future__ import annotations

from typing import Any

from ..contract.model import Operation
from .base import CheckContext, Exchange, Finding, check, short
from .documented import documented_answer


def documented_tenant_error(operation: Operation, code: str) -> dict[str, Any]:
    """The body the contract documents for this 400: its example with this ``code``, else status and code."""
    spec = operation.response_for(400)
    for example in spec.examples if spec else ():
        if isinstance(example, dict) and example.get("code") == code:
            return example
    return {"status": "failed", "code": code}


def holds(actual: Any, documented: Any) -> bool:
    """``actual`` says what ``documented`` says; members the documentation does not show may be added."""
    if isinstance(documented, dict):
        return isinstance(actual, dict) and all(k in actual and holds(actual[k], v) for k, v in documented.items())
    return bool(actual == documented)


@check("tenant_header")
def tenant_refused(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    code = str((ctx.expectation or {}).get("code", "TENANT_HEADER_NOT_PROVIDED"))
    expected = documented_tenant_error(ctx.operation, code)
    if exchange.status != 400:
        served = exchange.status < 300
        return [
            Finding(
                check="tenant_header",
                title="Served without a valid X-Tenant" if served else "Wrong status for a tenant error",
                message=f"expected 400 {code}, got HTTP {exchange.status}",
                expected=f"400 {short(expected)}",
                actual=str(exchange.status),
            )
        ]
    parsed, body = exchange.json_body
    if not parsed or not isinstance(body, dict):
        return [
            Finding(
                check="tenant_header",
                title="Tenant error is not JSON",
                message=exchange.text[:100],
                expected=short(expected),
                actual=exchange.content_type,
            )
        ]
    findings = []
    for key in ("status", "code"):
        if key in expected and body.get(key) != expected[key]:
            findings.append(
                Finding(
                    check="tenant_header",
                    title=f"Tenant error {key} differs",
                    message=f"{key} is {short(body.get(key))}, documented {short(expected[key])}",
                    expected=short(expected[key]),
                    actual=short(body.get(key)),
                    pointer=f"/{key}",
                )
            )
    message = body.get("message")
    if "message" in expected and not holds(message, expected["message"]):
        findings.append(
            Finding(
                check="tenant_header",
                title="Tenant error message differs",
                message=f"message is {short(message)}",
                expected=short(expected["message"]),
                actual=short(message),
                pointer="/message",
            )
        )
    return findings + documented_answer(ctx, exchange)
