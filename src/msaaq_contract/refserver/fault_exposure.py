"""Faults that let the wrong party see something (issue 22's exposure, enumeration and CORS drills).

- ``secret_member``: ``data`` (each item of a list) gains ``password`` holding a bcrypt hash, as a Laravel model
  whose ``$hidden`` forgot the column.
- ``debug_error_body``: error bodies gain Laravel's debug members (``exception``, ``file``, ``line``, ``trace``), as
  with ``APP_DEBUG=true``.
- ``debug_routes_served``: the host serves ``.env``, the Laravel log, Telescope, Horizon and Ignition's health
  check, at the host root and under the API base (the server, whatever ``operations`` says).
- ``login_enumerates``: a refused login whose e-mail no account has says so (Laravel's ``exists`` rule message),
  so the refusal tells which addresses have accounts.
- ``cors_echoes_origin``: every answer (preflights too) echoes the request's ``Origin`` with
  ``Access-Control-Allow-Credentials: true``.
"""

from __future__ import annotations

from typing import Any

from ..contract import Operation
from ..contract.logins import login_operations
from .envelopes import Reply, validation
from .fault_kinds import Catalogue, ExtraField, FaultKind

FAKE_HASH = "$2y$10$" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY01"[:53]
DEBUG_MEMBERS: dict[str, Any] = {
    "exception": "Illuminate\\Database\\QueryException",
    "file": "/var/www/msaaq/vendor/laravel/framework/src/Illuminate/Database/Connection.php",
    "line": 829,
    "trace": [
        {
            "file": "/var/www/msaaq/vendor/laravel/framework/src/Illuminate/Database/Connection.php",
            "line": 783,
            "function": "runQueryCallback",
            "class": "Illuminate\\Database\\Connection",
            "type": "->",
        }
    ],
}
# What each debug route shows when a deployment serves it (fake values: the drill's, never a real secret).
SERVED: dict[str, tuple[str, bytes]] = {
    "/.env": (
        "text/plain",
        b"APP_NAME=Msaaq\nAPP_ENV=production\nAPP_KEY=base64:ZmFrZS1kcmlsbC1rZXk=\nDB_PASSWORD=drill\n",
    ),
    "/storage/logs/laravel.log": (
        "text/plain",
        b'[2026-01-01 00:00:00] production.ERROR: drill {"exception":"[object] (RuntimeException(code: 0))"}\n',
    ),
    "/telescope": ("text/html", b"<!DOCTYPE html><html><head><title>Telescope</title></head><body></body></html>"),
    "/horizon": ("text/html", b"<!DOCTYPE html><html><head><title>Horizon</title></head><body></body></html>"),
    "/_ignition/health-check": ("application/json", b'{"can_execute_commands":true}'),
}
UNKNOWN_EMAIL = {"en": "The selected email is invalid.", "ar": "قيمة البريد الإلكتروني المختارة غير صالحة."}


class SecretMember(ExtraField):
    """``data`` (each item of a list) gains ``password`` with a bcrypt hash."""

    name = "secret_member"
    member = "password"
    value = FAKE_HASH


class DebugErrorBody(FaultKind):
    """Error bodies gain ``exception``, ``file``, ``line`` and ``trace`` (``APP_DEBUG=true``)."""

    name = "debug_error_body"

    def after(self, op: Operation, reply: Reply, catalogue: Catalogue) -> Reply:
        body = reply.json() if reply.is_json and reply.is_error else None
        if isinstance(body, dict):
            body.update(DEBUG_MEMBERS)
        return reply

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return any(s.startswith("4") for s in op.responses) or bool(op.security)


class DebugRoutesServed(FaultKind):
    """``.env``, the log, Telescope, Horizon and Ignition's health check are served (host root and API base)."""

    name = "debug_routes_served"

    def unknown_path(self, path: str) -> Reply | None:
        for route, (media_type, content) in SERVED.items():
            if path == route or (path.endswith(route) and path.count("/") == route.count("/") + 1):
                return Reply(200, raw=content, media_type=media_type)
        return None

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return True


class LoginEnumerates(FaultKind):
    """A refused login whose e-mail no account has is refused with Laravel's ``exists`` message instead."""

    name = "login_enumerates"

    def login_refused(self, reply: Reply, known: bool, lang: str) -> Reply:
        if known or reply.status != 422:
            return reply
        return validation({"email": [UNKNOWN_EMAIL.get(lang, UNKNOWN_EMAIL["en"])]}, lang)

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return op.operation_id in login_operations(catalogue.contract)


class CorsEchoesOrigin(FaultKind):
    """Every answer echoes the request's ``Origin`` with ``Access-Control-Allow-Credentials: true``."""

    name = "cors_echoes_origin"

    def cors(self, request_headers: dict[str, str]) -> dict[str, str]:
        origin = request_headers.get("origin")
        if not origin:
            return {}
        return {"access-control-allow-origin": origin, "access-control-allow-credentials": "true", "vary": "Origin"}

    def applies(self, op: Operation, catalogue: Catalogue) -> bool:
        return True
