"""The envelope: ``status`` / ``code`` / ``data`` / ``message`` present, typed and consistent with the HTTP status.

Success bodies carry ``data`` (single, list, paginated), ``message`` (actions) or the documented exception
(ping, OAuth token, files). Error bodies are ``{status: "failed", code: UPPER_SNAKE, message: {body}}``, and
422 is Laravel's ``{message, errors}``. ``status: "success"`` with a 4xx, or ``"failed"`` with a 2xx, is a
contradiction whatever the schema says. The media type is judged first, in full (``media``).
"""

from __future__ import annotations

import re
from typing import Any

from .base import CheckContext, Exchange, Finding, check, short
from .media import media_type

CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
DATA_KINDS = {"single", "list", "paginated"}


def _finding(title: str, message: str, **extra: Any) -> Finding:
    return Finding(check="envelope", title=title, message=message, **extra)


@check("envelope")
def envelope(ctx: CheckContext, exchange: Exchange) -> list[Finding]:
    """The media type in full (``media``), then, for a JSON answer, the envelope its status calls for."""
    media = media_type(ctx, exchange)
    spec = ctx.operation.response_for(exchange.status)
    expects_json = exchange.status >= 400 or spec is None or spec.is_json
    if any(f.is_error for f in media) or not expects_json:
        return media
    parsed, body = exchange.json_body
    if not parsed:
        return [_finding("Body is not valid JSON", f"HTTP {exchange.status} body: {exchange.text[:80]!r}")]
    if not isinstance(body, dict):
        return [_finding("Envelope is not an object", f"top-level JSON is {type(body).__name__}", actual=short(body))]
    if exchange.status >= 400:
        return _error_envelope(exchange.status, body)
    return _success_envelope(ctx, exchange.status, body)


def _success_envelope(ctx: CheckContext, status: int, body: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    word = body.get("status")
    if word is not None:
        # The reviews-distribution body documents a free status string next to data.
        free_word = ctx.doc_id.endswith("reviews-distribution")
        if word == "failed" or not isinstance(word, str) or (word != "success" and not free_word):
            findings.append(
                _finding(
                    "status contradicts HTTP status",
                    f"HTTP {status} with status {short(word)}",
                    expected='"success" (or absent)',
                    actual=short(word),
                    pointer="/status",
                )
            )
    if "code" in body and not isinstance(body["code"], str):
        findings.append(
            _finding(
                "code is not a string",
                f"code is {short(body['code'])}",
                expected="string",
                actual=type(body["code"]).__name__,
                pointer="/code",
            )
        )
    kind = ctx.operation.response_kind
    schema = ctx.operation.response_for(status)
    unwrapped = bool(schema and schema.schema and schema.schema.get("x-unwrapped"))
    if kind in DATA_KINDS and not unwrapped and "data" not in body:
        findings.append(
            _finding(
                "data missing",
                f"a {kind} response must carry data",
                expected="data",
                actual=f"keys {sorted(body)}",
                pointer="/data",
            )
        )
    if kind in ("list", "paginated") and "data" in body and not isinstance(body["data"], list):
        findings.append(
            _finding(
                "data is not a list",
                f"a {kind} response carries an array in data",
                expected="array",
                actual=type(body["data"]).__name__,
                pointer="/data",
            )
        )
    if kind == "paginated":
        for key in ("links", "meta"):
            if not isinstance(body.get(key), dict):
                findings.append(
                    _finding(
                        f"{key} missing",
                        f"a paginated response carries {key}",
                        expected="object",
                        actual=short(body.get(key)),
                        pointer=f"/{key}",
                    )
                )
    if kind == "message" and "message" not in body:
        findings.append(
            _finding(
                "message missing",
                "an action response carries message",
                expected="message",
                actual=f"keys {sorted(body)}",
                pointer="/message",
            )
        )
    return findings


def _error_envelope(status: int, body: dict[str, Any]) -> list[Finding]:
    if status == 422 and "errors" in body:
        findings = []
        if not isinstance(body.get("message"), str):
            findings.append(
                _finding(
                    "422 message is not a string",
                    "validation errors carry a message string",
                    expected="string",
                    actual=short(body.get("message")),
                    pointer="/message",
                )
            )
        if not isinstance(body["errors"], dict):
            findings.append(
                _finding(
                    "422 errors is not an object",
                    "errors maps field names to messages",
                    expected="object",
                    actual=short(body["errors"]),
                    pointer="/errors",
                )
            )
        return findings
    findings = []
    word = body.get("status")
    if word != "failed":
        findings.append(
            _finding(
                "status contradicts HTTP status" if word == "success" else "status missing",
                f"HTTP {status} with status {short(word)}",
                expected='"failed"',
                actual=short(word),
                pointer="/status",
            )
        )
    code = body.get("code")
    if not isinstance(code, str):
        findings.append(
            _finding(
                "code is not a string",
                f"HTTP {status} with code {short(code)}",
                expected="UPPER_SNAKE string",
                actual=short(code),
                pointer="/code",
            )
        )
    elif not CODE.match(code):
        findings.append(
            _finding("code is not UPPER_SNAKE", f"code {code!r}", expected="UPPER_SNAKE", actual=code, pointer="/code")
        )
    message = body.get("message")
    if not (isinstance(message, dict) and isinstance(message.get("body"), str)):
        findings.append(
            _finding(
                "message.body missing",
                "error bodies carry message {body}",
                expected='{"body": string}',
                actual=short(message),
                pointer="/message",
            )
        )
    return findings
