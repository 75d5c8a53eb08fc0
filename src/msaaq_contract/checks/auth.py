"""Auth: protected operations refuse a missing, malformed or revoked token with 401 and the documented error;
public (optional-auth) operations still answer without one, with a documented answer."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check
from .documented import documented_answer, documented_refusal


@check("auth")
def refuses_unauthenticated(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    variant = (ctx.expectation or {}).get("variant", "no token")
    if exchange.status == 401:
        return documented_refusal(ctx, exchange)
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
        return documented_answer(ctx, exchange)
    return [
        Finding(
            check="auth",
            title="Public operation refused",
            message=f"a public storefront read without a token got HTTP {exchange.status}",
            expected=", ".join(ctx.operation.success_statuses),
            actual=str(exchange.status),
        )
    ]
