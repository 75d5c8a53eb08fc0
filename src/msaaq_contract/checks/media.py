"""The media type of an answer, judged in full against the one documented for its status.

``application/problem+json``, ``text/x-json`` or ``application/json-seq`` are not ``application/json``, and
``application/zip`` is not ``application/pdf``: the type and subtype must be the documented ones (a documented
range, ``image/*`` or ``*/*``, takes its range), and every parameter the contract writes on the media type must be
there with its value. Parameters the contract does not write (``charset`` on JSON) may be added by a server
(``x-decisions``: ``media-type-parameters``). An answer that documents a body must say its type: no
``Content-Type`` is a failure. Where the sources name no type for a file (``x-media-type-unknown``), another type
is accepted and reported as a warning with the contract's reason.

Errors and statuses the contract does not document are held to JSON, the error convention
(``x-decisions``: ``error-message-shape``); a status documented without content (204, a redirect) has no type to
judge.
"""

from __future__ import annotations

from .base import CheckContext, Exchange, Finding, check

JSON = "application/json"


def parse(value: str) -> tuple[str, dict[str, str]]:
    """``type/subtype`` (lower case) and the parameters of a ``Content-Type`` value (names lower case, values
    unquoted)."""
    essence, *params = value.split(";")
    found: dict[str, str] = {}
    for param in params:
        name, sep, val = param.partition("=")
        if sep:
            found[name.strip().lower()] = val.strip().strip('"')
    return essence.strip().lower(), found


def documented_media_type(ctx: CheckContext, status: int) -> str | None:
    """The media type the contract documents for ``status`` (JSON for an error or an undocumented status); None
    when the status is documented without a body."""
    spec = ctx.operation.response_for(status)
    if spec is None or (spec.media_type is None and status >= 400):
        return JSON
    return spec.media_type


def fits(documented: str, answered: str) -> bool:
    """The answered ``Content-Type`` is the documented media type (or in its range), with its parameters."""
    wanted, wanted_params = parse(documented)
    got, got_params = parse(answered)
    major, _, minor = wanted.partition("/")
    if wanted == "*/*":
        same = bool(got)
    elif minor == "*":
        same = got.partition("/")[0] == major
    else:
        same = got == wanted
    # charset values are case-insensitive (RFC 9110, 8.3.2); other parameter values are compared as written.
    return same and all(
        (got_params.get(name, "").lower() == value.lower()) if name == "charset" else got_params.get(name) == value
        for name, value in wanted_params.items()
    )


@check("media_type")
def media_type(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    documented = documented_media_type(ctx, exchange.status)
    if documented is None:
        return []
    answered = exchange.headers.get("content-type", "").strip()
    if answered and fits(documented, answered):
        return []
    got = parse(answered)[0] if answered else "(none)"
    spec = ctx.operation.response_for(exchange.status)
    unknown = spec.media_type_unknown if spec is not None else None
    if answered and unknown:
        return [
            Finding(
                check="envelope",
                title="Media type accepted: the contract names none",
                message=f"documented {documented} (x-media-type-unknown: {unknown}), got {answered}",
                severity="warning",
                expected=documented,
                actual=got,
            )
        ]
    if not answered:
        title = "No Content-Type"
    elif parse(documented)[0] == JSON and "json" not in got:
        title = "Not a JSON response"
    else:
        title = "Unexpected media type"
    return [
        Finding(
            check="envelope",
            title=title,
            message=f"HTTP {exchange.status} documented as {documented}, answered with Content-Type "
            f"{answered or '(none)'}",
            expected=documented,
            actual=got,
        )
    ]
