"""Fuzzing verdicts: a valid generated request must not get a 5xx and must conform; an invalid one must be
refused with a 4xx that is the documented answer of its status (``documented``: a status the operation documents,
its media type, envelope and body against its schema, e.g. ``error.Validation`` for a 422), never a 2xx or a
5xx. The same functions run as schemathesis custom checks (see ``msaaq_contract.fuzz``) and in hand-written
tests; offline, ``as_recorded`` decides which of the two a recorded request gets from what the current contract
says of that request."""

from __future__ import annotations

from dataclasses import replace

from .base import CheckContext, Exchange, Finding, check
from .documented import answer_findings, documented_refusal
from .request import request_problems


@check("no_server_error")
def no_server_error(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    if exchange.status < 500:
        return []
    return [
        Finding(
            check="fuzz",
            title="Server error",
            message=f"HTTP {exchange.status} for a generated request",
            expected="2xx or a documented 4xx",
            actual=str(exchange.status),
        )
    ]


@check("conforms")
def conforms(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """Everything a response must satisfy whatever the request: the documented answer (status, media type,
    envelope, field types, required headers)."""
    findings = no_server_error(ctx, exchange)
    if findings:
        return findings
    return answer_findings(ctx, exchange)


@check("rejects_invalid")
def rejects_invalid(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    what = (ctx.expectation or {}).get("mutation", "an invalid request")
    if 400 <= exchange.status < 500:
        return documented_refusal(ctx, exchange)
    title = "Invalid request accepted" if exchange.status < 400 else "Server error on invalid input"
    return [
        Finding(
            check="fuzz",
            title=title,
            message=f"{what} got HTTP {exchange.status}",
            expected="4xx with the error envelope",
            actual=str(exchange.status),
        )
    ]


@check("as_recorded")
def as_recorded(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A recorded generated request, judged by the current contract: one it accepts must conform, one it refuses
    must be refused. ``ctx.expectation["mode"]`` is the mode it was generated in (positive / negative)."""
    problems = request_problems(ctx.contract, ctx.operation, exchange.request)
    if not problems:
        return conforms(ctx, exchange)
    negative = (ctx.expectation or {}).get("mode") == "negative"
    what = (
        "a generated invalid request"
        if negative
        else f"a generated request the contract refuses ({problems[0].message})"
    )
    return rejects_invalid(replace(ctx, expectation={"mutation": what}), exchange)
