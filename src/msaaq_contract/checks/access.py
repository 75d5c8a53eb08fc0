"""Who may call what: an identity the operation does not serve must be refused.

Two families send the happy request of an operation with a token that must not work there: ``roles`` (a user
identity the operation's security does not list: a student's token on the Admin API) and ``binding`` (the same
identity's token issued by the other academy, sent with this academy's ``X-Tenant``). A refusal (401, 403, 404)
passes when it is the documented error; an answer that served the request fails, and so does one that shows the
token was let through to validation or to a crash. ``unchanged`` judges the owner's read after a refused write:
what was refused must not have been stored. ``no_existence_leak`` compares the refusal of another academy's real
id with the refusal of an id that was never issued: they must not tell the two apart.
"""

from __future__ import annotations

from typing import Any

from .alike import difference
from .base import CheckContext, Exchange, Finding, check, short
from .documented import documented_answer, documented_refusal

REFUSED = (401, 403, 404)


def access_of(status: int) -> str:
    """The authorization matrix's reading of an answer: ``allowed`` (2xx, or a redirect: a documented 302 is
    how some operations serve), ``refused`` (401, 403, 404) or ``unclear`` (anything else)."""
    if 200 <= status < 400:
        return "allowed"
    if status in REFUSED:
        return "refused"
    return "unclear"


def _who(ctx: CheckContext) -> str:
    return str((ctx.expectation or {}).get("who") or "a token this operation does not serve")


@check("refused")
def refused(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """A token that must not work here (``expectation.who`` says whose) is refused with the documented error."""
    if exchange.status in REFUSED:
        return documented_refusal(ctx, exchange)
    who = _who(ctx)
    if 200 <= exchange.status < 300:
        data = exchange.data if isinstance(exchange.data, dict) else {}
        shown = data.get("id", data.get("uuid"))
        return [
            Finding(
                check="refused",
                title="Served to a foreign identity",
                message=f"{ctx.operation.label} served {who} (HTTP {exchange.status}"
                + (f", data id {short(shown)}" if shown is not None else "")
                + ")",
                expected="401, 403 or 404",
                actual=str(exchange.status),
            )
        ]
    # A 422 means the token got through authentication to validation; a 5xx that it reached the controller.
    return [
        Finding(
            check="refused",
            title="Foreign identity not refused",
            message=f"{ctx.operation.label} answered {who} with HTTP {exchange.status} instead of refusing it: the "
            "request got past authentication",
            expected="401, 403 or 404",
            actual=str(exchange.status),
        )
    ]


@check("unchanged")
def unchanged(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """The owner's read after a refused foreign write: the resource is still there and holds none of what the
    write sent (``expectation.sent``: the members the refused update sent, ``expectation.before``: the
    resource before it, ``expectation.markers``: texts only the write could have stored)."""
    expectation = ctx.expectation or {}
    written = str(expectation.get("write") or "write")
    if exchange.status == 404 or exchange.status == 410:
        return [
            Finding(
                check="unchanged",
                title="Refused write was applied",
                message=f"after {_who(ctx)}'s refused {written}, the owner's read answers HTTP {exchange.status}: "
                "the resource was deleted",
                expected="the resource, unchanged",
                actual=str(exchange.status),
            )
        ]
    if not 200 <= exchange.status < 300:
        return []  # the read itself is judged as its own operation elsewhere; nothing here proves a change
    data = exchange.data if isinstance(exchange.data, dict) else {}
    sent: dict[str, Any] = expectation.get("sent") or {}
    before: dict[str, Any] = expectation.get("before") or {}
    # A member the resource did not show before counts only for a value no one but the write could have put
    # there (the probe's own marker text): a server default may equal any other value.
    markers = set(expectation.get("markers") or ())
    changed = [
        name
        for name, value in sent.items()
        if name in data
        and data[name] == value
        and (before[name] != value if name in before else isinstance(value, str) and value in markers)
    ]
    if not changed:
        return []
    return [
        Finding(
            check="unchanged",
            title="Refused write was applied",
            message=f"after {_who(ctx)}'s refused {written}, the owner reads the values it sent in "
            f"{', '.join(sorted(changed))}",
            expected="the values before the refused write",
            actual="the refused write's values",
            pointer="/data/" + sorted(changed)[0],
        )
    ]


@check("no_existence_leak")
def no_existence_leak(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """``exchange`` asked for an id that was never issued; ``expectation.real`` is the refusal of the other
    academy's real id (an ``Exchange``). The two refusals must be alike: the same status and the same body
    once the ids and volatile members are taken out."""
    expectation = ctx.expectation or {}
    real: Exchange | None = expectation.get("real")
    whole = documented_answer(ctx, exchange)  # the never-issued id's refusal is a documented answer too
    if real is None or real.status not in REFUSED:
        return whole  # a served foreign id is the isolation check's finding, not this one
    ids = tuple(str(v) for v in expectation.get("ids", ()))
    if real.status != exchange.status:
        return [
            *whole,
            Finding(
                check="no_existence_leak",
                title="Refusal tells which ids exist",
                message=f"another academy's id is refused with HTTP {real.status}, a never-issued id with HTTP "
                f"{exchange.status}: the status tells which ids exist",
                expected=f"HTTP {real.status} for both",
                actual=f"{real.status} (real id) vs {exchange.status} (never issued)",
            ),
        ]
    where = difference(real, exchange, ids)
    if where is not None:
        return [
            *whole,
            Finding(
                check="no_existence_leak",
                title="Refusal tells which ids exist",
                message=f"another academy's id and a never-issued id are both refused with HTTP {real.status}, "
                f"but with bodies that differ at {where}: the body tells which ids exist",
                expected="the same body (ids and timestamps aside)",
                actual=f"{short(real.text, 80)} vs {short(exchange.text, 80)}",
            ),
        ]
    return whole


@check("no_foreign_items")
def no_foreign_items(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """The other academy's list (its ``X-Tenant``, its token) holds none of this academy's ids
    (``expectation.foreign_ids``: member -> the ids of this academy's items)."""
    whole = documented_answer(ctx, exchange)  # the other academy's list, judged as the answer it documents
    if not 200 <= exchange.status < 300:
        return whole  # a refused list leaks nothing
    parsed, body = exchange.json_body
    data = body.get("data") if parsed and isinstance(body, dict) else None
    items = data if isinstance(data, list) else []
    wanted: dict[str, list[str]] = (ctx.expectation or {}).get("foreign_ids") or {}
    found = sorted(
        {
            f"{member}={item[member]}"
            for item in items
            if isinstance(item, dict)
            for member, ids in wanted.items()
            if member in item and str(item[member]) in ids
        }
    )
    if not found:
        return whole
    return [
        *whole,
        Finding(
            check="no_foreign_items",
            title="Cross-tenant leak in a list",
            message=f"the other academy's {ctx.operation.label} lists this academy's items ({', '.join(found)})",
            expected="none of this academy's ids",
            actual=", ".join(found),
            pointer="/data",
        ),
    ]
