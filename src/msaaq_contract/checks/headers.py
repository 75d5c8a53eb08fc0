"""Response headers: every header the contract marks ``required`` for the answer's status is there (a 302's
``Location``). Header names are compared case-insensitively (RFC 9110, 5.1); headers the contract does not
require may be absent."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check


@check("headers")
def required_headers(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    spec = ctx.operation.response_for(exchange.status)
    if spec is None:
        return []  # the status check reports an undocumented status
    return [
        Finding(
            check="headers",
            title="Required header missing",
            message=f"HTTP {exchange.status} documents the {name} header as required; the answer has none",
            expected=f"{name}: (required)",
            actual="(none)",
        )
        for name in spec.required_headers
        if name.lower() not in exchange.headers
    ]
