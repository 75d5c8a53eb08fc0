"""Auth: protected operations refuse a missing, malformed or revoked token with 401 and the error envelope;
public (optional-auth) operations still answer without one."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check
from .envelope import envelope


@check("auth")
def refuses_unauthenticated(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    variant = (ctx.expectation or {}).get("variant", "no token")
    if exchange.status == 401:
        return [f for f in envelope(ctx, exchange) if f.is_error]
    title = "Served without a valid token" if exchange.status < 300 else "Wrong refusal status"
    return [
        Finding(
            check="auth",
            title=title,
            message=f"request with {variant} got HTTP {exchange.status}; a protected operation answers 401",
            expected="401 with the error envelope",
            actual=str(exchange.status),
        )
    ]


@check("public")
def answers_anonymously(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    if 200 <= exchange.status < 400:
        return []
    return [
        Finding(
            check="auth",
            title="Public operation refused",
            message=f"a public storefront read without a token got HTTP {exchange.status}",
            expected=", ".join(ctx.operation.success_statuses),
            actual=str(exchange.status),
        )
    ]
