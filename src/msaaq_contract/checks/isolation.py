"""Tenant isolation: a resource of the main academy, requested as another academy (its X-Tenant and its
token), must not be returned. A refusal (401/403/404) passes when it is the documented answer of its status
(``documented``: a status the operation documents, its media type, envelope and schema); a 2xx is a leak."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check, short
from .documented import documented_refusal


@check("isolation")
def not_leaked(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    if exchange.status in (401, 403, 404):
        return documented_refusal(ctx, exchange)
    if exchange.status >= 400:
        return [
            Finding(
                check="isolation",
                title="Unexpected refusal status",
                message=f"cross-tenant read got HTTP {exchange.status}; expected 401, 403 or 404",
                expected="401, 403 or 404",
                actual=str(exchange.status),
            )
        ]
    own_id = (ctx.expectation or {}).get("own_id")
    data = exchange.data or {}
    leaked = data.get("id", data.get("uuid", data.get("slug")))
    return [
        Finding(
            check="isolation",
            title="Cross-tenant leak",
            message=f"the main academy's resource was served to another academy (HTTP {exchange.status}, "
            f"data id {short(leaked)})",
            expected="401, 403 or 404",
            actual=f"{exchange.status} id={short(leaked)} (own id {short(own_id)})",
        )
    ]
