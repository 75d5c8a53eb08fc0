"""Tenant header: a tenant operation without ``X-Tenant`` (or with an unknown one) is refused with 400 and
exactly the documented body (which also fits the schema documented for that 400)."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check, short
from .schema import schema

DOCUMENTED = {
    "TENANT_HEADER_NOT_PROVIDED": "No Tenant header was provided",
    "TENANT_NOT_FOUND": "Tenant not found",
}


@check("tenant_header")
def tenant_refused(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    code = str((ctx.expectation or {}).get("code", "TENANT_HEADER_NOT_PROVIDED"))
    expected = {"status": "failed", "code": code, "message": {"body": DOCUMENTED[code]}}
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
        if body.get(key) != expected[key]:
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
    if not isinstance(message, dict) or message.get("body") != DOCUMENTED[code]:
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
    return findings + [f for f in schema(ctx, exchange) if f.is_error]
