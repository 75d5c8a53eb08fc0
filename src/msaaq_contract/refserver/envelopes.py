"""Replies and the documented error bodies.

Every error is the contract's ``error.Failed`` envelope ``{status: "failed", code: UPPER_SNAKE, message:
{body}}``, except 422 which is Laravel's ``error.Validation`` ``{message, errors: {field: [..]}}``.
A ``Reply`` carries either a JSON value or raw bytes; JSON is encoded once, at send time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .texts import message

JSON = "application/json"


@dataclass
class Reply:
    status: int
    body: Any = None
    media_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # pre-encoded body (files, cached JSON)
    is_error: bool = False

    def json(self) -> Any:
        """The JSON value, decoding ``raw`` once if the body came pre-encoded."""
        if self.body is None and self.raw is not None and self.media_type == JSON:
            self.body = json.loads(self.raw)
            self.raw = None
        return self.body

    def encode(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.body is None and self.status in (204, 302):
            return b""
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode()

    @property
    def is_json(self) -> bool:
        return self.media_type == JSON


def failed(status: int, code: str, body: str, **headers: str) -> Reply:
    payload = {"status": "failed", "code": code, "message": {"body": body}}
    return Reply(status, payload, headers=dict(headers), is_error=True)


def unauthenticated(lang: str) -> Reply:
    return failed(401, "UNAUTHORIZED", message("unauthenticated", lang))


def forbidden(lang: str) -> Reply:
    return failed(403, "FORBIDDEN", message("forbidden", lang))


def not_found(lang: str, key: str = "not_found") -> Reply:
    return failed(404, "NOT_FOUND", message(key, lang))


def method_not_allowed(lang: str, method: str, path: str, allowed: list[str]) -> Reply:
    """Laravel's MethodNotAllowedHttpException: ``Allow`` lists the path's methods, joined with ", "."""
    text = message("method_not_allowed", lang, method=method, path=path, allowed=", ".join(allowed))
    return failed(405, "METHOD_NOT_ALLOWED", text, Allow=", ".join(allowed))


def options(allowed: list[str]) -> Reply:
    """Laravel's answer to an OPTIONS request on a known path: 200, no body, ``Allow`` joined with ","."""
    return Reply(200, media_type="text/html; charset=UTF-8", headers={"Allow": ",".join(allowed)}, raw=b"")


def tenant_missing(lang: str) -> Reply:
    return failed(400, "TENANT_HEADER_NOT_PROVIDED", message("tenant_missing", lang))


def tenant_unknown(lang: str) -> Reply:
    return failed(400, "TENANT_NOT_FOUND", message("tenant_unknown", lang))


def too_many(lang: str, retry_after: int) -> Reply:
    return failed(429, "TOO_MANY_ATTEMPTS", message("too_many", lang), **{"Retry-After": str(retry_after)})


def too_large() -> Reply:
    """Laravel's ``PostTooLargeException`` (``ValidatePostSize``) as its handler renders it for JSON: an
    HttpException without a message, so ``{"message": ""}`` whatever the language, before the MSAAQ envelope."""
    return Reply(413, {"message": ""}, is_error=True)


def server_error(lang: str) -> Reply:
    return failed(500, "SERVER_ERROR", message("server_error", lang))


def validation(errors: dict[str, list[str]], lang: str) -> Reply:
    """Laravel's 422: ``message`` is the first error, as Laravel renders it."""
    first = next((msgs[0] for msgs in errors.values() if msgs), message("invalid", lang))
    extra = sum(len(m) for m in errors.values()) - 1
    text = first if extra <= 0 else f"{first} (and {extra} more error{'s' if extra > 1 else ''})"
    return Reply(422, {"message": text, "errors": errors}, is_error=True)


def field_error(field_name: str, key: str, lang: str, **fields: object) -> Reply:
    return validation({field_name: [message(key, lang, field=field_name, **fields)]}, lang)
