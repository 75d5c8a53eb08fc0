"""Status: the status code is one the contract documents for the operation, and a valid request succeeds."""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check
from .request import request_problems


@check("status")
def status_documented(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    documented = sorted(ctx.operation.responses)
    if str(exchange.status) in documented or ctx.operation.response_for(exchange.status) is not None:
        return []
    return [
        Finding(
            check="status",
            title="Undocumented status code",
            message=f"HTTP {exchange.status} is not documented for {ctx.operation.label}",
            expected=", ".join(documented),
            actual=str(exchange.status),
        )
    ]


@check("success")
def success_expected(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A valid request (the happy path) must get one of the documented success statuses.

    Valid means valid for the contract as it is now: when a contract edit made the (recorded) request invalid,
    e.g. a field became required, the API's answer to it must be a refusal, or the edit contradicts the API."""
    problems = request_problems(ctx.contract, ctx.operation, exchange.request)
    if problems:
        return _refusal_expected(problems[0], exchange)
    if str(exchange.status) in ctx.operation.success_statuses:
        return []
    detail = ""
    parsed, body = exchange.json_body
    if parsed and isinstance(body, dict) and isinstance(body.get("message"), dict):
        detail = f": {body['message'].get('body', '')}"
    elif parsed and isinstance(body, dict) and isinstance(body.get("message"), str):
        detail = f": {body['message']}"
    return [
        Finding(
            check="status",
            title="Valid request not accepted",
            message=f"the minimal valid request got HTTP {exchange.status}{detail}"[:300],
            expected=", ".join(ctx.operation.success_statuses),
            actual=str(exchange.status),
        )
    ]


def _refusal_expected(problem: Finding, exchange: Exchange) -> list[Finding]:
    if 400 <= exchange.status < 500:
        return []
    return [
        Finding(
            check="status",
            title="Request the contract refuses was accepted",
            message=f"{problem.message}, yet the request got HTTP {exchange.status}"[:300],
            expected="4xx (the contract refuses this request)",
            actual=str(exchange.status),
        )
    ]
